#!/usr/bin/env bash
# Two tandem builds side by side through the command line, alternated in one sitting: a short g2p
# training (wall time, peak memory, weights compared) and translating words from a file and
# through a pipe (wall time, peak memory, outputs compared).
#   bench/ab_cli.sh OLD_TANDEM NEW_TANDEM MODEL_DIR [ROUNDS]
# Run from the repository root after examples/g2p/prepare.sh. MODEL_DIR must load in both builds
# (train it with the older one). Writes its scratch files to ${TMPDIR:-/tmp}/tandem-ab.
set -euo pipefail
old=$1 new=$2 model=$3 rounds=${4:-3}
scratch=${TMPDIR:-/tmp}/tandem-ab
mkdir -p "$scratch"
head -n 20000 examples/g2p/data/nostress/train.src >"$scratch/words.src"
for round in $(seq "$rounds"); do
  for which in old new; do
    bin=${!which}
    rm -rf "$scratch/model-$which"
    /usr/bin/time -f "$which train 400 steps: %e s wall, %U s user, %M KB peak" "$bin" train \
      --config examples/g2p/config.yaml --set train.model_dir="$scratch/model-$which" \
      --set train.max_steps=400 --set train.valid_every=1000 --set train.checkpoint_every=1000 \
      2>&1 | grep -E '^(old|new) train|error'
    /usr/bin/time -f "$which translate --input: %e s wall, %U s user, %M KB peak" "$bin" translate \
      --model "$model" --threads 1 --input "$scratch/words.src" >"$scratch/file-$which" \
      2>"$scratch/err" || { cat "$scratch/err"; exit 1; }
    tail -n 1 "$scratch/err"
    cat "$scratch/words.src" |  # a pipe, not a redirected file: read as lines arrive
      /usr/bin/time -f "$which translate pipe: %e s wall, %U s user, %M KB peak" "$bin" translate \
        --model "$model" --threads 1 >"$scratch/pipe-$which" 2>"$scratch/err" ||
      { cat "$scratch/err"; exit 1; }
    tail -n 1 "$scratch/err"
  done
done
cmp "$scratch/file-old" "$scratch/file-new" && cmp "$scratch/file-new" "$scratch/pipe-new" &&
  echo "outputs identical (old file, new file, new pipe)"
cmp "$scratch/model-old/model.safetensors" "$scratch/model-new/model.safetensors" &&
  echo "trained weights identical"
