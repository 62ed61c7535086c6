// Column projection: a GEMM over a column range of a weight, into a new constant.
#include "nn/column_projection.h"

#include <algorithm>

#include "autodiff/op_support.h"
#include "tensor/error.h"

namespace tandem {

Var project_input_columns(Graph& g, Var x, Var weight, int64_t begin, int64_t end, Var add) {
  check(!g.recording(), "project_input_columns is for inference only (no tape)");
  const Tensor& w = weight.value();
  const Tensor& xv = x.value();
  const int64_t out = w.dim(0), in = w.dim(1), k = end - begin;
  check(0 <= begin && begin < end && end <= in && xv.dim(xv.shape().rank() - 1) == k, [&] {
    return "project_input_columns: x " + xv.shape().to_string() + " does not match columns [" +
           std::to_string(begin) + ", " + std::to_string(end) + ") of W " + w.shape().to_string();
  });
  const int64_t rows = xv.numel() / k;
  Tensor y = g.new_tensor(xv.shape().with_last(out));
  float beta = 0.0f;
  if (add.defined()) {
    check(add.value().numel() == rows * out, [&] {
      return "project_input_columns: the added value " + add.shape().to_string() + " should have " +
             std::to_string(rows) + " rows of " + std::to_string(out);
    });
    std::copy_n(add.value().data(), rows * out, y.data());
    beta = 1.0f;
  }
  ops::detail::gemm_weight_columns(g, weight.id, true, begin, end, rows, 1.0f, xv.data(), k, beta,
                                   y.data(), out);
  return g.constant(y);
}

}  // namespace tandem
