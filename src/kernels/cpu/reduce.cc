// Reductions: double accumulation, vectorised by the compiler through an omp simd reduction.
#include "kernels/cpu/reduce.h"

namespace tandem::kernels {

double sum(int64_t n, const float* x) {
  double total = 0.0;
#pragma omp simd reduction(+ : total)
  for (int64_t i = 0; i < n; ++i) total += x[i];
  return total;
}

void broadcast_accumulate(int64_t n, float g, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] += g;
}

}  // namespace tandem::kernels
