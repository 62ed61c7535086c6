// Our own AVX-512 SGEMM (Goto's scheme): the left operand packed per inner block into row tiles,
// the right operand in 32-column panels, a 12 × 32 register-blocked micro-kernel; the driver
// that splits a product into chunks for the threads (work_sharing.h), for fp32 and bf16 alike.
#include "kernels/cpu/packed_gemm.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/cpu/packed_gemm_parts.h"
#include "kernels/cpu/work_sharing.h"

namespace tandem::kernels {

using detail::kInnerBlock;
using detail::kRowTile;
#if defined(TANDEM_HAS_AVX512_KERNELS)
using detail::lane_mask;
using detail::store_tile;
#endif

namespace {

#if defined(TANDEM_HAS_AVX512_KERNELS)
#define TANDEM_TARGET_PACKING TANDEM_TARGET_AVX512
#else
#define TANDEM_TARGET_PACKING
#endif

// Panels [first, last) of op(B) into dst. Only ever runs beside the AVX-512 kernel (pack_right
// checks), so it is compiled for it: the transposing copy is 20% faster so (training profile).
TANDEM_TARGET_PACKING void pack_panel_range(bool trans_b, int64_t k, int64_t n, const float* b,
                                            int64_t ldb, float* dst, int64_t first, int64_t last) {
  for (int64_t j = first; j < last; ++j) {
    float* panel = dst + j * k * kPanelWidth;
    const int64_t width = std::min(kPanelWidth, n - j * kPanelWidth);
    if (width < kPanelWidth) std::fill_n(panel, k * kPanelWidth, 0.0f);  // the padding
    if (trans_b) {  // B stored n × k: column `col` of op(B) is row `col`, contiguous
      for (int64_t c = 0; c < width; ++c)
        for (int64_t p = 0; p < k; ++p)
          panel[p * kPanelWidth + c] = b[(j * kPanelWidth + c) * ldb + p];
    } else {  // B stored k × n: a panel's row is a piece of B's row
      for (int64_t p = 0; p < k; ++p)
        std::copy_n(b + p * ldb + j * kPanelWidth, width, panel + p * kPanelWidth);
    }
  }
}

// op(B)'s fp32 panels into dst (packed_words(k, n) floats).
void pack_panels_f32(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb, float* dst) {
  detail::for_panel_ranges(k, n, [&](int64_t first, int64_t last) {
    pack_panel_range(trans_b, k, n, b, ldb, dst, first, last);
  });
}

}  // namespace

int64_t packed_words(int64_t k, int64_t n, bool bf16) {
  const int64_t panels = (n + kPanelWidth - 1) / kPanelWidth;
  return panels * (bf16 ? (k + 1) / 2 : k) * kPanelWidth;
}

void pack_right(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb, PackedMatrix& out,
                bool bf16) {
  const size_t words = static_cast<size_t>(packed_words(k, n, bf16));
  if (bf16) {
    out.data.clear();
    out.pairs.resize(words);
    pack_right_into(trans_b, k, n, b, ldb, reinterpret_cast<float*>(out.pairs.data()), out, true);
  } else {
    out.pairs.clear();
    out.data.resize(words);
    pack_right_into(trans_b, k, n, b, ldb, out.data.data(), out, false);
  }
}

void pack_right_into(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb,
                     float* storage, PackedMatrix& out, bool bf16) {
  out.k = k;
  out.n = n;
  out.bf16 = bf16;
  out.panels = nullptr;
  out.pair_panels = nullptr;
  // Callers check has_packed_gemm / has_bf16_gemm: never run AVX-512 code without them.
  if (!has_packed_gemm() || (bf16 && !has_bf16_gemm())) std::abort();
  if (bf16) {
    uint32_t* pairs = reinterpret_cast<uint32_t*>(storage);
    detail::pack_right_bf16(trans_b, k, n, b, ldb, pairs);
    out.pair_panels = pairs;
  } else {
    pack_panels_f32(trans_b, k, n, b, ldb, storage);
    out.panels = storage;
  }
}

#if defined(TANDEM_HAS_AVX512_KERNELS)

bool has_packed_gemm() { return cpu_kernels() >= CpuKernels::kAvx512; }

namespace {

// C[rows × cols] = alpha · Ã·B̃ + beta · C, where Ã is `rows` packed rows (kc × ROWS, row index
// fastest) and B̃ one panel slice (kc × 32). Only the first `cols` (≤ 32) columns are written.
// NARROW: cols ≤ 16, so the panel's right half is padding and is skipped (a narrow last panel,
// e.g. a small output vocabulary).
template <int ROWS, bool NARROW>
TANDEM_TARGET_AVX512 void micro_kernel(int64_t kc, const float* __restrict a,
                                       const float* __restrict b, float alpha, float beta,
                                       float* __restrict c, int64_t ldc, int64_t cols) {
  __m512 lo[ROWS], hi[ROWS];
  for (int i = 0; i < ROWS; ++i) lo[i] = hi[i] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(b + p * kPanelWidth);
    const __m512 b1 = NARROW ? b0 : _mm512_load_ps(b + p * kPanelWidth + 16);
    for (int i = 0; i < ROWS; ++i) {
      const __m512 ai = _mm512_set1_ps(a[p * ROWS + i]);
      lo[i] = _mm512_fmadd_ps(ai, b0, lo[i]);
      if (!NARROW) hi[i] = _mm512_fmadd_ps(ai, b1, hi[i]);
    }
  }
  store_tile<ROWS>(lo, hi, alpha, beta, c, ldc, cols);
}

using MicroKernel = void (*)(int64_t, const float*, const float*, float, float, float*, int64_t,
                             int64_t);

template <bool NARROW, int... R>
constexpr auto make_kernels(std::integer_sequence<int, R...>) {
  return std::array<MicroKernel, sizeof...(R)>{&micro_kernel<R + 1, NARROW>...};
}
// kKernels[r − 1] handles a tile of r rows: the last tile of m rows, and m < 12 (small batches).
constexpr auto kKernels = make_kernels<false>(std::make_integer_sequence<int, kRowTile>{});
constexpr auto kNarrowKernels = make_kernels<true>(std::make_integer_sequence<int, kRowTile>{});

// Packs rows [0, m) × inner [p0, p0 + kc) of op(A) into row tiles: tile t holds rows
// 12t … 12t + r − 1 as kc × r, row index fastest (what micro_kernel<r> reads).
TANDEM_TARGET_AVX512 void pack_left(bool trans_a, int64_t m, int64_t p0, int64_t kc, const float* a,
                                    int64_t lda, float* out) {
  for (int64_t i0 = 0; i0 < m; i0 += kRowTile) {
    const int64_t rows = std::min(kRowTile, m - i0);
    float* tile = out + i0 * kc;
    if (trans_a)  // A stored k × m: the tile's rows are contiguous for each p
      for (int64_t p = 0; p < kc; ++p)
        for (int64_t i = 0; i < rows; ++i) tile[p * rows + i] = a[(p0 + p) * lda + i0 + i];
    else
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t p = 0; p < kc; ++p) tile[p * rows + i] = a[(i0 + i) * lda + p0 + p];
  }
}

}  // namespace

