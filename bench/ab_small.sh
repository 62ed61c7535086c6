#!/usr/bin/env bash
# Two release builds side by side on the standard small configuration (bench/small.yaml), in one
# sitting, alternating which goes first each round: training speed (target tokens/s of the
# logging windows after step 100 of a 200-step run) and greedy decoding (decode_bench: 3000 dev
# words, batch 64), each on one thread. What the dispatch build was measured with against
# -march=native (bench/RESULTS.md, 2026-12-08).
#   bench/ab_small.sh OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS]
# Run from the repository root after examples/g2p/prepare.sh; each build dir needs src/tandem and
# bench/decode_bench. Scratch files go to ${TMPDIR:-/tmp}/tandem-ab-small.
set -euo pipefail
old=$1 new=$2 rounds=${3:-5}
scratch=${TMPDIR:-/tmp}/tandem-ab-small
mkdir -p "$scratch"
export OPENBLAS_NUM_THREADS=1
dev=examples/g2p/data/nostress/dev.src
# The model both decode: 400 steps by OLD.
if [[ ! -f $scratch/model/model.safetensors ]]; then
  "$old/src/tandem" train --config bench/small.yaml --set train.model_dir="$scratch/model" \
    2>/dev/null
fi
train_speed() {  # BUILD → mean target tokens/s of the windows after step 100
  rm -rf "$scratch/train"
  "$1/src/tandem" train --config bench/small.yaml --set train.model_dir="$scratch/train" \
    --set train.max_steps=200 2>/dev/null
  awk -F'\t' 'NR > 1 && $1 > 100 && $6 != "" { sum += $6; n++ } END { printf "%.0f", sum / n }' \
    "$scratch/train/train_log.tsv"
}
greedy_speed() {  # BUILD → greedy sentences/s
  "$1/bench/decode_bench" "$scratch/model" "$dev" 3000 0 0 1 fp32 |
    sed -E 's/.*"greedy_sentences_per_s": ([0-9.]+).*/\1/'
}
for round in $(seq "$rounds"); do
  order="old new"
  ((round % 2 == 0)) && order="new old"
  for which in $order; do
    build=${!which}
    echo "round $round $which: train $(train_speed "$build") tok/s, greedy $(greedy_speed "$build") sent/s, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
