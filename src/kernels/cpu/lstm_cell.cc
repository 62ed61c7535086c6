// Fused LSTM cell, forward and backward: one loop over (batch, hidden) touching every gate once.
#include "kernels/cpu/lstm_cell.h"

#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

namespace {

// One LSTM step for one batch row; kSave selects whether the gates are kept for the backward.
// A template rather than a run-time test inside the loop, so that both loops vectorise.
template <bool kSave>
void lstm_row_forward(int64_t H, const float* x, const float* h, const float* cp, float* hn,
                      float* cn, float* s) {
  // omp simd: the many streams exceed GCC's run-time alias checks; they never overlap.
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const float i = fast_sigmoid(x[j] + h[j]);
    const float f = fast_sigmoid(x[H + j] + h[H + j]);
    const float g = fast_tanh(x[2 * H + j] + h[2 * H + j]);
    const float o = fast_sigmoid(x[3 * H + j] + h[3 * H + j]);
    const float c = f * cp[j] + i * g;
    cn[j] = c;
    hn[j] = o * fast_tanh(c);
    if constexpr (kSave) {
      s[j] = i;
      s[H + j] = f;
      s[2 * H + j] = g;
      s[3 * H + j] = o;
    }
  }
}

}  // namespace

void lstm_cell_forward(int64_t batch, int64_t hidden, const float* xg, const float* hg,
                       const float* c_prev, float* h_next, float* c_next, float* saved) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* x = xg + b * 4 * H;
    const float* h = hg + b * 4 * H;
    if (saved)
      lstm_row_forward<true>(H, x, h, c_prev + b * H, h_next + b * H, c_next + b * H,
                             saved + b * 4 * H);
    else
      lstm_row_forward<false>(H, x, h, c_prev + b * H, h_next + b * H, c_next + b * H, nullptr);
  }
}

void lstm_cell_backward(int64_t batch, int64_t hidden, const float* c_prev, const float* c_next,
                        const float* saved, const float* dh_next, const float* dc_next,
                        float* dgates, float* dxg, float* dc_prev) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* s = saved + b * 4 * H;
    const float* cp = c_prev + b * H;
    const float* cn = c_next + b * H;
    float* dg = dgates + b * 4 * H;
    // Two slots of the row serve as scratch until the last loop overwrites them: the g slot
    // holds tanh c' (recomputed, not saved), the o slot dc = dc' + dh'·o·(1 − tanh²c').
    float* tc = dg + 2 * H;
    float* dc = dg + 3 * H;
    const float* dh = dh_next ? dh_next + b * H : nullptr;
    for (int64_t j = 0; j < H; ++j) {
      tc[j] = fast_tanh(cn[j]);
      dc[j] = dc_next ? dc_next[b * H + j] : 0.0f;
      if (dh) dc[j] += dh[j] * s[3 * H + j] * (1.0f - tc[j] * tc[j]);
    }
#pragma omp simd
    for (int64_t j = 0; j < H; ++j) {
      const float i = s[j], f = s[H + j];
      dg[j] = dc[j] * s[2 * H + j] * i * (1.0f - i);
      dg[H + j] = dc[j] * cp[j] * f * (1.0f - f);
    }
    if (dc_prev)
      for (int64_t j = 0; j < H; ++j) dc_prev[b * H + j] += dc[j] * s[H + j];
    // Now the g and o gates overwrite the scratch, each element after it was read.
    for (int64_t j = 0; j < H; ++j) {
      const float i = s[j], g = s[2 * H + j], o = s[3 * H + j];
      const float dcj = dc[j], tcj = tc[j];
      dg[2 * H + j] = dcj * i * (1.0f - g * g);
      dg[3 * H + j] = dh ? dh[j] * tcj * o * (1.0f - o) : 0.0f;
    }
    if (dxg) {
      float* dx = dxg + b * 4 * H;
      for (int64_t j = 0; j < 4 * H; ++j) dx[j] += dg[j];
    }
  }
}

}  // namespace tandem::kernels
