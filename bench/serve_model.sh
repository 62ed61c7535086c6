#!/usr/bin/env bash
# Trains the toy model that the serve load test and the browser test use (runs/serve-model),
# unless it is already there. Usage, from anywhere:  bash bench/serve_model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
fi
tandem=${TANDEM:-build/release/src/tandem}
[ -f runs/serve-model/model.safetensors ] && exit 0
python3 bench/serve_data.py runs/serve-data
"$tandem" train --config bench/serve_model.yaml 2> runs/serve-model.log
tail -n 1 runs/serve-model.log
