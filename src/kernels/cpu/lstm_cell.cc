// Fused LSTM cell, forward and backward: one loop over (batch, hidden) touching every gate once.
#include "kernels/cpu/lstm_cell.h"

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/multiversion.h"
#include "kernels/cpu/vec_math.h"

namespace tandem::kernels {

namespace {

// One LSTM step for one batch row; kSave selects whether the gates are kept for the backward.
// A template rather than a run-time test inside the loop, so that both loops vectorise.
// Always inlined: into each clone of the TANDEM_MULTIVERSION functions below, which then
// compile these loops for their instruction set (multiversion.h).
template <bool kSave>
[[gnu::always_inline]] inline void lstm_row_forward(int64_t H, const float* x, const float* h,
                                                    const float* cp, float* hn, float* cn,
                                                    float* s) {
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

// One row's backward. Each column j reads the four saved gates before it writes the four
// gradients at the same places, so `dg` may be `s` itself (lstm_sequence writes dgates over its
// saved gates). The flags select the optional gradients at compile time, as above.
template <bool kDh, bool kDc, bool kDcPrev>
[[gnu::always_inline]] inline void lstm_row_backward(int64_t H, const float* cp, const float* cn,
                                                     const float* s, const float* dh,
                                                     const float* dc_next, float* dg,
                                                     float* dc_prev) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const float i = s[j], f = s[H + j], g = s[2 * H + j], o = s[3 * H + j];
    const float tc = fast_tanh(cn[j]);  // tanh c', recomputed rather than saved
    float dc = 0.0f;
    if constexpr (kDc) dc = dc_next[j];
    if constexpr (kDh) dc += dh[j] * o * (1.0f - tc * tc);
    dg[j] = dc * g * i * (1.0f - i);
    dg[H + j] = dc * cp[j] * f * (1.0f - f);
    dg[2 * H + j] = dc * i * (1.0f - g * g);
    if constexpr (kDh)
      dg[3 * H + j] = dh[j] * tc * o * (1.0f - o);
    else
      dg[3 * H + j] = 0.0f;
    if constexpr (kDcPrev) dc_prev[j] += dc * f;
  }
}

template <bool kDh, bool kDc>
[[gnu::always_inline]] inline void lstm_rows_backward(int64_t batch, int64_t H, const float* c_prev,
                                                      const float* c_next, const float* saved,
                                                      const float* dh_next, const float* dc_next,
                                                      float* dgates, float* dc_prev) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* dh = kDh ? dh_next + b * H : nullptr;
    const float* dc = kDc ? dc_next + b * H : nullptr;
    if (dc_prev)
      lstm_row_backward<kDh, kDc, true>(H, c_prev + b * H, c_next + b * H, saved + b * 4 * H, dh,
                                        dc, dgates + b * 4 * H, dc_prev + b * H);
    else
      lstm_row_backward<kDh, kDc, false>(H, c_prev + b * H, c_next + b * H, saved + b * 4 * H, dh,
                                         dc, dgates + b * 4 * H, nullptr);
  }
}

}  // namespace

TANDEM_MULTIVERSION void lstm_cell_forward(int64_t batch, int64_t hidden, const float* xg,
                                           const float* hg, const float* c_prev, float* h_next,
                                           float* c_next, float* saved) {
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

TANDEM_MULTIVERSION void lstm_cell_backward(int64_t batch, int64_t hidden, const float* c_prev,
                                            const float* c_next, const float* saved,
                                            const float* dh_next, const float* dc_next,
                                            float* dgates, float* dxg, float* dc_prev) {
  const int64_t H = hidden;
  if (dh_next && dc_next)
    lstm_rows_backward<true, true>(batch, H, c_prev, c_next, saved, dh_next, dc_next, dgates,
                                   dc_prev);
  else if (dh_next)
    lstm_rows_backward<true, false>(batch, H, c_prev, c_next, saved, dh_next, nullptr, dgates,
                                    dc_prev);
  else if (dc_next)
    lstm_rows_backward<false, true>(batch, H, c_prev, c_next, saved, nullptr, dc_next, dgates,
                                    dc_prev);
  else
    lstm_rows_backward<false, false>(batch, H, c_prev, c_next, saved, nullptr, nullptr, dgates,
                                     dc_prev);
  if (dxg) accumulate(batch * 4 * H, dgates, dxg);
}

}  // namespace tandem::kernels
