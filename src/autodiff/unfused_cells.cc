// GRU and LSTM cells from separate ops, equation by equation (see kernels/cpu/gru_cell.h and
// kernels/cpu/lstm_cell.h for the equations).
#include "autodiff/unfused_cells.h"

namespace tandem::ops {

Var gru_cell_unfused(Var xg, Var h, Var w_hh, Var b_hh) {
  const int64_t H = h.shape()[1];
  Var hg = linear(h, w_hh, b_hh);
  Var r = sigmoid(add(slice_last(xg, 0, H), slice_last(hg, 0, H)));
  Var z = sigmoid(add(slice_last(xg, H, H), slice_last(hg, H, H)));
  Var n = tanh(add(slice_last(xg, 2 * H, H), mul(r, slice_last(hg, 2 * H, H))));
  return add(n, mul(z, sub(h, n)));  // (1 − z)·n + z·h
}

LstmState lstm_cell_unfused(Var xg, Var h, Var c, Var w_hh) {
  const int64_t H = h.shape()[1];
  Var gates = add(xg, linear(h, w_hh));
  Var i = sigmoid(slice_last(gates, 0, H));
  Var f = sigmoid(slice_last(gates, H, H));
  Var g = tanh(slice_last(gates, 2 * H, H));
  Var o = sigmoid(slice_last(gates, 3 * H, H));
  Var c_next = add(mul(f, c), mul(i, g));
  return {mul(o, tanh(c_next)), c_next};
}

}  // namespace tandem::ops
