// The bf16 half of the packed GEMM: operands rounded to bf16 pairs, AVX512_BF16 dot products
// (32 multiply-adds per instruction, twice fp32's 16) accumulated in fp32.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/cpu/packed_gemm_parts.h"

namespace tandem::kernels {

#if defined(TANDEM_HAS_AVX512_KERNELS)

bool has_bf16_gemm() { return cpu_kernels() == CpuKernels::kAvx512Bf16; }

namespace detail {

namespace {

using PairVector = std::vector<uint32_t, CacheLineAllocator<uint32_t>>;

// Words of packed A per row: a whole inner block's pairs, so that the micro-kernel reads row i
// of a tile at a fixed offset i · kPairRow from one pointer.
constexpr int64_t kPairRow = kInnerBlock / 2;

// Every lane, for the zero-masked forms below: the unmasked intrinsics pass GCC 12 an undefined
// source that, under a target attribute, trips -Wmaybe-uninitialized. Same instructions.
constexpr __mmask16 kAllLanes = 0xFFFF;

// 16 floats → 16 bf16 (round to nearest even), zero-extended to 32-bit lanes.
TANDEM_TARGET_AVX512_BF16 inline __m512i to_bf16_lanes(__m512 x) {
  return _mm512_maskz_cvtepu16_epi32(kAllLanes, reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(x)));
}

// Pairs (x[l], y[l]) for 16 lanes: x in the low half of each word, as vdpbf16ps reads them.
TANDEM_TARGET_AVX512_BF16 inline __m512i pair_lanes(__m512 x, __m512 y) {
  return _mm512_or_si512(to_bf16_lanes(x),
                         _mm512_maskz_slli_epi32(kAllLanes, to_bf16_lanes(y), 16));
}

// As micro_kernel in packed_gemm.cc, over kc2 pairs of the inner dimension; row i of the
// packed left tile starts at a + i · kPairRow.
template <int ROWS, bool NARROW>
TANDEM_TARGET_AVX512_BF16 void micro_kernel(int64_t kc2, const uint32_t* __restrict a,
                                            const uint32_t* __restrict b, float alpha, float beta,
                                            float* __restrict c, int64_t ldc, int64_t cols) {
  __m512 lo[ROWS], hi[ROWS];
  for (int i = 0; i < ROWS; ++i) lo[i] = hi[i] = _mm512_setzero_ps();
  for (int64_t q = 0; q < kc2; ++q) {
    const __m512bh b0 = reinterpret_cast<__m512bh>(_mm512_load_si512(b + q * kPanelWidth));
    const __m512bh b1 =
        NARROW ? b0 : reinterpret_cast<__m512bh>(_mm512_load_si512(b + q * kPanelWidth + 16));
    for (int i = 0; i < ROWS; ++i) {
      const __m512bh ai =
          reinterpret_cast<__m512bh>(_mm512_set1_epi32(static_cast<int>(a[i * kPairRow + q])));
      lo[i] = _mm512_dpbf16_ps(lo[i], ai, b0);
      if (!NARROW) hi[i] = _mm512_dpbf16_ps(hi[i], ai, b1);
    }
  }
  store_tile<ROWS>(lo, hi, alpha, beta, c, ldc, cols);
}

using MicroKernel = void (*)(int64_t, const uint32_t*, const uint32_t*, float, float, float*,
                             int64_t, int64_t);

template <bool NARROW, int... R>
constexpr auto make_kernels(std::integer_sequence<int, R...>) {
  return std::array<MicroKernel, sizeof...(R)>{&micro_kernel<R + 1, NARROW>...};
}
constexpr auto kKernels = make_kernels<false>(std::make_integer_sequence<int, kRowTile>{});
constexpr auto kNarrowKernels = make_kernels<true>(std::make_integer_sequence<int, kRowTile>{});

// Rows [0, m) × inner [p0, p0 + kc) of op(A) as bf16 pairs, row i at out + i · kPairRow; an
// odd kc leaves the last pair's high half 0.
TANDEM_TARGET_AVX512_BF16 void pack_left(bool trans_a, int64_t m, int64_t p0, int64_t kc,
                                         const float* a, int64_t lda, uint32_t* out) {
  const int64_t kc2 = (kc + 1) / 2;
  if (!trans_a) {
    for (int64_t i = 0; i < m; ++i) {
      const float* row = a + i * lda + p0;
      uint32_t* dst = out + i * kPairRow;
      for (int64_t p = 0; p < kc; p += 32) {  // 32 floats → 16 pairs
        const __m512 x0 = _mm512_maskz_loadu_ps(lane_mask(kc - p), row + p);
        const __m512 x1 = _mm512_maskz_loadu_ps(lane_mask(kc - p - 16), row + p + 16);
        // cvtne2ps_pbh(hi, lo) puts lo's 16 values first: in order, so word w = (x[2w], x[2w+1]).
        const __m512i pairs = reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(x1, x0));
        _mm512_mask_storeu_epi32(dst + p / 2, lane_mask(kc2 - p / 2), pairs);
      }
    }
    return;
  }
  // A stored k × m: pair q of rows i … i + 15 comes from A's rows p0 + 2q and p0 + 2q + 1.
  alignas(64) uint32_t words[16];
  for (int64_t q = 0; q < kc2; ++q) {
    const float* even = a + (p0 + 2 * q) * lda;
    const bool has_odd = 2 * q + 1 < kc;
    for (int64_t i = 0; i < m; i += 16) {
      const __mmask16 mask = lane_mask(m - i);
      const __m512 x = _mm512_maskz_loadu_ps(mask, even + i);
      const __m512 y = has_odd ? _mm512_maskz_loadu_ps(mask, even + lda + i) : _mm512_setzero_ps();
      _mm512_store_si512(words, pair_lanes(x, y));
      const int64_t lanes = std::min<int64_t>(16, m - i);
      for (int64_t l = 0; l < lanes; ++l) out[(i + l) * kPairRow + q] = words[l];
    }
  }
}

// Panels [first, last) of pack_right_bf16. A function of its own, not the lambda's body: a
// lambda does not take its enclosing function's target attribute.
TANDEM_TARGET_AVX512_BF16 void pack_right_panels(bool trans_b, int64_t k, int64_t n, const float* b,
                                                 int64_t ldb, uint32_t* out, int64_t first,
                                                 int64_t last) {
  const int64_t k2 = (k + 1) / 2;
  alignas(64) uint32_t words[16];
  for (int64_t j = first; j < last; ++j) {
    uint32_t* panel = out + j * k2 * kPanelWidth;
    const int64_t width = std::min(kPanelWidth, n - j * kPanelWidth);
    if (width < kPanelWidth) std::fill_n(panel, k2 * kPanelWidth, 0u);  // the padding
    if (trans_b) {  // column col of op(B) is B's row col: its pairs are consecutive floats
      for (int64_t c = 0; c < width; ++c) {
        const float* column = b + (j * kPanelWidth + c) * ldb;
        for (int64_t p = 0; p < k; p += 32) {
          const __m512 x0 = _mm512_maskz_loadu_ps(lane_mask(k - p), column + p);
          const __m512 x1 = _mm512_maskz_loadu_ps(lane_mask(k - p - 16), column + p + 16);
          _mm512_store_si512(words, reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(x1, x0)));
          const int64_t count = std::min<int64_t>(16, k2 - p / 2);
          for (int64_t w = 0; w < count; ++w) panel[(p / 2 + w) * kPanelWidth + c] = words[w];
        }
      }
    } else {  // B stored k × n: pair q of 16 columns from rows 2q and 2q + 1
      for (int64_t q = 0; q < k2; ++q) {
        const float* even = b + 2 * q * ldb + j * kPanelWidth;
        const bool has_odd = 2 * q + 1 < k;
        for (int64_t c = 0; c < width; c += 16) {
          const __mmask16 mask = lane_mask(width - c);
          const __m512 x = _mm512_maskz_loadu_ps(mask, even + c);
          const __m512 y =
              has_odd ? _mm512_maskz_loadu_ps(mask, even + ldb + c) : _mm512_setzero_ps();
          _mm512_store_si512(panel + q * kPanelWidth + c, pair_lanes(x, y));
        }
      }
    }
  }
}

}  // namespace

