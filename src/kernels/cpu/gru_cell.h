// Fused GRU cell: the point-wise part of one step, all three gates in one pass over memory.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// The GRU of Cho et al. 2014 (§2.3) in the form cuDNN and PyTorch use, gate order (r, z, n):
//   xg = x·W_ihᵀ + b_ih, hg = h·W_hhᵀ + b_hh          (B, 3H) each, computed by GEMMs outside
//   r = σ(xg_r + hg_r),  z = σ(xg_z + hg_z),  n = tanh(xg_n + r ⊙ hg_n)
//   h' = (1 − z) ⊙ n + z ⊙ h
// saved (B, 4H) receives (r, z, n, hg_n) for the backward; it may be null in inference.
void gru_cell_forward(int64_t batch, int64_t hidden, const float* xg, const float* hg,
                      const float* h_prev, float* h_next, float* saved);

// From dh_next (B, H): writes dhg (B, 3H), the gradient of hg; adds the gradient of xg into dxg
// (may be null) and z ⊙ dh_next into dh_prev (may be null). The rest of dh_prev, dhg·W_hh, and
// the weight gradients are GEMMs the caller does.
void gru_cell_backward(int64_t batch, int64_t hidden, const float* h_prev, const float* saved,
                       const float* dh_next, float* dhg, float* dxg, float* dh_prev);

}  // namespace tandem::kernels
