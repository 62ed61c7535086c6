#!/usr/bin/env bash
# English→German software messages end to end: deps, build, data, SentencePiece model, training,
# translation of the test set, BLEU/chrF and placeholder scores, and one attention heatmap.
# Usage (from anywhere): examples/translate-de/run.sh
#   TANDEM=path/to/tandem  use that binary instead of building build/release/src/tandem
#   THREADS=2              train and decode on 2 threads (default 1, as the README's figures)
#   RUN_DIR=dir            model folder and outputs (default runs/translate-de; emptied first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ex=examples/translate-de
data=$ex/data
run=${RUN_DIR:-runs/translate-de}
threads=${THREADS:-1}

bash scripts/install-deps.sh
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
fi
tandem=${TANDEM:-build/release/src/tandem}

echo "== data (German catalogs of the Debian packages listed in prepare.py)"
bash $ex/prepare.sh --verbose

# One joint SentencePiece model for both sides, remade only when the training text changed.
spm=$data/spm/joint8k.model
if [ ! -s $spm ] || [ $spm -ot $data/train.src ] || [ $spm -ot $data/train.tgt ]; then
  echo "== SentencePiece: unigram, 8000 pieces, English and German training text together"
  mkdir -p $data/spm
  "$tandem" vocab --input $data/train.src --input $data/train.tgt --output $spm \
    --type unigram --size 8000 --character-coverage 1.0
fi

echo "== training ($threads thread(s))"
rm -rf "$run"
start=$(date +%s)
"$tandem" train --config $ex/config.yaml --set train.model_dir="$run" \
  --set train.threads="$threads"
echo "training took $(( $(date +%s) - start )) s" | tee "$run/train_time.txt"

echo "== test set: $(wc -l < $data/test.src) messages from packages never seen in training"
for beam in 1 5; do
  "$tandem" translate --model "$run" --input $data/test.src --output "$run/test.beam$beam.de" \
    --beam $beam
  echo "-- beam $beam"
  "$tandem" eval -i "$run/test.beam$beam.de" -r $data/test.tgt | tee "$run/test.beam$beam.scores"
  python3 $ex/placeholders.py $data/test.src "$run/test.beam$beam.de" |
    tee -a "$run/test.beam$beam.scores"
done
python3 $ex/placeholders.py $data/test.src $data/test.tgt   # the human translators, for scale

echo "== a few test messages: source | output (beam 5) | reference"
paste $data/test.src "$run/test.beam5.de" $data/test.tgt | awk 'NR % 150 == 0' |
  awk -F'\t' '{ printf "%s\n  → %s\n  = %s\n", $1, $2, $3 }'

echo "== attention heatmap"
"$tandem" plot-attention --model "$run" --text "Failed to create folder: %s" \
  --output "$run/attention.svg"
rsvg-convert "$run/attention.svg" -o "$run/attention.png"
echo "wrote $run/attention.svg and $run/attention.png"
