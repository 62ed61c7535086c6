// PackedWeights: packs a parameter on first use, per layout.
#include "autodiff/packed_weights.h"

#include "kernels/cpu/gemm.h"
#include "tensor/error.h"

namespace tandem {

const kernels::PackedMatrix* PackedWeights::get(const Parameter& p, bool transposed) {
  if (p.value.shape().rank() != 2) return nullptr;
  return get({&p, transposed, 0, p.value.dim(1)});
}

const kernels::PackedMatrix* PackedWeights::get_columns(const Parameter& p, bool transposed,
                                                        int64_t begin, int64_t end) {
  check(p.value.shape().rank() == 2 && 0 <= begin && begin < end && end <= p.value.dim(1),
        "packed weights: bad column range of a parameter");
  return get({&p, transposed, begin, end});
}

const kernels::PackedMatrix* PackedWeights::get(const Key& key) {
  if (!kernels::has_packed_gemm()) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  const bool bf16 = kernels::gemm_precision() == kernels::GemmPrecision::kBfloat16;
  Entry& entry = packs_[key];
  if (!entry.current || entry.packed.bf16 != bf16) {
    if (from_second_use_ && ++entry.uses < 2) return nullptr;
    take_other_layouts_memory(key, entry);
    entry.current = true;
    const auto& [p, transposed, begin, end] = key;
    const int64_t rows = p->value.dim(0), cols = p->value.dim(1);
    if (transposed)  // op(W) = Wᵀ: its rows [begin, end), (end − begin) × rows
      kernels::pack_right(true, end - begin, rows, p->value.data() + begin, cols, entry.packed,
                          bf16);
    else  // op(W) = W's columns [begin, end): rows × (end − begin)
      kernels::pack_right(false, rows, end - begin, p->value.data() + begin, cols, entry.packed,
                          bf16);
  }
  return &entry.packed;
}

void PackedWeights::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [key, entry] : packs_) {
    entry.current = false;
    entry.uses = 0;
    entry.gave_while_current = false;
  }
}

void PackedWeights::take_other_layouts_memory(const Key& key, Entry& entry) {
  if (entry.packed.data.capacity() + entry.packed.pairs.capacity() > 0) return;
  const auto& [p, transposed, begin, end] = key;
  auto other = packs_.find({p, !transposed, begin, end});
  if (other == packs_.end() || (other->second.current && other->second.gave_while_current)) return;
  Entry& from = other->second;
  if (from.current) entry.gave_while_current = from.gave_while_current = true;
  entry.packed = std::move(from.packed);
  from.packed = kernels::PackedMatrix();
  from.current = false;
}

size_t PackedWeights::bytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const auto& [key, entry] : packs_)
    total += entry.packed.data.capacity() * sizeof(float) +
             entry.packed.pairs.capacity() * sizeof(uint32_t);
  return total;
}

}  // namespace tandem
