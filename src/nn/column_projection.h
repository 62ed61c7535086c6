// Column projection: one part of a concatenated input times its columns of a weight, no tape.
#pragma once

#include <cstdint>

#include "autodiff/graph.h"

namespace tandem {

// x (…, end − begin) · W[:, begin:end]ᵀ (W: (out, in)), plus `add` (…, out) if defined → (…,
// out). Inference only (the graph must not be recording): the decoder's search step multiplies
// the parts of its concatenated input one by one, so that the context's part can come from
// products made once per source position instead of once per step (model/decoder.cc). Uses the
// graph's packed weights (PackedWeights::get_columns) where it has them.
Var project_input_columns(Graph& g, Var x, Var weight, int64_t begin, int64_t end, Var add = {});

}  // namespace tandem
