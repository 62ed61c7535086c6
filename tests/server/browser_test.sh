#!/usr/bin/env bash
# Runs the browser test of tandem serve's page (tests/server/browser_test.py): installs Selenium
# from PyPI into a venv (runs/selenium-venv), trains the toy model (bench/serve_model.sh), starts
# the server on a free port, drives Debian's headless Chromium, stops the server (SIGTERM, must
# exit 0). Needs chromium and chromium-driver (scripts/install-deps.sh).
# Usage, from anywhere:  bash tests/server/browser_test.sh [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
screenshot=${1:-runs/serve-page.png}
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
fi
tandem=${TANDEM:-build/release/src/tandem}
export TANDEM=$tandem
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "error: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
venv=runs/selenium-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "selenium>=4.10,<5"
fi
bash bench/serve_model.sh

log=$(mktemp)
"$tandem" serve --model runs/serve-model --port 0 2> "$log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; rm -f "$log"' EXIT
url=
for _ in $(seq 200); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { cat "$log" >&2; echo "error: the server did not start" >&2; exit 1; }
"$venv/bin/python" tests/server/browser_test.py "$url" "$screenshot"
kill -TERM "$server"
wait "$server"  # set -e: a non-zero exit fails the test
trap 'rm -f "$log"' EXIT
echo "browser test passed; server log: $(grep -c '"GET /' "$log") page/API GETs, exit 0"
