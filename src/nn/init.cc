// Parameter initialisers. The orthogonal one runs modified Gram–Schmidt in double precision.
#include "nn/init.h"

#include <cmath>
#include <vector>

#include "tensor/error.h"

namespace tandem::init {

void uniform(const Tensor& t, float low, float high, Rng& rng) {
  for (float& x : t.values()) x = rng.uniform(low, high);
}

void xavier_uniform(const Tensor& t, Rng& rng, float gain) {
  check(t.rank() == 2,
        [&] { return "xavier_uniform needs a matrix, got " + t.shape().to_string(); });
  const double fan_out = static_cast<double>(t.dim(0)), fan_in = static_cast<double>(t.dim(1));
  const float a = gain * static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
  uniform(t, -a, a, rng);
}

void orthogonal(const Tensor& t, Rng& rng, float gain) {
  check(t.rank() == 2, [&] { return "orthogonal needs a matrix, got " + t.shape().to_string(); });
  const int64_t rows = t.dim(0), cols = t.dim(1);
  // Orthonormalise the shorter side: k vectors of length len.
  const bool by_rows = rows <= cols;
  const int64_t k = by_rows ? rows : cols, len = by_rows ? cols : rows;
  std::vector<double> q(k * len);
  for (double& x : q) x = rng.normal();
  for (int64_t i = 0; i < k; ++i) {
    double* qi = &q[i * len];
    for (int64_t j = 0; j < i; ++j) {
      const double* qj = &q[j * len];
      double dot = 0.0;
      for (int64_t c = 0; c < len; ++c) dot += qi[c] * qj[c];
      for (int64_t c = 0; c < len; ++c) qi[c] -= dot * qj[c];
    }
    double norm = 0.0;
    for (int64_t c = 0; c < len; ++c) norm += qi[c] * qi[c];
    norm = std::sqrt(norm);
    check(norm > 1e-12, "orthogonal: degenerate random draw");  // probability zero in practice
    for (int64_t c = 0; c < len; ++c) qi[c] /= norm;
  }
  float* out = t.data();
  for (int64_t i = 0; i < k; ++i)
    for (int64_t c = 0; c < len; ++c) {
      const float v = gain * static_cast<float>(q[i * len + c]);
      if (by_rows)
        out[i * cols + c] = v;
      else
        out[c * cols + i] = v;
    }
}

void orthogonal_blocks(const Tensor& t, int64_t blocks, Rng& rng, float gain) {
  check(t.rank() == 2 && blocks > 0 && t.dim(0) % blocks == 0, [&] {
    return "orthogonal_blocks: " + t.shape().to_string() + " does not split into " +
           std::to_string(blocks) + " row blocks";
  });
  const int64_t block_rows = t.dim(0) / blocks;
  for (int64_t b = 0; b < blocks; ++b)
    orthogonal(t.slice(b * block_rows, (b + 1) * block_rows), rng, gain);
}

}  // namespace tandem::init
