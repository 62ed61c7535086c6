#!/usr/bin/env bash
# Generates the dates data (deterministic, stdlib Python, no network) under examples/dates/data/.
# Idempotent: quiet when the files are already up to date. Options go to prepare.py (--out, --verbose).
set -euo pipefail
exec python3 "$(dirname "$0")/prepare.py" "$@"
