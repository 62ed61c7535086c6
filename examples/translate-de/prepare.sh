#!/usr/bin/env bash
# Prepares the English→German message pairs (German gettext catalogs of a pinned list of Debian 12
# packages, fetched with apt-get download) under examples/translate-de/data/. Idempotent: quiet
# when the files are already up to date. Options are passed through to prepare.py (--verbose,
# --force, --any-version, --out, --cache); the .deb cache is $TANDEM_DATA_CACHE/debs if set,
# else examples/translate-de/data/cache/debs.
set -euo pipefail
exec python3 "$(dirname "$0")/prepare.py" "$@"
