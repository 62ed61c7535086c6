// Row selection of a decoder state: row gathers (kernels::embedding_gather) and the memory map.
#include "decode/state_rows.h"

#include <algorithm>

#include "kernels/cpu/embedding.h"

namespace tandem {

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
  // The memory, keys and context projections stay where they are: the rows' map to their
  // columns follows the selection.
  std::vector<int32_t> columns(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    columns[i] = state.memory_rows.empty() ? rows[i] : state.memory_rows[rows[i]];
  state.memory_rows = std::move(columns);
  state.mask = gather_rows(g, g.constant(state.mask), rows).value();
}

void compact_state(Graph& g, DecoderState& state, const Arena::Mark& start,
                   std::vector<float>& spare) {
  std::vector<Var*> pieces;
  for (RnnState& layer : state.layers)
    for (int p = 0; p < layer.size; ++p) pieces.push_back(&layer.parts[p]);
  for (Var* v : {&state.feed, &state.fixed_context})
    if (v->defined()) pieces.push_back(v);
  int64_t total = state.mask.defined() ? state.mask.numel() : 0;
  for (const Var* v : pieces) total += v->value().numel();
  spare.resize(static_cast<size_t>(total));
  float* at = spare.data();
  for (const Var* v : pieces) at = std::copy_n(v->value().data(), v->value().numel(), at);
  if (state.mask.defined()) std::copy_n(state.mask.data(), state.mask.numel(), at);

  g.arena().rewind(start);
  const float* from = spare.data();
  auto restore = [&](const Shape& shape) {
    Tensor t = g.new_tensor(shape);
    std::copy_n(from, t.numel(), t.data());
    from += t.numel();
    return t;
  };
  for (Var* v : pieces) *v = g.constant(restore(v->shape()));
  if (state.mask.defined()) state.mask = restore(state.mask.shape());
}

}  // namespace tandem
