#!/usr/bin/env bash
# Installs the system packages tandem needs, from Debian's archive, by group:
#   scripts/install-deps.sh main       build tandem and run the demo (scripts/demo.sh)
#   scripts/install-deps.sh test       + the test suite, benchmarks and browser test (scripts/test.sh)
#   scripts/install-deps.sh fuzz       + clang and libFuzzer (scripts/fuzz.sh)
#   scripts/install-deps.sh examples   + what the example recipes use to draw heatmaps
#   scripts/install-deps.sh python     + what `pip install .` needs to build the Python package
#   scripts/install-deps.sh            every group
# Groups combine (`main test`). Idempotent: when everything is present it prints nothing and
# touches nothing.
set -euo pipefail

main=(
  build-essential cmake ninja-build pkg-config
  libopenblas-dev            # CBLAS for the GEMM wrapper
  nlohmann-json3-dev         # safetensors headers, JSON output
  libyaml-cpp-dev            # config.yaml
  libcli11-dev               # command-line parsing
  libsentencepiece-dev       # subword tokenisation (tandem vocab, tokenizer spm)
  libcpp-httplib-dev         # tandem serve
  libssl-dev                 # SHA-256 checksums of the model folder's files (OpenSSL)
  python3 python3-pip        # example data preparation (pip download from PyPI)
)
test=(
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev           # bench/ microbenchmarks
  wrk                        # bench/serve_load.sh: HTTP load generator
  chromium chromium-driver   # tests/server/browser_test.sh: the serve page in a headless browser
  python3-venv               # tests/server/browser_test.sh: a venv for Selenium from PyPI
  curl                       # bench/serve_load.sh: reads /metrics
  qemu-user                  # scripts/test.sh portable: the tests on an emulated CPU without AVX2
)
fuzz=(
  clang                      # the fuzz preset's compiler (clang 14 on Debian 12)
  libclang-rt-14-dev         # libFuzzer and the sanitizer runtimes for -fsanitize=fuzzer
)
python=(
  python3-venv               # a virtual environment to install the package into
  python3-dev                # Python's headers, for the extension module
)
examples=(
  fonts-wqy-zenhei           # a CJK font, so attention heatmaps (SVG) show Chinese
  librsvg2-bin               # rsvg-convert: SVG heatmaps to PNG
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(main test fuzz examples python)
packages=()
for g in "${groups[@]}"; do
  case "$g" in
    main) packages+=("${main[@]}") ;;
    test) packages+=("${test[@]}") ;;
    fuzz) packages+=("${fuzz[@]}") ;;
    examples) packages+=("${examples[@]}") ;;
    python) packages+=("${python[@]}") ;;
    *) echo "error: unknown group '$g'; the groups are main, test, fuzz, examples, python" >&2; exit 1 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing packages: ${missing[*]}; run this script as root (or install them)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
