#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole test suite.
#   scripts/test.sh           release build, all tests, then the Python package's (pytest)
#   scripts/test.sh asan      the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh portable  the release build's tests again, twice: all of them with
#                             TANDEM_CPU=generic (OpenBLAS for every product; the element-wise
#                             clones stay this CPU's), then the in-process ones and tandem
#                             --version under qemu as a CPU without AVX2/AVX-512, where the
#                             element-wise kernels' baseline clones run too (scripts/test-qemu.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
build=$preset
[[ $preset == portable ]] && build=release  # one build for every CPU: the same binaries
bash scripts/install-deps.sh main test examples python
cmake --preset "$build" >/dev/null
cmake --build --preset "$build"
ctest --preset "$preset"
if [ "$preset" = portable ]; then
  bash scripts/test-qemu.sh build/release
fi
if [ "$preset" = release ]; then
  bash scripts/test-python.sh
fi
