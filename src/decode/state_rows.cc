// Row selection of a decoder state by row gathers (kernels::embedding_gather).
#include "decode/state_rows.h"

#include "kernels/cpu/embedding.h"

namespace tandem {

namespace {

// Row selection along axis 1 of a time-major (S, B, …) value.
Var gather_columns(Graph& g, Var x, std::span<const int32_t> rows) {
  const Tensor& v = x.value();
  const int64_t S = v.dim(0), B = v.dim(1), D = v.numel() / (S * B);
  const int64_t n = static_cast<int64_t>(rows.size());
  Tensor out = g.new_tensor(v.shape().drop_first().with_first(n).prepend(S));
  for (int64_t s = 0; s < S; ++s)
    kernels::embedding_gather(n, D, v.data() + s * B * D, rows.data(), out.data() + s * n * D);
  return g.constant(out);
}

}  // namespace

Var gather_rows(Graph& g, Var x, std::span<const int32_t> rows) {
  const Tensor& v = x.value();
  Tensor out = g.new_tensor(v.shape().with_first(static_cast<int64_t>(rows.size())));
  kernels::embedding_gather(static_cast<int64_t>(rows.size()), v.numel() / v.dim(0), v.data(),
                            rows.data(), out.data());
  return g.constant(out);
}

void select_recurrent_rows(Graph& g, DecoderState& state, std::span<const int32_t> rows) {
  for (RnnState& layer : state.layers)
    for (int p = 0; p < layer.size; ++p) layer.parts[p] = gather_rows(g, layer.parts[p], rows);
  if (state.feed.defined()) state.feed = gather_rows(g, state.feed, rows);
}

void select_state_rows(Graph& g, DecoderState& state, std::span<const int32_t> rows) {
  select_recurrent_rows(g, state, rows);
  if (state.fixed_context.defined())
    state.fixed_context = gather_rows(g, state.fixed_context, rows);
  const bool keys_are_memory = state.keys.defined() && state.keys.id == state.memory.id;
  state.memory = gather_columns(g, state.memory, rows);
  if (keys_are_memory)
    state.keys = state.memory;
  else if (state.keys.defined())
    state.keys = gather_columns(g, state.keys, rows);
  state.mask = gather_rows(g, g.constant(state.mask), rows).value();
}

}  // namespace tandem
