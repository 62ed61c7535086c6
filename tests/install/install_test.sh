#!/usr/bin/env bash
# What a C++ user does with tandem: `cmake --install` this build into a temporary prefix, then
# configure and build tests/install/consumer against it (find_package(tandem), tandem::tandem)
# and run it. Its scores must be what the installed `tandem eval` prints for the same files.
#   tests/install/install_test.sh BUILD_DIR CXX_COMPILER
set -euo pipefail
build=$1 cxx=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tandem-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# A step's output only when it fails: the test's log stays short.
step() { "$@" >"$scratch/log" 2>&1 || { cat "$scratch/log"; echo "FAILED: $*"; exit 1; }; }

prefix=$scratch/prefix
step cmake --install "$build" --prefix "$prefix"
for f in bin/tandem lib/libtandem_core.a include/tandem/eval/metrics.h \
  lib/cmake/tandem/tandemConfig.cmake lib/cmake/tandem/tandemConfigVersion.cmake; do
  [[ -e $prefix/$f ]] || { echo "not installed: $f"; exit 1; }
done
[[ ! -e $prefix/include/tandem/cli ]] || { echo "the command's own headers were installed"; exit 1; }

step cmake -S "$here/consumer" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix"
step cmake --build "$scratch/build"

printf 'the cat sat on the mat\nhello world again\n' >"$scratch/hyp.txt"
printf 'the cat sat on a mat\nhello big world again\n' >"$scratch/ref.txt"
"$scratch/build/app" "$scratch/hyp.txt" "$scratch/ref.txt" >"$scratch/got"
"$prefix/bin/tandem" eval -i "$scratch/hyp.txt" -r "$scratch/ref.txt" -m bleu -m chrf \
  >"$scratch/want"
grep -q '^BLEU = ' "$scratch/got" || { echo "no BLEU line:"; cat "$scratch/got"; exit 1; }
diff "$scratch/want" "$scratch/got"
# The library's errors reach the user's program as tandem::Error.
if "$scratch/build/app" "$scratch/none.txt" "$scratch/ref.txt" 2>"$scratch/err"; then
  echo "a missing file was not an error"
  exit 1
fi
grep -q "none.txt" "$scratch/err" || { echo "error does not name the file:"; cat "$scratch/err"; exit 1; }
echo "installed tandem: consumer built, scores agree with tandem eval"
