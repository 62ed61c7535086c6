#!/usr/bin/env bash
# Training speed at 2 threads on a quiet machine and beside a busy loop that takes one core:
# how much a thread the OS deschedules costs. Mean target tokens/s after step 40 of 120 steps
# of the small configuration, each binary alternately, twice. Usage, from the repository root:
#   bash bench/contention.sh TANDEM_BINARY [TANDEM_BINARY …]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bash bench/contention.sh TANDEM_BINARY [TANDEM_BINARY …]" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rate() {
  awk -F'\t' 'NR==1{for(i=1;i<=NF;i++)if($i=="target_tokens_per_s")c=i}
              NR>1 && $1>40 && $c!=""{s+=$c;n++} END{if(n) printf "%.0f", s/n; else print "n/a"}' \
    "$1/train_log.tsv"
}
for load in quiet busy; do
  for round in 1 2; do
    for tandem in "$@"; do
      rm -rf "$dir/model"
      busy=
      if [ "$load" = busy ]; then (while :; do :; done) & busy=$!; fi
      timeout 90 "$tandem" train --config bench/small.yaml --set train.model_dir="$dir/model" \
        --set train.max_steps=120 --set train.threads=2 --set train.log_every=20 \
        >/dev/null 2>&1 || true
      [ -n "$busy" ] && kill "$busy"
      echo "$load round $round $tandem $(rate "$dir/model") target tokens/s"
    done
  done
done
