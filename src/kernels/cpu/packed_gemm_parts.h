// What the fp32 and bf16 halves of the packed GEMM share (packed_gemm.cc, packed_gemm_bf16.cc).
#pragma once

#include <cstdint>

#include "kernels/cpu/packed_gemm.h"
#include "kernels/cpu/work_sharing.h"

// One build for every x86-64 CPU: the AVX-512 code below and in packed_gemm.cc and
// packed_gemm_bf16.cc is compiled for AVX-512 through target attributes on exactly the functions
// that use it, while the translation units stay at the build's baseline (plain x86-64), and it
// runs only where cpu_dispatch.h found the instructions. Not -mavx512f on these files: the
// inline and template functions they instantiate (std::vector, std::min, the lambdas of
// work_sharing.h) would be compiled for AVX-512 too, and the linker keeps one copy of each for
// the whole program — possibly that one, which then crashes a CPU without AVX-512 wherever it
// is called. A target attribute applies to its own function (and what the compiler inlines
// into it) only; every out-of-line copy of a library function stays baseline.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TANDEM_HAS_AVX512_KERNELS 1
#include <immintrin.h>
// What the fp32 kernel's functions may use (cpu_dispatch.cc checks the same set), and the bf16
// kernel's: the same plus AVX512_BF16.
#define TANDEM_TARGET_AVX512 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl")))
#define TANDEM_TARGET_AVX512_BF16 \
  __attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl,avx512bf16")))
#endif

namespace tandem::kernels::detail {

// Rows of C per micro-tile: 12 rows × 2 vectors = 24 accumulators, plus two B vectors and a
// broadcast: 27 of the 32 zmm registers.
inline constexpr int64_t kRowTile = 12;
// A block of the inner dimension. Measured on the RNN shapes (Zen 4, 32 KiB L1, 1 MiB L2):
// 512 beats 128 and 256 — a panel's slice is read from L2 fast enough, and C is read and
// written once per block, which dominates with wide outputs (n = 8000).
inline constexpr int64_t kInnerBlock = 512;

// Rows [i_begin, i_end) × column panels [j_begin, j_end) of C = alpha·op(A)·B + beta·C: the
// part one thread computes, packing its own rows of A block by block.
void multiply_part_f32(bool trans_a, int64_t i_begin, int64_t i_end, int64_t j_begin, int64_t j_end,
                       float alpha, const float* a, int64_t lda, const PackedMatrix& b, float beta,
                       float* c, int64_t ldc);
void multiply_part_bf16(bool trans_a, int64_t i_begin, int64_t i_end, int64_t j_begin,
                        int64_t j_end, float alpha, const float* a, int64_t lda,
                        const PackedMatrix& b, float beta, float* c, int64_t ldc);

// Packing a large operand is shared among the GEMM's threads by ranges of panels: f(first,
// last) packs panels [first, last).
template <typename F>
void for_panel_ranges(int64_t k, int64_t n, const F& f) {
  run_rows((n + kPanelWidth - 1) / kPanelWidth, k * n, f);
}

// op(B)'s bf16 pairs into out (packed_words(k, n, true) words).
void pack_right_bf16(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb,
                     uint32_t* out);

#if defined(TANDEM_HAS_AVX512_KERNELS)

// The first `valid` of 16 lanes.
inline __mmask16 lane_mask(int64_t valid) {
  return valid >= 16  ? static_cast<__mmask16>(0xFFFF)
         : valid <= 0 ? static_cast<__mmask16>(0)
                      : static_cast<__mmask16>((1u << valid) - 1u);
}

// The micro-kernels' epilogue: rows i < ROWS of C (row stride ldc), first `cols` (≤ 32) columns,
// become alpha · (lo[i], hi[i]) + beta · C. C is never read when beta is 0: it may hold NaNs
// from an arena.
template <int ROWS>
TANDEM_TARGET_AVX512 inline void store_tile(const __m512 (&lo)[ROWS], const __m512 (&hi)[ROWS],
                                            float alpha, float beta, float* c, int64_t ldc,
                                            int64_t cols) {
  const __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int i = 0; i < ROWS; ++i) {
    float* row = c + i * ldc;
    __m512 r0 = _mm512_mul_ps(va, lo[i]), r1 = _mm512_mul_ps(va, hi[i]);
    if (beta != 0.0f) {
      r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), r0);
      r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), r1);
    }
    _mm512_mask_storeu_ps(row, m0, r0);
    _mm512_mask_storeu_ps(row + 16, m1, r1);
  }
}

#endif

}  // namespace tandem::kernels::detail
