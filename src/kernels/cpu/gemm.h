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

// Threads for one product (our kernel's, or the BLAS's without it).
void set_gemm_threads(int threads);
int gemm_threads();
// While it lives, the calling thread's products (and the work shared like them) use `threads`
// threads, whatever the process-wide setting: a worker decoding its own batches beside others
// (translate_lines) multiplies on its own thread. Only for our packed kernel: the BLAS's
// threads are process-wide.
class ScopedGemmThreads {
 public:
  explicit ScopedGemmThreads(int threads);
  ~ScopedGemmThreads();
  ScopedGemmThreads(const ScopedGemmThreads&) = delete;
  ScopedGemmThreads& operator=(const ScopedGemmThreads&) = delete;

 private:
  int previous_;
};

// The products' operand precision, process-wide: fp32, or bf16 — operands rounded to bf16,
// products accumulated in fp32, twice the multiply-adds per instruction — where the CPU has
// AVX512_BF16. Products against packed weights follow it at any batch size; the few products
// left to sgemv (one row, no packed operand) stay fp32.
enum class GemmPrecision { kFloat32, kBfloat16 };
// Returns false, and keeps fp32, where bf16 is not available.
bool set_gemm_precision(GemmPrecision precision);
// By the option value "fp32" or "bf16" (train.precision, decode.precision).
bool set_gemm_precision(std::string_view name);
GemmPrecision gemm_precision();

}  // namespace tandem::kernels
