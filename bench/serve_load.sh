#!/usr/bin/env bash
# Load test of tandem serve on loopback (issue 7): wrk with 1, 8 and 32 concurrent clients for
# DURATION seconds each (default 60), dynamic batching on (--max-batch 32) and off
# (--max-batch 1); MODES="on on+5ms off" adds batching with a 5 ms wait for company. One word
# per request from the g2p dev set, on the standard small g2p model (bench/small.yaml, trained
# here into runs/serve-g2p if missing). Prints a Markdown table of throughput, p50/p99 latency,
# failed requests and the mean batch size (from /metrics). BEAM=5 sends "beam": 5 (default: the
# model's decode.beam_size, 1 here); CLIENTS="32" runs only that many clients; PRECISION=bf16
# serves with bf16 matrix products (--precision).
# Usage, from anywhere:  bash bench/serve_load.sh   (TANDEM=a built binary to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-60}
port=${PORT:-18080}
if [ -z "${TANDEM:-}" ]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target tandem
fi
tandem=${TANDEM:-build/release/src/tandem}
model=${MODEL:-runs/serve-g2p}
inputs=${INPUTS:-examples/g2p/data/nostress/dev.src}
if [ ! -f "$model/model.safetensors" ]; then
  bash examples/g2p/prepare.sh
  "$tandem" train --config bench/small.yaml --set train.model_dir="$model" 2> runs/serve-g2p.log
fi
command -v wrk >/dev/null || { echo "error: wrk is missing: run scripts/install-deps.sh" >&2; exit 1; }
out=runs/serve-bench
mkdir -p "$out"

metric() {  # metric NAME: its value from /metrics
  curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

echo "| batching | clients | requests/s | p50 latency | p99 latency | failed | mean batch | load before |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
# Modes inner: the runs compared are minutes apart, not a whole sweep (the machine is shared).
for clients in ${CLIENTS:-1 8 32}; do
  for mode in ${MODES:-on off}; do
    case $mode in
      on) flags=(--max-batch 32) ;;                        # the default: continuous batching
      on+5ms) flags=(--max-batch 32 --batch-wait-ms 5) ;;  # plus a wait for company
      off) flags=(--max-batch 1) ;;
    esac
    load=$(cut -d' ' -f1 /proc/loadavg)  # the machine's 1-minute load average before the run
    log="$out/server-$mode-$clients.log"
    "$tandem" serve --model "$model" --port "$port" --threads 1 "${flags[@]}" \
      ${PRECISION:+--precision "$PRECISION"} 2> "$log" &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    threads=$(( clients < 2 ? 1 : 2 ))
    wrk -t"$threads" -c"$clients" -d"${duration}s" --timeout 10s --latency \
      -s bench/serve_load.lua "http://127.0.0.1:$port" -- "$inputs" ${BEAM:-} \
      > "$out/wrk-$mode-$clients.txt" 2>&1
    batches=$(metric tandem_batch_sentences_count)
    sentences=$(metric tandem_batch_sentences_sum)
    errors=$(metric tandem_http_errors_total)
    kill -TERM "$server"
    wait "$server"
    awk -v mode="$mode" -v c="$clients" -v b="$batches" -v s="$sentences" -v e="$errors" -v load="$load" '
      /Requests\/sec/ { rps = $2 }
      $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
      /Non-2xx/ { non2xx = $NF }
      /Socket errors/ { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
      END { printf "| %s | %d | %.0f | %s | %s | %d | %.1f | %s |\n", mode, c, rps, p50, p99,
                   non2xx + sock + e, s / b, load }' "$out/wrk-$mode-$clients.txt"
  done
done
