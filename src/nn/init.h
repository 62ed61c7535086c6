// Parameter initialisers: uniform, Xavier/Glorot, orthogonal; all draw from the project's Rng.
#pragma once

#include "tensor/rng.h"
#include "tensor/tensor.h"

namespace tandem::init {

// Every value uniform in [low, high).
void uniform(const Tensor& t, float low, float high, Rng& rng);
// Glorot & Bengio 2010, eq. 16: U(−a, a) with a = gain·sqrt(6 / (fan_in + fan_out)), where for a
// (out, in) matrix fan_out = out and fan_in = in.
void xavier_uniform(const Tensor& t, Rng& rng, float gain = 1.0f);
// Saxe et al. 2014: a (rows, cols) matrix with orthonormal rows (rows ≤ cols) or columns,
// obtained by Gram–Schmidt on a Gaussian matrix (the Q of its QR decomposition, with R's
// diagonal positive, so uniformly distributed). A recurrent W_hh (G·H, H) is initialised one
// (H, H) block per gate by orthogonal_blocks.
void orthogonal(const Tensor& t, Rng& rng, float gain = 1.0f);
void orthogonal_blocks(const Tensor& t, int64_t blocks, Rng& rng, float gain = 1.0f);

}  // namespace tandem::init
