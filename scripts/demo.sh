#!/usr/bin/env bash
# Sets everything up from a fresh clone, builds, and runs the main job: the engine demo trains a
# small GRU with attention and shows what it learned.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target engine_demo
./build/release/examples/engine_demo
