#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole test suite.
#   scripts/test.sh           release build, all tests, then the Python package's (pytest)
#   scripts/test.sh asan      the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh portable  the same built for any x86-64 CPU (OpenBLAS, no AVX-512 kernels)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash scripts/install-deps.sh main test examples python
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
if [ "$preset" = release ]; then
  bash scripts/test-python.sh
fi
