#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, AddressSanitizer + UBSan) and runs each
# for a bounded time from its seed corpus in fuzz/corpus/<target>/, with the tokens of
# fuzz/dict/<target>.dict. Fails on any crash,
# sanitizer report, leak, slow input or out-of-memory; the input that did it is left in
# build/fuzz/artifacts/.
#   scripts/fuzz.sh              every target, 60 s each
#   scripts/fuzz.sh 300 config   one target for 5 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(safetensors config corpus request)

bash scripts/install-deps.sh main fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  [ -d "fuzz/corpus/$t" ] || { echo "error: no fuzz target '$t' (fuzz/corpus/$t)" >&2; exit 1; }
  # New inputs go into a scratch corpus; the seeds in the repository are only read.
  work="build/fuzz/corpus/$t"
  mkdir -p "$work"
  echo "== fuzz_$t for ${seconds}s"
  # One input may take 10 s at most and the process 2 GB; -max_len keeps inputs config-sized.
  log="build/fuzz/fuzz_$t.log"
  if ! "build/fuzz/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" -dict="fuzz/dict/$t.dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="build/fuzz/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "error: fuzz_$t failed; the input is in build/fuzz/artifacts/, the log in $log" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done" "$log"
done
