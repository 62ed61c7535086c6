// Branch-free exp, sigmoid and tanh that the compiler can vectorise (std::exp is a call it cannot).
#pragma once

#include <bit>
#include <cstdint>

namespace tandem::kernels {

// exp(x) for float: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, and the degree-6
// minimax polynomial of Cephes' expf for e^r. Relative error ≤ 2e-7 on [-87, 88]; inputs outside
// are clamped (exp(-87) ≈ 1.6e-38 still a normal float, exp(88) ≈ 1.65e38 still finite).
inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // Adding 1.5·2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
  const float shifter = 12582912.0f;
  const float t = x * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  const int32_t ni = std::bit_cast<int32_t>(t) - std::bit_cast<int32_t>(shifter);
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<float>((ni + 127) << 23);
}

inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

// tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|); near 0 that form loses relative
// precision, so |x| < 0.04 uses the Taylor series x − x³/3 + 2x⁵/15 (error < 1e-10 there).
inline float fast_tanh(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float e = fast_exp(-2.0f * ax);
  const float big = (1.0f - e) / (1.0f + e);
  const float x2 = x * x;
  const float small = ax * (1.0f + x2 * (-1.0f / 3.0f + x2 * (2.0f / 15.0f)));
  const float y = ax < 0.04f ? small : big;
  return x < 0.0f ? -y : y;
}

}  // namespace tandem::kernels
