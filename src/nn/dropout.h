// Dropout as layers use it: active only while training, a no-op at p = 0 or in inference.
#pragma once

#include "autodiff/ops.h"

namespace tandem {

inline Var dropout(Var x, float p, Rng& rng, bool training) {
  return training && p > 0.0f ? ops::dropout(x, p, rng) : x;
}

}  // namespace tandem
