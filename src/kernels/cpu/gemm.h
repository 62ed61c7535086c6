// GEMM: the one narrow wrapper over CBLAS through which every matrix product goes.
#pragma once

#include <cstdint>
#include <string_view>

namespace tandem::kernels {

// C = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is m×k, op(B) is k×n, C is m×n.
// lda/ldb/ldc are row strides (elements between consecutive rows of the stored matrix), so a
// strided slice — one batch entry of a time-major (T, B, H) tensor, say — needs no copy.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// The common case of dense, unstrided operands.
inline void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float* a, const float* b, float beta, float* c) {
  gemm(trans_a, trans_b, m, n, k, alpha, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, n);
}

// `batch` independent products; product i uses a + i·stride_a, b + i·stride_b, c + i·stride_c.
void gemm_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                  const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
                  int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
                  int64_t batch);

// The multiply-adds of every product since the process started, on all threads: what a
// benchmark divides by its time to see how near the GEMM ceiling it runs (bench/tools).
int64_t multiply_adds_done();
namespace detail {
void count_multiply_adds(int64_t m, int64_t n, int64_t k);
}  // namespace detail

// The products' operand precision: fp32, or bf16 — operands rounded to bf16, products
// accumulated in fp32, twice the multiply-adds per instruction — where the CPU has
// AVX512_BF16. Products against packed weights follow it at any batch size; the few products
// left to sgemv (one row, no packed operand) stay fp32.
enum class GemmPrecision { kFloat32, kBfloat16 };
// By the option value "fp32" or "bf16" (train.precision, decode.precision).
GemmPrecision gemm_precision_from(std::string_view name);
// Whether bf16 products are available (this CPU and build); where not, bf16 means fp32.
bool bf16_gemm_available();

// The process-wide default thread count for one product (our kernel's, or the BLAS's without
// it), until set: OpenBLAS's choice (OPENBLAS_NUM_THREADS, else every core). For programs that
// own the process (benchmarks); a library user sets threads per Translator or training run.
void set_gemm_threads(int threads);
// The calling thread's settings: its ScopedGemmSettings', else the process-wide defaults (the
// thread count above, fp32).
int gemm_threads();
GemmPrecision gemm_precision();

// While it lives, the calling thread's products (and the work shared like them) use `threads`
// threads (0: the current count) at `precision` (bf16 where unavailable: fp32), whatever other
// threads use: two translators with their own settings in one process, and each worker decoding
// its own batches beside others (translate_lines). The thread count holds for our packed kernel
// only: the BLAS's threads are process-wide.
class ScopedGemmSettings {
 public:
  ScopedGemmSettings(int threads, GemmPrecision precision);
  ~ScopedGemmSettings();
  ScopedGemmSettings(const ScopedGemmSettings&) = delete;
  ScopedGemmSettings& operator=(const ScopedGemmSettings&) = delete;

 private:
  int previous_threads_;
  int previous_precision_;
};

}  // namespace tandem::kernels
