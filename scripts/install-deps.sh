#!/usr/bin/env bash
# Installs every system package tandem needs to build, test and benchmark, from Debian's archive.
# Idempotent: when everything is present it prints nothing and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libopenblas-dev            # CBLAS for the GEMM wrapper
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev           # bench/ microbenchmarks
  nlohmann-json3-dev         # safetensors headers, JSON output
  libyaml-cpp-dev            # config.yaml
  libcli11-dev               # command-line parsing
  libsentencepiece-dev       # subword tokenisation (tandem vocab, tokenizer spm)
  libcpp-httplib-dev         # tandem serve
  libssl-dev                 # SHA-256 checksums of the model folder's files (OpenSSL)
  wrk                        # bench/serve_load.sh: HTTP load generator
  chromium chromium-driver   # tests/server/browser_test.sh: the serve page in a headless browser
  python3-venv               # tests/server/browser_test.sh: a venv for Selenium from PyPI
  curl                       # bench/serve_load.sh: reads /metrics
  python3 python3-pip        # example data preparation (pip download from PyPI)
  fonts-wqy-zenhei           # a CJK font, so attention heatmaps (SVG) show Chinese
  librsvg2-bin               # rsvg-convert: SVG heatmaps to PNG
)

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
