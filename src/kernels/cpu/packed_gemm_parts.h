// What the fp32 and bf16 halves of the packed GEMM share (packed_gemm.cc, packed_gemm_bf16.cc).
#pragma once

#include <cstdint>

#include "kernels/cpu/packed_gemm.h"

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

void pack_right_bf16(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb,
                     PackedMatrix& out);

}  // namespace tandem::kernels::detail
