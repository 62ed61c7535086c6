#!/usr/bin/env bash
# The full G2P recipe: trains on every CMUdict training word (without and/or with stress), then
# decodes dev and test (greedy and beam 5) and scores WER/PER against every listed pronunciation.
# Usage (from anywhere): examples/g2p/run.sh [nostress] [stress]   (default: both, in turn)
# Extra training options: G2P_TRAIN_ARGS="--set train.max_steps=500" examples/g2p/run.sh nostress
# Writes runs/g2p-VARIANT/ (model, train.out, *.out decodes, results.txt, attention.svg);
# G2P_RUNS=DIR puts them in DIR/g2p-VARIANT/ instead.
set -euo pipefail
cd "$(dirname "$0")/../.."

variants=("$@")
[[ ${#variants[@]} -gt 0 ]] || variants=(nostress stress)
for v in "${variants[@]}"; do
  if [[ $v != nostress && $v != stress ]]; then
    echo "run.sh: unknown variant '$v' (give nostress and/or stress)" >&2
    exit 2
  fi
done

if [[ -z "${TANDEM:-}" ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
  TANDEM=build/release/src/tandem
fi

bash examples/g2p/prepare.sh

for v in "${variants[@]}"; do
  dir=${G2P_RUNS:-runs}/g2p-$v
  data=examples/g2p/data/$v
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== $v: training ($(date -u +%H:%M:%S) UTC)"
  t0=$(date +%s)
  # shellcheck disable=SC2086  # G2P_TRAIN_ARGS is a list of words on purpose
  "$TANDEM" train --config "examples/g2p/full-$v.yaml" --set "train.model_dir=$dir" \
    ${G2P_TRAIN_ARGS:-} 2>&1 |
    tee "$dir/train.out"
  t1=$(date +%s)
  echo "training wall time: $((t1 - t0)) s" | tee "$dir/results.txt"

  for split in dev test; do
    for beam in 1 5; do
      out=$dir/$split.beam$beam.out
      s0=$(date +%s)
      "$TANDEM" translate --model "$dir" --beam "$beam" --input "$data/$split.src" --output "$out"
      s1=$(date +%s)
      score=$(python3 examples/g2p/evaluate.py --refs "$data/$split.refs.tsv" --hyp "$out" \
        --src "$data/$split.src" --errors "$dir/$split.beam$beam.errors.tsv")
      echo "$v $split beam $beam: $score (decoding $((s1 - s0)) s)" | tee -a "$dir/results.txt"
    done
  done
  # A held-out test word with silent letters (ch -> K, ph -> F): the README's heatmap.
  "$TANDEM" plot-attention --model "$dir" --text choreography --output "$dir/attention.svg"
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert "$dir/attention.svg" -o "$dir/attention.png"
  fi
done
