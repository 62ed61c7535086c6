#!/usr/bin/env bash
# Prepares the Chinese spelling-correction data (fortunes-zh + Unihan from Debian packages)
# under examples/zh-correct/data/. Idempotent; options pass through to prepare.py
# (--verbose, --force, --out DIR, --cache DIR, --sample N, --seed N).
set -euo pipefail
exec python3 "$(dirname "$0")/prepare.py" "$@"
