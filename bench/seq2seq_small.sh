#!/usr/bin/env bash
# Steady-state training speed (target tokens/s) and greedy decoding speed (sentences/s) of the
# standard small configuration (bench/small.yaml) on this machine. Usage, from the repository
# root after a release build:  bash bench/seq2seq_small.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-1}
tandem=build/release/src/tandem
bash examples/g2p/prepare.sh
rm -rf runs/bench-small
export OPENBLAS_NUM_THREADS=$threads
"$tandem" train --config bench/small.yaml --set train.threads="$threads" 2> runs/bench-small.log
# Steady state: the logging windows after the first 100 steps (warm-up: arena growth, caches).
awk -F'\t' 'NR > 1 && $1 > 100 && $6 != "" { sum += $6; n++ }
  END { printf "training: %.0f target tokens/s (mean of %d windows of 50 steps after step 100)\n", sum / n, n }' \
  runs/bench-small/train_log.tsv
head -n 3000 examples/g2p/data/nostress/dev.src > runs/bench-small/dev3000.src
start=$(date +%s.%N)
"$tandem" translate --model runs/bench-small --input runs/bench-small/dev3000.src \
  --output runs/bench-small/dev3000.out --set decode.batch_size=64
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "greedy decoding: %.0f sentences/s (3000 words, batch 64, %.2f s incl. model loading)\n", 3000 / (e - s), e - s }'
