#!/usr/bin/env bash
# The release build's tests on an emulated CPU without AVX2 or AVX-512 (qemu-user, model Nehalem:
# SSE4.2). CPUID then reports neither, so the GEMM dispatch takes OpenBLAS and the loader binds
# the element-wise kernels' baseline ("default") clones — which no real CPU of CI's runs.
#   scripts/test-qemu.sh [build dir]   (default build/release; run by scripts/test.sh portable)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
qemu=(qemu-x86_64 -cpu Nehalem)

# tandem --version names both choices; under this CPU both must be the portable ones.
version=$("${qemu[@]}" "$build/src/tandem" --version)
echo "$version"
grep -q "^kernels: generic (this CPU: generic)$" <<<"$version" ||
  { echo "error: expected 'kernels: generic (this CPU: generic)' under qemu" >&2; exit 1; }
grep -q "^element-wise kernels: baseline$" <<<"$version" ||
  { echo "error: expected 'element-wise kernels: baseline' under qemu" >&2; exit 1; }

# The command itself: a two-step training and a translation, on the baseline clones.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'abc\nde\nf\nghij\n' >"$tmp/train.src"
printf 'cba\ned\nf\njihg\n' >"$tmp/train.tgt"
cat >"$tmp/config.yaml" <<YAML
data: {train_source: $tmp/train.src, train_target: $tmp/train.tgt}
model: {embedding_size: 4, encoder: {hidden_size: 4}, decoder: {hidden_size: 8}}
train: {model_dir: $tmp/model, max_steps: 2, log_every: 1}
YAML
OPENBLAS_NUM_THREADS=1 "${qemu[@]}" "$build/src/tandem" train --config "$tmp/config.yaml" >/dev/null
lines=$(printf 'abc\nde\n' | "${qemu[@]}" "$build/src/tandem" translate --model "$tmp/model" | wc -l)
[ "$lines" -eq 2 ] || { echo "error: translate under qemu gave $lines lines, expected 2" >&2; exit 1; }

# Everything in-process. Left out: the suites that spawn the tandem command (the child would run
# natively, not under qemu), CpuDispatch.DetectsWhatCpuinfoLists (qemu-user shows the host's
# /proc/cpuinfo), and the three training-to-convergence suites (minutes under emulation; the
# cells, attention, softmax and cross-entropy they run are covered by the kernel, gradient,
# model, decode and training tests that stay).
skip=Cli.*:CliLimits.*:CommandLine.*:CpuDispatchCli.*:TrainInterrupt.*:TranslateStream.*
skip+=:ServeCommand.*:CpuDispatch.DetectsWhatCpuinfoLists:*LongSequences.*:*Learning.*:*ReverseTask.*
OPENBLAS_NUM_THREADS=1 "${qemu[@]}" "$build/tests/tandem_tests" --gtest_filter="-$skip" \
  --gtest_brief=1
