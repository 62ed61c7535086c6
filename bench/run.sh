#!/usr/bin/env bash
# Runs tandem_bench with repetitions in random interleaved order and prints RESULTS.md tables.
#
# usage: bench/run.sh [BUILD_DIR] [REPETITIONS] [extra tandem_bench flags...]
#   BUILD_DIR    default build/release (must have been configured with TANDEM_BUILD_BENCH=ON)
#   REPETITIONS  default 5
# Environment: TANDEM_BENCH_THREADS (BLAS threads for the cell benchmarks, default 1; the GEMM
# benchmarks always run at 1 and 2 threads), TANDEM_BENCH_JSON (where the raw JSON goes,
# default /tmp/tandem_bench.json).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/release}
reps=${2:-5}
shift $(($# > 2 ? 2 : $#))
json=${TANDEM_BENCH_JSON:-/tmp/tandem_bench.json}

cmake --build "$build_dir" --target tandem_bench
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "compiler: $(${CXX:-c++} --version | head -1)"
echo "openblas: $(dpkg-query -W -f='${Package} ${Version}' libopenblas0-pthread 2>/dev/null || echo unknown)"
# diff-index (plumbing) only reads the index; it never rewrites it as `git diff` may.
echo "commit: $(git rev-parse --short HEAD)$(git diff-index --quiet HEAD -- src bench || echo ' + uncommitted changes in src/ or bench/')"
echo "cell threads: ${TANDEM_BENCH_THREADS:-1}"

"$build_dir/bench/tandem_bench" --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_display_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@" >&2

python3 - "$json" <<'PY'
# Medians over the repetitions, their coefficients of variation, ratios of medians, and the
# paired ratios (bench/paired.h): the median over repetitions, with the lowest and highest.
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)  # name without "/real_time" -> its repetitions, in registration order
for b in sorted(json.load(open(sys.argv[1]))["benchmarks"],
                key=lambda b: (b["family_index"], b["per_family_instance_index"])):
    if b.get("run_type") == "iteration":
        runs[b["run_name"].removesuffix("/real_time")].append(b)

def med(name, key="real_time"):
    return statistics.median(r[key] for r in runs[name])

def cv(name, key="real_time"):
    xs = [r[key] for r in runs[name]]
    return statistics.pstdev(xs) / statistics.mean(xs) if len(xs) > 1 else 0.0

def paired(name):
    xs = [r["ratio"] for r in runs.get(name, [])]
    if not xs:
        return "n/a"
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}–{max(xs):.3f})"

gemm = [n.split("/", 1)[1] for n in runs if n.startswith("BM_GemmWrapper/")]
if gemm:
    print("\n| shape (m×n×k) | threads | wrapper GFLOP/s | direct GFLOP/s | wrapper/direct | "
          "paired wrapper/direct (min–max) | CV wrapper | CV direct |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted(gemm, key=lambda n: n.rsplit(":", 1)[1]):  # 1-thread rows first
        w, d = "BM_GemmWrapper/" + n, "BM_GemmDirect/" + n
        gw, gd = med(w, "FLOPS") / 1e9, med(d, "FLOPS") / 1e9
        shape, threads = n.rsplit("/threads:", 1)
        print(f"| {shape} | {threads} | {gw:.1f} | {gd:.1f} | {gw / gd:.3f} | "
              f"{paired('BM_GemmPaired/' + n)} | {cv(w):.1%} | {cv(d):.1%} |")

threads = [n for n in runs if n.startswith("BM_GemmThreads/")]
if threads:
    print("\n| shape (m×n×k) | 1 thread µs | 2 threads µs | paired 2-thread speed-up (min–max) |")
    print("|---|---:|---:|---:|")
    for n in threads:
        t1 = statistics.median(r["threads1_us"] for r in runs[n])
        t2 = statistics.median(r["threads2_us"] for r in runs[n])
        print(f"| {n.removeprefix('BM_GemmThreads/')} | {t1:.1f} | {t2:.1f} | {paired(n)} |")

gemv = [n for n in runs if n.startswith("BM_GemvDirect/")]
if gemv:
    print("\n| cblas_sgemv (batch-1 product) | GFLOP/s | median µs | CV |")
    print("|---|---:|---:|---:|")
    for n in gemv:
        print(f"| {n.removeprefix('BM_GemvDirect/')} | {med(n, 'FLOPS') / 1e9:.1f} | "
              f"{med(n) / 1e3:.1f} | {cv(n):.1%} |")

cells = [n for n in runs if "/fused/" in n]
if cells:
    print("\n| step | B | H | fused µs | unfused µs | speed-up (unfused/fused) | "
          "paired speed-up (min–max) | CV fused | CV unfused |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in cells:
        u = f.replace("/fused/", "/unfused/")
        step, _, b, h = f.split("/")
        tf, tu = med(f) / 1e3, med(u) / 1e3
        print(f"| {step.removeprefix('BM_')} | {b.split(':')[1]} | {h.split(':')[1]} | {tf:.1f} | "
              f"{tu:.1f} | {tu / tf:.2f}× | {paired(f.replace('/fused/', '/paired/'))} | "
              f"{cv(f):.1%} | {cv(u):.1%} |")

att = [n for n in runs if n.startswith("BM_Attention")]
if att:
    print("\n| attention step | median µs | CV |")
    print("|---|---:|---:|")
    for n in att:
        print(f"| {n.removeprefix('BM_')} | {med(n) / 1e3:.1f} | {cv(n):.1%} |")
PY
