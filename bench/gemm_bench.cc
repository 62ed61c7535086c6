// GEMM microbenchmarks: tandem::kernels::gemm and our packed kernel against cblas_sgemm at the
// shapes of a small RNN.
#include <cblas.h>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "paired.h"
#include "tensor/rng.h"

namespace {

// One product as the library issues it: C (m, n) = op(A) · op(B) + beta · C, dense row-major.
struct GemmShape {
  bool trans_a, trans_b;
  int64_t m, n, k;
  float beta;  // 1 for the gradient products, which accumulate
};

// The shapes of a GRU with batch 64 and hidden 256 or 512, and of an output layer with a small
// vocabulary (40) over 64 sequences × 64 steps. NN rows are the products written plainly; the NT
// and TN rows are the forms that src/autodiff/ops_rnn.cc and ops_linear.cc actually call.
constexpr GemmShape kRecurrent256Nn{false, false, 64, 768, 256, 0.0f};  // h · W (256, 768)
constexpr GemmShape kRecurrent256Nt{false, true, 64, 768, 256, 1.0f};   // h · W_hhᵀ, ops_rnn fwd
constexpr GemmShape kRecurrent512Nn{false, false, 64, 1536, 512, 0.0f};
constexpr GemmShape kRecurrent512Nt{false, true, 64, 1536, 512, 1.0f};
// Batch 1 (latency, a GEMV in effect) and a tiny product where only the call overhead shows.
constexpr GemmShape kRecurrent256Batch1Nt{false, true, 1, 768, 256, 1.0f};
constexpr GemmShape kTinyNn{false, false, 8, 8, 8, 0.0f};
constexpr GemmShape kOutput40Nn{false, false, 4096, 40, 256, 0.0f};  // x (4096, 256) · W (256, 40)
constexpr GemmShape kOutput40Nt{false, true, 4096, 40, 256, 0.0f};   // x · W_outᵀ, ops::linear
// Backward: dW_hh (3H, H) += dgatesᵀ (3H, B)·h (B, H); dh (B, H) += dgates (B, 3H)·W_hh (3H, H).
constexpr GemmShape kWeightGrad256Tn{true, false, 768, 256, 64, 1.0f};
constexpr GemmShape kInputGrad256Nn{false, false, 64, 256, 768, 1.0f};
constexpr GemmShape kWeightGrad512Tn{true, false, 1536, 512, 64, 1.0f};
constexpr GemmShape kInputGrad512Nn{false, false, 64, 512, 1536, 1.0f};
// Output layer backward: dW_out (40, 256) += dyᵀ (40, 4096)·x (4096, 256); dx += dy · W_out.
constexpr GemmShape kOutputWeightGrad40Tn{true, false, 40, 256, 4096, 1.0f};
constexpr GemmShape kOutputInputGrad40Nn{false, false, 4096, 256, 40, 1.0f};

std::vector<float> random_values(int64_t n, uint64_t seed) {
  tandem::Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

struct Operands {
  std::vector<float> a, b, c;
  int64_t lda, ldb, ldc;
  explicit Operands(const GemmShape& s)
      : a(random_values(s.m * s.k, 1)),
        b(random_values(s.k * s.n, 2)),
        c(static_cast<size_t>(s.m * s.n), 0.0f),
        lda(s.trans_a ? s.m : s.k),
        ldb(s.trans_b ? s.k : s.n),
        ldc(s.n) {}
};

void set_counters(benchmark::State& state, const GemmShape& s) {
  state.counters["FLOPS"] = benchmark::Counter(2.0 * double(s.m) * double(s.n) * double(s.k),
                                               benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

void call_wrapper(const GemmShape& s, Operands& op) {
  tandem::kernels::gemm(s.trans_a, s.trans_b, s.m, s.n, s.k, 1.0f, op.a.data(), op.lda, op.b.data(),
                        op.ldb, s.beta, op.c.data(), op.ldc);
  benchmark::DoNotOptimize(op.c.data());
  benchmark::ClobberMemory();
}

void call_direct(const GemmShape& s, Operands& op) {
  cblas_sgemm(CblasRowMajor, s.trans_a ? CblasTrans : CblasNoTrans,
              s.trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(s.m),
              static_cast<blasint>(s.n), static_cast<blasint>(s.k), 1.0f, op.a.data(),
              static_cast<blasint>(op.lda), op.b.data(), static_cast<blasint>(op.ldb), s.beta,
              op.c.data(), static_cast<blasint>(op.ldc));
  benchmark::DoNotOptimize(op.c.data());
  benchmark::ClobberMemory();
}

// state.range(0) = BLAS threads.
void BM_GemmWrapper(benchmark::State& state, GemmShape s) {
  tandem::kernels::set_gemm_threads(static_cast<int>(state.range(0)));
  Operands op(s);
  for (auto _ : state) call_wrapper(s, op);
  set_counters(state, s);
}

void BM_GemmDirect(benchmark::State& state, GemmShape s) {
  tandem::kernels::set_gemm_threads(static_cast<int>(state.range(0)));
  Operands op(s);
  for (auto _ : state) call_direct(s, op);
  set_counters(state, s);
}

// Both in one loop, call by call (see paired.h): ratio = t_direct / t_wrapper, i.e. the wrapper's
// GFLOP/s over the direct call's. The time column is that of one wrapper + one direct call.
void BM_GemmPaired(benchmark::State& state, GemmShape s) {
  tandem::kernels::set_gemm_threads(static_cast<int>(state.range(0)));
  Operands op_wrapper(s), op_direct(s);
  tandem::bench::run_paired(
      state, "wrapper", [&] { call_wrapper(s, op_wrapper); }, "direct",
      [&] { call_direct(s, op_direct); });
}

// The wrapper at 2 BLAS threads against 1, call by call: ratio = t_1thread / t_2threads, the
// second thread's speed-up (on a shared 2-core VM it depends on what else is running). Each call
// sets its thread count first (openblas_set_num_threads; both sides pay it).
void BM_GemmThreads(benchmark::State& state, GemmShape s) {
  Operands op_two(s), op_one(s);
  tandem::bench::run_paired(
      state, "threads2",
      [&] {
        tandem::kernels::set_gemm_threads(2);
        call_wrapper(s, op_two);
      },
      "threads1",
      [&] {
        tandem::kernels::set_gemm_threads(1);
        call_wrapper(s, op_one);
      });
  tandem::kernels::set_gemm_threads(1);
}

// For comparison with the batch-1 rows: the same product as cblas_sgemv, y (768) += W_hh · h, which
// reads W_hh once instead of packing it as GEMM does.
void BM_GemvDirect(benchmark::State& state) {
  tandem::kernels::set_gemm_threads(static_cast<int>(state.range(0)));
  const GemmShape s = kRecurrent256Batch1Nt;
  Operands op(s);  // b holds W_hh (n, k)
  for (auto _ : state) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<blasint>(s.n), static_cast<blasint>(s.k),
                1.0f, op.b.data(), static_cast<blasint>(s.k), op.a.data(), 1, s.beta, op.c.data(),
                1);
    benchmark::DoNotOptimize(op.c.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, s);
}

// Our kernel with B packed once, as PackedWeights keeps a parameter (fp32 or bf16 operands),
// against cblas_sgemm (which packs B on every call), call by call, both on one thread:
// ratio = t_direct / t_packed.
void BM_GemmPackedPaired(benchmark::State& state, GemmShape s, bool bf16) {
  using namespace tandem::kernels;
  if (!has_packed_gemm() || (bf16 && !has_bf16_gemm())) {
    state.SkipWithError("no packed kernel for this precision in this build or CPU");
    return;
  }
  set_gemm_threads(1);
  Operands op_packed(s), op_direct(s);
  PackedMatrix packed;
  pack_right(s.trans_b, s.k, s.n, op_packed.b.data(), op_packed.ldb, packed, bf16);
  tandem::bench::run_paired(
      state, bf16 ? "packed_bf16" : "packed_fp32",
      [&] {
        gemm_packed(s.trans_a, s.m, 1.0f, op_packed.a.data(), op_packed.lda, packed, s.beta,
                    op_packed.c.data(), op_packed.ldc, 1);
        benchmark::DoNotOptimize(op_packed.c.data());
        benchmark::ClobberMemory();
      },
      "direct", [&] { call_direct(s, op_direct); });
}

void threads_1_and_2(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime();
}

// For each shape, at 1 and 2 BLAS threads: the paired run, then wrapper and direct side by side;
// then 2 threads against 1.
#define TANDEM_GEMM_PAIR(name, shape)                                     \
  BENCHMARK_CAPTURE(BM_GemmThreads, name, shape)->UseRealTime();          \
  BENCHMARK_CAPTURE(BM_GemmPaired, name, shape)->Apply(threads_1_and_2);  \
  BENCHMARK_CAPTURE(BM_GemmWrapper, name, shape)->Apply(threads_1_and_2); \
  BENCHMARK_CAPTURE(BM_GemmDirect, name, shape)->Apply(threads_1_and_2)

TANDEM_GEMM_PAIR(rec256_NN_64x768x256, kRecurrent256Nn);
TANDEM_GEMM_PAIR(rec256_NT_64x768x256, kRecurrent256Nt);
TANDEM_GEMM_PAIR(rec512_NN_64x1536x512, kRecurrent512Nn);
TANDEM_GEMM_PAIR(rec512_NT_64x1536x512, kRecurrent512Nt);
TANDEM_GEMM_PAIR(rec256_NT_1x768x256, kRecurrent256Batch1Nt);
BENCHMARK(BM_GemvDirect)->Name("BM_GemvDirect/rec256_1x768x256")->Apply(threads_1_and_2);
TANDEM_GEMM_PAIR(tiny_NN_8x8x8, kTinyNn);
TANDEM_GEMM_PAIR(out40_NN_4096x40x256, kOutput40Nn);
TANDEM_GEMM_PAIR(out40_NT_4096x40x256, kOutput40Nt);
TANDEM_GEMM_PAIR(dW256_TN_768x256x64, kWeightGrad256Tn);
TANDEM_GEMM_PAIR(dh256_NN_64x256x768, kInputGrad256Nn);
TANDEM_GEMM_PAIR(dW512_TN_1536x512x64, kWeightGrad512Tn);
TANDEM_GEMM_PAIR(dh512_NN_64x512x1536, kInputGrad512Nn);
TANDEM_GEMM_PAIR(dWout40_TN_40x256x4096, kOutputWeightGrad40Tn);
TANDEM_GEMM_PAIR(dxout40_NN_4096x256x40, kOutputInputGrad40Nn);

// The products whose right operand is a weight (forward x·Wᵀ, backward dY·W), packed once.
#define TANDEM_GEMM_PACKED(name, shape)                                             \
  BENCHMARK_CAPTURE(BM_GemmPackedPaired, name##_fp32, shape, false)->UseRealTime(); \
  BENCHMARK_CAPTURE(BM_GemmPackedPaired, name##_bf16, shape, true)->UseRealTime()
TANDEM_GEMM_PACKED(rec256_NT_64x768x256, kRecurrent256Nt);
TANDEM_GEMM_PACKED(rec512_NT_64x1536x512, kRecurrent512Nt);
TANDEM_GEMM_PACKED(rec256_NT_1x768x256, kRecurrent256Batch1Nt);
TANDEM_GEMM_PACKED(out40_NT_4096x40x256, kOutput40Nt);
TANDEM_GEMM_PACKED(dh256_NN_64x256x768, kInputGrad256Nn);
TANDEM_GEMM_PACKED(dh512_NN_64x512x1536, kInputGrad512Nn);

}  // namespace
