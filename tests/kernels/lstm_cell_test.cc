// The fused LSTM backward kernel against the cell's derivatives written out in double precision,
// for every combination of its optional gradients, into a separate buffer and in place.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/lstm_cell.h"
#include "tensor/rng.h"

namespace tandem {
namespace {

std::vector<float> random_vector(int64_t n, Rng& rng, float lo, float hi) {
  std::vector<float> v(n);
  for (float& x : v) x = lo + (hi - lo) * rng.uniform();
  return v;
}

struct Expected {
  std::vector<double> dgates, dc_prev;
};

// c' = f·c + i·g, h' = o·tanh c' (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et
// al. 2000): the chain rule for each gate, one element at a time.
Expected reference_backward(int64_t B, int64_t H, const std::vector<float>& c_prev,
                            const std::vector<float>& c_next, const std::vector<float>& gates,
                            const float* dh, const float* dc_next) {
  Expected e{std::vector<double>(B * 4 * H), std::vector<double>(B * H)};
  for (int64_t b = 0; b < B; ++b)
    for (int64_t j = 0; j < H; ++j) {
      const float* s = gates.data() + b * 4 * H;
      const double i = s[j], f = s[H + j], g = s[2 * H + j], o = s[3 * H + j];
      const double tc = std::tanh(static_cast<double>(c_next[b * H + j]));
      const double dhj = dh ? dh[b * H + j] : 0.0;
      const double dc = (dc_next ? dc_next[b * H + j] : 0.0) + dhj * o * (1 - tc * tc);
      double* dg = e.dgates.data() + b * 4 * H;
      dg[j] = dc * g * i * (1 - i);
      dg[H + j] = dc * c_prev[b * H + j] * f * (1 - f);
      dg[2 * H + j] = dc * i * (1 - g * g);
      dg[3 * H + j] = dhj * tc * o * (1 - o);
      e.dc_prev[b * H + j] = dc * f;
    }
  return e;
}

void expect_near(const std::vector<float>& got, const std::vector<double>& want, const char* what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k)
    ASSERT_NEAR(got[k], want[k], 1e-5 + 1e-4 * std::abs(want[k])) << what << " element " << k;
}

TEST(LstmCellKernel, BackwardMatchesTheDerivativesInPlaceOrNot) {
  const int64_t B = 3, H = 37;  // H not a multiple of the vector width
  Rng rng(5);
  const std::vector<float> c_prev = random_vector(B * H, rng, -2, 2);
  const std::vector<float> c_next = random_vector(B * H, rng, -2, 2);
  const std::vector<float> gates = random_vector(B * 4 * H, rng, 0.05f, 0.95f);
  const std::vector<float> dh = random_vector(B * H, rng, -1, 1);
  const std::vector<float> dc = random_vector(B * H, rng, -1, 1);
  for (int with_dh = 0; with_dh < 2; ++with_dh)
    for (int with_dc = 0; with_dc < 2; ++with_dc) {
      SCOPED_TRACE("dh " + std::to_string(with_dh) + ", dc " + std::to_string(with_dc));
      const float* dh_next = with_dh ? dh.data() : nullptr;
      const float* dc_next = with_dc ? dc.data() : nullptr;
      const Expected want = reference_backward(B, H, c_prev, c_next, gates, dh_next, dc_next);

      std::vector<float> dgates(B * 4 * H, 99.0f), dc_prev(B * H, 0.0f);
      std::vector<float> dxg(B * 4 * H, 1.0f);  // added into
      kernels::lstm_cell_backward(B, H, c_prev.data(), c_next.data(), gates.data(), dh_next,
                                  dc_next, dgates.data(), dxg.data(), dc_prev.data());
      expect_near(dgates, want.dgates, "dgates");
      expect_near(dc_prev, want.dc_prev, "dc_prev");
      std::vector<double> dxg_want(want.dgates);
      for (double& x : dxg_want) x += 1.0;
      expect_near(dxg, dxg_want, "dxg");

      std::vector<float> in_place = gates;  // dgates written over the gates they come from
      kernels::lstm_cell_backward(B, H, c_prev.data(), c_next.data(), in_place.data(), dh_next,
                                  dc_next, in_place.data(), nullptr, nullptr);
      expect_near(in_place, want.dgates, "dgates in place");
    }
}

}  // namespace
}  // namespace tandem
