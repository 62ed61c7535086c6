// GEMM: our AVX-512 kernel where the CPU has it (cpu_dispatch.h), else OpenBLAS; m = 1 to sgemv.
#include "kernels/cpu/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>

#include "kernels/cpu/packed_gemm.h"

namespace tandem::kernels {

namespace {

// Threads for one product; until set_gemm_threads, what OpenBLAS chose (OPENBLAS_NUM_THREADS,
// else every core). With our kernel the BLAS is left only sgemv (batch 1), on the calling
// thread: its worker threads would otherwise spin beside ours and take a core from them.
int& threads_setting() {
  static int threads = [] {
    const int chosen = openblas_get_num_threads();
    if (has_packed_gemm()) openblas_set_num_threads(1);
    return chosen;
  }();
  return threads;
}

// ScopedGemmSettings' settings for its thread; 0: none, the process-wide thread count and
// fp32 hold. The precision is kept as 1 + GemmPrecision.
thread_local int t_threads = 0;
thread_local int t_precision = 0;

// One relaxed add per product: nanoseconds beside the microseconds the smallest one takes.
std::atomic<int64_t> g_multiply_adds{0};

}  // namespace

int64_t multiply_adds_done() { return g_multiply_adds.load(std::memory_order_relaxed); }

void detail::count_multiply_adds(int64_t m, int64_t n, int64_t k) {
  g_multiply_adds.fetch_add(m * n * k, std::memory_order_relaxed);
}

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // the product is empty: C = beta · C
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  threads_setting();  // first: it may set OpenBLAS to one thread
  const int threads = gemm_threads();
  // CBLAS rejects a leading dimension of 0 even when the matrix has one column.
  lda = std::max<int64_t>(lda, 1);
  ldb = std::max<int64_t>(ldb, 1);
  if (!has_packed_gemm() || m == 1) detail::count_multiply_adds(m, n, k);  // else gemm_packed's
  if (m == 1) {
    // One row — a batch of one sentence — is a matrix–vector product, and OpenBLAS's sgemm is
    // several times slower than its sgemv there (bench/RESULTS.md). cᵀ = op(B)ᵀ·aᵀ, with a's
    // elements lda apart when A is transposed.
    const blasint inc_a = static_cast<blasint>(trans_a ? lda : 1);
    if (trans_b)  // B stored (n, k)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<blasint>(n), static_cast<blasint>(k),
                  alpha, b, static_cast<blasint>(ldb), a, inc_a, beta, c, 1);
    else  // B stored (k, n)
      cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<blasint>(k), static_cast<blasint>(n),
                  alpha, b, static_cast<blasint>(ldb), a, inc_a, beta, c, 1);
    return;
  }
  ldc = std::max<int64_t>(ldc, 1);
  if (has_packed_gemm()) {
    // B packed per call: a copy of the operand, as the BLAS makes. Weights skip it through
    // gemm_packed with a PackedMatrix kept across calls (autodiff/packed_weights.h).
    thread_local PackedMatrix packed_b;
    pack_right(trans_b, k, n, b, ldb, packed_b, gemm_precision() == GemmPrecision::kBfloat16);
    gemm_packed(trans_a, m, alpha, a, lda, packed_b, beta, c, ldc, threads);
    return;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

void gemm_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                  const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
                  int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
                  int64_t batch) {
  // OpenBLAS 0.3.21 has no batched sgemm; the products are small, so a loop is what it would do.
  for (int64_t i = 0; i < batch; ++i)
    gemm(trans_a, trans_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
         c + i * stride_c, ldc);
}

void set_gemm_threads(int threads) {
  threads_setting() = std::max(threads, 1);
  if (!has_packed_gemm()) openblas_set_num_threads(threads_setting());
}

int gemm_threads() { return t_threads > 0 ? t_threads : threads_setting(); }

GemmPrecision gemm_precision() {
  return t_precision > 0 ? static_cast<GemmPrecision>(t_precision - 1) : GemmPrecision::kFloat32;
}

GemmPrecision gemm_precision_from(std::string_view name) {
  return name == "bf16" ? GemmPrecision::kBfloat16 : GemmPrecision::kFloat32;
}

bool bf16_gemm_available() { return has_packed_gemm() && has_bf16_gemm(); }

ScopedGemmSettings::ScopedGemmSettings(int threads, GemmPrecision precision)
    : previous_threads_(t_threads), previous_precision_(t_precision) {
  if (threads > 0) t_threads = threads;
  if (precision == GemmPrecision::kBfloat16 && !bf16_gemm_available())
    precision = GemmPrecision::kFloat32;
  t_precision = 1 + static_cast<int>(precision);
}

ScopedGemmSettings::~ScopedGemmSettings() {
  t_threads = previous_threads_;
  t_precision = previous_precision_;
}

}  // namespace tandem::kernels
