#!/usr/bin/env bash
# The Python package's tests: a fresh venv (build/python-venv), the test requirements from PyPI,
# `pip install .` (which builds the extension module in build/python, kept between runs), then
# pytest on tests/python against the installed package. The tests compare with the tandem
# command: $TANDEM_BINARY, else the release build's (scripts/test.sh builds it first).
# Needs scripts/install-deps.sh main python. Usage, from anywhere: bash scripts/test-python.sh
# ($PYTHON: the interpreter to make the venv with; default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
export TANDEM_BINARY=${TANDEM_BINARY:-$PWD/build/release/src/tandem}
[ -x "$TANDEM_BINARY" ] || {
  echo "error: $TANDEM_BINARY is missing: build the release preset first" >&2
  exit 1
}
venv=build/python-venv
rm -rf "$venv"
# The Debian Python that install-deps prepares (its headers, venv; 3.11 on Debian 12), not
# whichever python3 comes first on PATH (a pyenv one may lack them, or be older than NumPy needs).
py=${PYTHON:-/usr/bin/python3}
[ -n "${PYTHON:-}" ] || [ -x "$py" ] || py=python3
"$py" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r python/requirements-test.txt
start=$SECONDS
"$venv/bin/pip" install -q --disable-pip-version-check .
echo "pip install .: $((SECONDS - start)) s"
# The repository root holds no folder named tandem, so `import tandem` is the installed package.
# One BLAS thread per translator unless a test asks for more: the products are small.
OPENBLAS_NUM_THREADS=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python
