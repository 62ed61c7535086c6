#!/usr/bin/env bash
# Python's overhead over the library in one sitting: the small G2P model (bench/small.yaml, 400
# steps) decoding 3000 dev words at batch 64, greedy and beam 5, through decode_bench (C++) and
# through the Python package (bench/python_decode_bench.py), alternating which goes first.
#   bench/python_vs_cli.sh [ROUNDS] [THREADS]
# Run from the repository root after examples/g2p/prepare.sh and scripts/test-python.sh (its
# venv, build/python-venv, has the package); the release build must be current.
set -euo pipefail
rounds=${1:-5} threads=${2:-1}
scratch=${TMPDIR:-/tmp}/tandem-python-vs-cli
mkdir -p "$scratch"
export OPENBLAS_NUM_THREADS=$threads
dev=examples/g2p/data/nostress/dev.src
python=build/python-venv/bin/python
if [[ ! -f $scratch/model/model.safetensors ]]; then
  build/release/src/tandem train --config bench/small.yaml --set train.model_dir="$scratch/model" \
    2>/dev/null
fi
field() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/"; }
for round in $(seq "$rounds"); do
  order="cli python"
  ((round % 2 == 0)) && order="python cli"
  for which in $order; do
    if [[ $which == cli ]]; then
      out=$(build/release/bench/decode_bench "$scratch/model" "$dev" 3000 3000 0 "$threads" fp32)
    else
      out=$("$python" bench/python_decode_bench.py "$scratch/model" "$dev" 3000 3000 "$threads" fp32)
    fi
    echo "round $round $which: greedy $(field greedy_sentences_per_s <<<"$out") sent/s," \
      "beam-5 $(field beam5_sentences_per_s <<<"$out") sent/s, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
