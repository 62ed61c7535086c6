// PackedWeights: packs a parameter on first use, per layout.
#include "autodiff/packed_weights.h"

#include "kernels/cpu/gemm.h"

namespace tandem {

const kernels::PackedMatrix* PackedWeights::get(const Parameter& p, bool transposed) {
  if (!kernels::has_packed_gemm() || p.value.shape().rank() != 2) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  const bool bf16 = kernels::gemm_precision() == kernels::GemmPrecision::kBfloat16;
  Entry& entry = packs_[&p];
  kernels::PackedMatrix& packed = entry.packed[transposed];
  if (!entry.current[transposed] || packed.bf16 != bf16) {
    entry.current[transposed] = true;
    const int64_t rows = p.value.dim(0), cols = p.value.dim(1);
    if (transposed)  // op(W) = Wᵀ: cols × rows
      kernels::pack_right(true, cols, rows, p.value.data(), cols, packed, bf16);
    else
      kernels::pack_right(false, rows, cols, p.value.data(), cols, packed, bf16);
  }
  return &packed;
}

void PackedWeights::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [parameter, entry] : packs_) entry.current = {};
}

}  // namespace tandem
