// Row selection of a decoder state: the one operation searches apply to it, to reorder or shrink
// the batch without knowing the cell or attention type.
#pragma once

#include <span>
#include <vector>

#include "model/decoder.h"

namespace tandem {

// Row i of the result is row rows[i] of x (N, …). Inference only: a new constant, no tape.
Var gather_rows(Graph& g, Var x, std::span<const int32_t> rows);

// Keeps rows[i] of the pieces a step rewrites — the layers' states and the input feed — as
// their row i: beam search's reordering, where every row stays with its own sentence.
void select_recurrent_rows(Graph& g, DecoderState& state, std::span<const int32_t> rows);

// Keeps rows[i] of every per-row piece of the state as its row i: those above, the fixed
// context, the mask, and the map of rows to memory columns (DecoderState::memory_rows), so
// that the memory itself is never copied. Inference only.
void select_state_rows(Graph& g, DecoderState& state, std::span<const int32_t> rows);

// Moves those per-row pieces to the arena at `start` (a mark taken before the search's first
// step), dropping everything allocated since: a search then holds one step's values at a time
// instead of every step's (base beam search: ~8 MB a step, over a gigabyte in a long batch).
// `spare` is host memory the caller keeps from step to step. Inference only.
void compact_state(Graph& g, DecoderState& state, const Arena::Mark& start,
                   std::vector<float>& spare);

}  // namespace tandem
