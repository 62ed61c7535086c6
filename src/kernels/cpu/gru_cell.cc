// Fused GRU cell, forward and backward: one loop over (batch, hidden) touching every gate once.
#include "kernels/cpu/gru_cell.h"

#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

TANDEM_MULTIVERSION void gru_cell_forward(int64_t batch, int64_t hidden, const float* xg,
                                          const float* hg, const float* h_prev, float* h_next,
                                          float* saved) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* xr = xg + b * 3 * H;
    const float* hr = hg + b * 3 * H;
    const float* hp = h_prev + b * H;
    float* hn = h_next + b * H;
    float* s = saved ? saved + b * 4 * H : nullptr;
    if (s) {
      // omp simd: the many streams exceed GCC's run-time alias checks; they never overlap.
#pragma omp simd
      for (int64_t j = 0; j < H; ++j) {
        const float r = fast_sigmoid(xr[j] + hr[j]);
        const float z = fast_sigmoid(xr[H + j] + hr[H + j]);
        const float n = fast_tanh(xr[2 * H + j] + r * hr[2 * H + j]);
        hn[j] = n + z * (hp[j] - n);
        s[j] = r;
        s[H + j] = z;
        s[2 * H + j] = n;
        s[3 * H + j] = hr[2 * H + j];
      }
    } else {
      for (int64_t j = 0; j < H; ++j) {
        const float r = fast_sigmoid(xr[j] + hr[j]);
        const float z = fast_sigmoid(xr[H + j] + hr[H + j]);
        const float n = fast_tanh(xr[2 * H + j] + r * hr[2 * H + j]);
        hn[j] = n + z * (hp[j] - n);
      }
    }
  }
}

TANDEM_MULTIVERSION void gru_cell_backward(int64_t batch, int64_t hidden, const float* h_prev,
                                           const float* saved, const float* dh_next, float* dhg,
                                           float* dxg, float* dh_prev) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* s = saved + b * 4 * H;
    const float* hp = h_prev + b * H;
    const float* dh = dh_next + b * H;
    float* dg = dhg + b * 3 * H;
    float* dx = dxg ? dxg + b * 3 * H : nullptr;
    float* dp = dh_prev ? dh_prev + b * H : nullptr;
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const float r = s[j], z = s[H + j], n = s[2 * H + j], hgn = s[3 * H + j];
      const float dn_pre = dh[j] * (1.0f - z) * (1.0f - n * n);
      const float dz_pre = dh[j] * (hp[j] - n) * z * (1.0f - z);
      const float dr_pre = dn_pre * hgn * r * (1.0f - r);
      dg[j] = dr_pre;
      dg[H + j] = dz_pre;
      dg[2 * H + j] = dn_pre * r;  // hg_n reaches n only through r ⊙ hg_n
      if (dx) {
        dx[j] += dr_pre;
        dx[H + j] += dz_pre;
        dx[2 * H + j] += dn_pre;
      }
      if (dp) dp[j] += dh[j] * z;
    }
  }
}

}  // namespace tandem::kernels
