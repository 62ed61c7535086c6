#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole test suite.
#   scripts/test.sh           release build, all tests, then the Python package's (pytest)
#   scripts/test.sh asan      the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh portable  the release build's tests again with the portable kernels forced
#                             (TANDEM_CPU=generic: OpenBLAS, no AVX-512), as a CPU without
#                             AVX-512 runs them
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
build=$preset
[[ $preset == portable ]] && build=release  # one build for every CPU: the same binaries
bash scripts/install-deps.sh main test examples python
cmake --preset "$build" >/dev/null
cmake --build --preset "$build"
ctest --preset "$preset"
if [ "$preset" = release ]; then
  bash scripts/test-python.sh
fi
