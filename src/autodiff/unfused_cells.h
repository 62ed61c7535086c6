// The GRU and LSTM cells written as separate ops: the plain reference for the fused cell ops,
// and the baseline the fused cells are benchmarked against.
#pragma once

#include "autodiff/ops.h"

namespace tandem::ops {

// Same arguments and results as gru_cell / lstm_cell, built from linear, slices and activations
// (about a dozen tape nodes per step instead of one).
Var gru_cell_unfused(Var xg, Var h, Var w_hh, Var b_hh);
LstmState lstm_cell_unfused(Var xg, Var h, Var c, Var w_hh);

}  // namespace tandem::ops
