// Our own AVX-512 SGEMM: the right operand in panels packed once (a model's weights) or per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace tandem::kernels {

// True when this process runs the AVX-512 kernel: the CPU has it and TANDEM_CPU does not
// forbid it (cpu_dispatch.h); without it, kernels::gemm uses the BLAS for everything.
bool has_packed_gemm();
// True when, besides, it runs the bf16 kernel (AVX512_BF16).
bool has_bf16_gemm();

// The right operand B (k × n) of C = A·B, rearranged into panels of kPanelWidth columns: panel
// j holds, for each inner index p, B(p, 32j … 32j+31) side by side, zero-padded past n. That is
// the order the micro-kernel reads, so a weight matrix packed once is read with no copying —
// the BLAS re-packs it on every call, which costs a decoder step up to a quarter of its time.
inline constexpr int64_t kPanelWidth = 32;

// Cache-line alignment, so that the micro-kernel's panel loads never split a line.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{64}); }
  bool operator==(const CacheLineAllocator&) const { return true; }
};

// In bf16, a panel holds pairs instead: for each p = 0, 2, 4, …, 32 words of two bf16 values
// (B(p, col), B(p + 1, col)) — the operand order of AVX512_BF16's dot product — and a
// product with it rounds the left operand to bf16 too, accumulating in fp32.
struct PackedMatrix {
  int64_t k = 0, n = 0;
  bool bf16 = false;
  std::vector<float, CacheLineAllocator<float>> data;         // ceil(n/32) × k × 32
  std::vector<uint32_t, CacheLineAllocator<uint32_t>> pairs;  // ceil(n/32) × ceil(k/2) × 32
  // Where the panels are: in data or pairs (pack_right), or in storage the caller lent
  // (pack_right_into). Copying would leave them pointing into the original: moves only.
  const float* panels = nullptr;
  const uint32_t* pair_panels = nullptr;

  PackedMatrix() = default;
  PackedMatrix(PackedMatrix&&) = default;
  PackedMatrix& operator=(PackedMatrix&&) = default;
};

// Packs op(B), with B stored row-major with row stride ldb: op(B) = B (k × n) when !trans_b,
// Bᵀ when trans_b (B stored n × k, as Linear keeps its weight, out × in). bf16 needs
// has_bf16_gemm().
void pack_right(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb, PackedMatrix& out,
                bool bf16 = false);
// The 4-byte words op(B) packed takes (floats, or bf16 pairs).
int64_t packed_words(int64_t k, int64_t n, bool bf16 = false);
// As pack_right, into `storage` (packed_words(k, n, bf16) words, 64-byte aligned, kept alive
// while `out` is used): an operand packed for one op in an arena's scratch, where its pages cost
// nothing that the arena does not already hold.
void pack_right_into(bool trans_b, int64_t k, int64_t n, const float* b, int64_t ldb,
                     float* storage, PackedMatrix& out, bool bf16 = false);

// C = alpha · op(A) · B + beta · C with B packed; op(A) is m × k, C is m × n with row stride ldc.
// Runs on `threads` threads (split by column panels, then by rows). Needs has_packed_gemm().
void gemm_packed(bool trans_a, int64_t m, float alpha, const float* a, int64_t lda,
                 const PackedMatrix& b, float beta, float* c, int64_t ldc, int threads);

}  // namespace tandem::kernels
