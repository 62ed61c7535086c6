#!/usr/bin/env bash
# The dates example end to end on 2 cores: install, build (unless $TANDEM is set), generate the
# data, train, translate the test set, score it (overall and per format family), draw heatmaps.
# Usage: examples/dates/run.sh [--set key=value ...]   (extra options go to `tandem train`)
# The model, outputs and heatmaps go to $DATES_RUN (default runs/dates), which is replaced.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/install-deps.sh
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target tandem
fi
tandem=${TANDEM:-build/release/src/tandem}
run=${DATES_RUN:-runs/dates}
data=examples/dates/data

bash examples/dates/prepare.sh --verbose
rm -rf "$run"
start=$SECONDS
"$tandem" train --config examples/dates/config.yaml --set train.model_dir="$run" "$@"
echo "training wall time: $((SECONDS - start)) s"

start=$SECONDS
"$tandem" translate --model "$run" --input "$data/test.src" --output "$run/test.hyp"
echo "translating $(wc -l < "$data/test.src") test lines: $((SECONDS - start)) s"
"$tandem" eval -i "$run/test.hyp" -r "$data/test.tgt" -m exact
python3 examples/dates/evaluate.py "$data/test.tsv" "$run/test.hyp" --errors 10 | tee "$run/test.md"

# Heatmaps of test days (never seen in training, in any format): rows are output characters.
draw() {
  "$tandem" plot-attention --model "$run" --text "$2" --output "$run/attention-$1.svg"
  rsvg-convert "$run/attention-$1.svg" -o "$run/attention-$1.png"
}
draw en-month "Thursday, January 30th 2020"
draw en-numeric "01/30/2020"
draw zh "二〇二〇年七月十七日"
echo "heatmaps: $run/attention-{en-month,en-numeric,zh}.png"
