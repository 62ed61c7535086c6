// PackedWeights: parameters packed once for the GEMM kernel and reused until the owner clears them.
#pragma once

#include <map>
#include <mutex>
#include <tuple>

#include "autodiff/parameter.h"
#include "kernels/cpu/packed_gemm.h"

namespace tandem {

// A decoder step multiplies by the same weights every step, and the BLAS re-packs them on
// every call (a quarter of batched decoding's time, bench/RESULTS.md). This keeps each
// parameter's packed copies, made on first use. The owner promises the parameters do not
// change while copies are kept: the trainer clears after every optimiser step; a model loaded
// for decoding never changes. A Graph uses it through Graph::set_packed_weights.
class PackedWeights {
 public:
  // With `from_second_use`, a parameter is packed on its second use after a clear(): the first
  // returns nullptr (the caller packs per call, as it would anyway), so a weight used once
  // between clears — a training step's whole-sequence input projections, the attention's
  // keys — holds no copy. The trainer's choice; decoding packs on first use, so that every
  // batch multiplies alike.
  explicit PackedWeights(bool from_second_use = false) : from_second_use_(from_second_use) {}

  // op(W) packed as the right operand of a product: Wᵀ for x·Wᵀ (transposed), W for dY·W,
  // in the current kernels::gemm_precision(). nullptr where the build has no packed kernel. Safe to
  // call from several threads; the copy stays valid until the next call for the other layout.
  const kernels::PackedMatrix* get(const Parameter& p, bool transposed);
  // As get, for W's input columns [begin, end) alone: the right operand of x·W[:, begin:end]ᵀ
  // (transposed) or of dY·W[:, begin:end], which multiply one part of a concatenated input on
  // its own (ops::linear_parts, the decoder's inference step).
  const kernels::PackedMatrix* get_columns(const Parameter& p, bool transposed, int64_t begin,
                                           int64_t end);
  // Forgets the packed values (after the parameters changed); keeps their memory, so that a
  // warm training step allocates nothing.
  void clear();
  // The memory the copies hold, in bytes.
  size_t bytes();

 private:
  // One packed operand: op(W) restricted to W's columns [begin, end).
  using Key = std::tuple<const Parameter*, bool /*transposed*/, int64_t /*begin*/, int64_t /*end*/>;
  struct Entry {
    kernels::PackedMatrix packed;
    bool current = false;
    int uses = 0;  // since the last clear(), while not current
    // Its memory went to the other layout's copy while current, since the last clear().
    bool gave_while_current = false;
  };
  const kernels::PackedMatrix* get(const Key& key);
  // One buffer serves both layouts of a weight: a training step multiplies by Wᵀ in its forward
  // and by W in its backward, so each layout's copy takes the other's memory when it is packed
  // (base training: 21 MiB less than two copies). Not twice between clears while the other is
  // current: a weight whose layouts alternate keeps two copies rather than repacking each time.
  void take_other_layouts_memory(const Key& key, Entry& entry);

  const bool from_second_use_;
  std::mutex mutex_;
  std::map<Key, Entry> packs_;
};

}  // namespace tandem
