#!/usr/bin/env bash
# Chinese spelling correction end to end: deps, build (unless $TANDEM is set), prepare, train, correct the test set, score, heatmap.
# Run from anywhere: examples/zh-correct/run.sh   (about 15 minutes of training on one core)
# Environment: TANDEM (the tandem binary; unset: build/release/src/tandem, built first),
#   SKIP_TRAIN=1 (reuse the trained model in runs/bilstm instead of training a new one),
#   HEATMAP_TEXT (the sentence drawn in attention.png).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=examples/zh-correct
model=$here/runs/bilstm
heatmap_text=${HEATMAP_TEXT:-边亭流血成海水，武皇开边意末已。}

scripts/install-deps.sh
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
fi
TANDEM=${TANDEM:-build/release/src/tandem}

$here/prepare.sh

if [ "${SKIP_TRAIN:-0}" = 1 ] && [ ! -f "$model/model.safetensors" ]; then
  echo "error: SKIP_TRAIN=1 but there is no trained model in $model" >&2
  exit 1
fi
if [ "${SKIP_TRAIN:-0}" != 1 ]; then
  rm -rf "$model"
  start=$(date +%s)
  "$TANDEM" train --config $here/config.yaml --set train.model_dir=$model --set train.threads=1
  echo "training wall time: $(( $(date +%s) - start )) s" | tee $here/runs/train_time.txt
fi

# greedy search on the test set; the copy baseline is the corrupted input itself
"$TANDEM" translate --model $model --input $here/data/test.src --output $model/test.hyp
echo "== model (Bi-LSTM, greedy)"
python3 $here/evaluate.py --source $here/data/test.src --target $here/data/test.tgt \
  --hyp $model/test.hyp | tee $model/test.scores.txt
echo "== baseline: copy the input"
python3 $here/evaluate.py --source $here/data/test.src --target $here/data/test.tgt \
  --hyp $here/data/test.src | tee $here/runs/copy.scores.txt

"$TANDEM" plot-attention --model $model --text "$heatmap_text" --output $model/attention.svg
rsvg-convert $model/attention.svg -o $here/attention.png
echo "heatmap: $here/attention.png"