void pack_right_bf16(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb,
                     uint32_t* out) {
  for_panel_ranges(k, n, [&](int64_t first, int64_t last) {
    pack_right_panels(trans_b, k, n, b, ldb, out, first, last);
  });
}

TANDEM_TARGET_AVX512_BF16 void multiply_part_bf16(bool trans_a, int64_t i_begin, int64_t i_end,
                                                  int64_t j_begin, int64_t j_end, float alpha,
                                                  const float* a, int64_t lda,
                                                  const PackedMatrix& b, float beta, float* c,
                                                  int64_t ldc) {
  const int64_t m = i_end - i_begin;
  if (m <= 0 || j_begin >= j_end) return;
  const float* a_rows = trans_a ? a + i_begin : a + i_begin * lda;
  const int64_t k2 = (b.k + 1) / 2;
  thread_local PairVector packed_a;
  packed_a.resize(static_cast<size_t>(m * kPairRow));
  for (int64_t p0 = 0; p0 < b.k; p0 += kInnerBlock) {
    const int64_t kc = std::min(kInnerBlock, b.k - p0), kc2 = (kc + 1) / 2;
    pack_left(trans_a, m, p0, kc, a_rows, lda, packed_a.data());
    const float block_beta = p0 == 0 ? beta : 1.0f;
    for (int64_t j = j_begin; j < j_end; ++j) {
      const uint32_t* panel = b.pair_panels + (j * k2 + p0 / 2) * kPanelWidth;
      const int64_t cols = std::min(kPanelWidth, b.n - j * kPanelWidth);
      const auto& kernels = cols <= 16 ? kNarrowKernels : kKernels;
      for (int64_t i0 = 0; i0 < m; i0 += kRowTile) {
        const int64_t rows = std::min(kRowTile, m - i0);
        kernels[rows - 1](kc2, packed_a.data() + i0 * kPairRow, panel, alpha, block_beta,
                          c + (i_begin + i0) * ldc + j * kPanelWidth, ldc, cols);
      }
    }
  }
}

}  // namespace detail

#else

bool has_bf16_gemm() { return false; }

namespace detail {
void pack_right_bf16(bool, int64_t, int64_t, const float*, int64_t, uint32_t*) {
  std::abort();  // callers check has_bf16_gemm()
}
void multiply_part_bf16(bool, int64_t, int64_t, int64_t, int64_t, float, const float*, int64_t,
                        const PackedMatrix&, float, float*, int64_t) {
  std::abort();
}
}  // namespace detail

#endif

}  // namespace tandem::kernels
