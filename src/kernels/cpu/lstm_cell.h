// Fused LSTM cell: the point-wise part of one step, all four gates in one pass over memory.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// The LSTM of Hochreiter & Schmidhuber 1997 with a forget gate (Gers et al. 2000), in the form
// of Graves 2013 (§2, without peepholes) that cuDNN and PyTorch use, gate order (i, f, g, o):
//   gates = xg + hg,  xg = x·W_ihᵀ + b,  hg = h·W_hhᵀ      (B, 4H), computed by GEMMs outside
//   i = σ(·), f = σ(·), g = tanh(·), o = σ(·)
//   c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
// saved (B, 4H) receives the gates (i, f, g, o) for the backward; it may be null in inference,
// and it may be xg itself (each element is read before its slot is written): a whole sequence's
// input projections then become its saved gates, in place. The backward recomputes tanh c'
// from c' rather than keeping it.
void lstm_cell_forward(int64_t batch, int64_t hidden, const float* xg, const float* hg,
                       const float* c_prev, float* h_next, float* c_next, float* saved);

// From dh_next and dc_next (B, H; either may be null: no gradient), the saved gates and the
// forward's c_prev and c_next: writes dgates (B, 4H), the gradient of xg and of hg alike; adds it
// into dxg (may be null) and f ⊙ dc into dc_prev (may be null). dgates may be `saved` itself:
// the gradients then replace the gates they were made from. dh_prev = dgates·W_hh and the
// weight gradients are GEMMs the caller does.
void lstm_cell_backward(int64_t batch, int64_t hidden, const float* c_prev, const float* c_next,
                        const float* saved, const float* dh_next, const float* dc_next,
                        float* dgates, float* dxg, float* dc_prev);

}  // namespace tandem::kernels