namespace detail {

TANDEM_TARGET_AVX512 void multiply_part_f32(bool trans_a, int64_t i_begin, int64_t i_end,
                                            int64_t j_begin, int64_t j_end, float alpha,
                                            const float* a, int64_t lda, const PackedMatrix& b,
                                            float beta, float* c, int64_t ldc) {
  const int64_t m = i_end - i_begin;
  if (m <= 0 || j_begin >= j_end) return;
  const float* a_rows = trans_a ? a + i_begin : a + i_begin * lda;
  thread_local std::vector<float, CacheLineAllocator<float>> packed_a;
  packed_a.resize(static_cast<size_t>(m * std::min(b.k, kInnerBlock)));
  for (int64_t p0 = 0; p0 < b.k; p0 += kInnerBlock) {
    const int64_t kc = std::min(kInnerBlock, b.k - p0);
    pack_left(trans_a, m, p0, kc, a_rows, lda, packed_a.data());
    const float block_beta = p0 == 0 ? beta : 1.0f;  // later blocks add to what the first wrote
    for (int64_t j = j_begin; j < j_end; ++j) {
      const float* panel = b.panels + (j * b.k + p0) * kPanelWidth;
      const int64_t cols = std::min(kPanelWidth, b.n - j * kPanelWidth);
      const auto& kernels = cols <= 16 ? kNarrowKernels : kKernels;
      for (int64_t i0 = 0; i0 < m; i0 += kRowTile) {
        const int64_t rows = std::min(kRowTile, m - i0);
        kernels[rows - 1](kc, packed_a.data() + i0 * kc, panel, alpha, block_beta,
                          c + (i_begin + i0) * ldc + j * kPanelWidth, ldc, cols);
      }
    }
  }
}

}  // namespace detail

