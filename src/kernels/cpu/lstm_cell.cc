// Fused LSTM cell, forward and backward: one loop over (batch, hidden) touching every gate once.
#include "kernels/cpu/lstm_cell.h"

#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

void lstm_cell_forward(int64_t batch, int64_t hidden, const float* xg, const float* hg,
                       const float* c_prev, float* h_next, float* c_next, float* saved) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* x = xg + b * 4 * H;
    const float* h = hg + b * 4 * H;
    const float* cp = c_prev + b * H;
    float* hn = h_next + b * H;
    float* cn = c_next + b * H;
    float* s = saved ? saved + b * 5 * H : nullptr;
    for (int64_t j = 0; j < H; ++j) {
      const float i = fast_sigmoid(x[j] + h[j]);
      const float f = fast_sigmoid(x[H + j] + h[H + j]);
      const float g = fast_tanh(x[2 * H + j] + h[2 * H + j]);
      const float o = fast_sigmoid(x[3 * H + j] + h[3 * H + j]);
      const float c = f * cp[j] + i * g;
      const float tc = fast_tanh(c);
      cn[j] = c;
      hn[j] = o * tc;
      if (s) {
        s[j] = i;
        s[H + j] = f;
        s[2 * H + j] = g;
        s[3 * H + j] = o;
        s[4 * H + j] = tc;
      }
    }
  }
}

void lstm_cell_backward(int64_t batch, int64_t hidden, const float* c_prev, const float* saved,
                        const float* dh_next, const float* dc_next, float* dgates, float* dxg,
                        float* dc_prev) {
  const int64_t H = hidden;
  for (int64_t b = 0; b < batch; ++b) {
    const float* s = saved + b * 5 * H;
    const float* cp = c_prev + b * H;
    const float* dh = dh_next ? dh_next + b * H : nullptr;
    const float* dcn = dc_next ? dc_next + b * H : nullptr;
    float* dg = dgates + b * 4 * H;
    float* dx = dxg ? dxg + b * 4 * H : nullptr;
    float* dcp = dc_prev ? dc_prev + b * H : nullptr;
    for (int64_t j = 0; j < H; ++j) {
      const float i = s[j], f = s[H + j], g = s[2 * H + j], o = s[3 * H + j], tc = s[4 * H + j];
      const float dhj = dh ? dh[j] : 0.0f;
      const float dc = (dcn ? dcn[j] : 0.0f) + dhj * o * (1.0f - tc * tc);
      const float di = dc * g * i * (1.0f - i);
      const float df = dc * cp[j] * f * (1.0f - f);
      const float dgg = dc * i * (1.0f - g * g);
      const float d_o = dhj * tc * o * (1.0f - o);
      dg[j] = di;
      dg[H + j] = df;
      dg[2 * H + j] = dgg;
      dg[3 * H + j] = d_o;
      if (dx) {
        dx[j] += di;
        dx[H + j] += df;
        dx[2 * H + j] += dgg;
        dx[3 * H + j] += d_o;
      }
      if (dcp) dcp[j] += dc * f;
    }
  }
}

}  // namespace tandem::kernels