namespace {

// Below this many FLOPs a product runs on one thread: waking a second costs microseconds.
constexpr double kMinParallelFlops = 2e6;

}  // namespace

void gemm_packed(bool trans_a, int64_t m, float alpha, const float* a, int64_t lda,
                 const PackedMatrix& b, float beta, float* c, int64_t ldc, int threads) {
  if (!has_packed_gemm()) std::abort();  // callers check it: never run AVX-512 code without it
  if (b.k == 0) {                        // an empty product: C = beta · C
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < b.n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  detail::count_multiply_adds(m, b.n, b.k);
  const int64_t panels = (b.n + kPanelWidth - 1) / kPanelWidth;
  const auto multiply_part = b.bf16 ? detail::multiply_part_bf16 : detail::multiply_part_f32;
  if (threads <= 1 || 2.0 * m * b.n * b.k < kMinParallelFlops) {
    multiply_part(trans_a, 0, m, 0, panels, alpha, a, lda, b, beta, c, ldc);
    return;
  }
  // Chunks of column panels when there are enough of them (each thread then reads only its
  // part of B): one per thread, as every column chunk packs all of A again (4 per thread cost
  // beam search 7%). Else chunks of row tiles, which pack only their rows: 4 per thread, so
  // that a thread the OS deschedules holds up little (work_sharing.h).
  struct Job {
    bool trans_a, by_columns;
    int64_t m, panels, tiles, chunks;
    float alpha, beta;
    const float* a;
    int64_t lda;
    const PackedMatrix* b;
    float* c;
    int64_t ldc;
    decltype(detail::multiply_part_f32)* multiply_part;
  };
  const int64_t tiles = (m + kRowTile - 1) / kRowTile;
  const bool by_columns = panels >= 2 * threads || panels >= tiles;
  const Job job{
      trans_a,
      by_columns,
      m,
      panels,
      tiles,
      by_columns ? std::min<int64_t>(panels, threads) : std::min<int64_t>(tiles, 4 * threads),
      alpha,
      beta,
      a,
      lda,
      &b,
      c,
      ldc,
      multiply_part};
  run_chunks(
      threads, job.chunks,
      [](const void* context, int64_t chunk) {
        const Job& j = *static_cast<const Job*>(context);
        const int64_t units = j.by_columns ? j.panels : j.tiles;
        const int64_t begin = units * chunk / j.chunks, end = units * (chunk + 1) / j.chunks;
        if (j.by_columns)
          j.multiply_part(j.trans_a, 0, j.m, begin, end, j.alpha, j.a, j.lda, *j.b, j.beta, j.c,
                          j.ldc);
        else
          j.multiply_part(j.trans_a, std::min(j.m, begin * kRowTile), std::min(j.m, end * kRowTile),
                          0, j.panels, j.alpha, j.a, j.lda, *j.b, j.beta, j.c, j.ldc);
      },
      &job);
}

#else

bool has_packed_gemm() { return false; }

void gemm_packed(bool, int64_t, float, const float*, int64_t, const PackedMatrix&, float, float*,
                 int64_t, int) {
  std::abort();  // callers check has_packed_gemm()
}

#endif

}  // namespace tandem::kernels
