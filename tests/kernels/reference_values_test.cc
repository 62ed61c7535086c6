// Forward values of the fused kernels and their ops against PyTorch (make_layer_reference.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "autodiff/graph.h"
#include "autodiff/ops.h"
#include "kernels/cpu/additive_attention.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/gru_cell.h"
#include "kernels/cpu/lstm_cell.h"
#include "kernels/cpu/softmax.h"
#include "tensor/tensor.h"

namespace tandem {
namespace {

using nlohmann::json;

// Tolerance: |got − expected| ≤ kAbs + kRel·|expected|, with expected computed in float64 from
// the very same float32 inputs. Our side works in float32 (ε = 6e-8) and its exp, σ and tanh go
// through fast_exp (relative error ≤ 2e-7). The values compared are O(1) (GRU/LSTM states,
// attention weights, normalised activations, per-element gradients) or sums of a few dozen O(1)
// terms (pre-activations over I, H ≤ 17, scores over A ≤ 16, losses): a few ulps per term adds
// up to ~1e-6 absolute, and σ′, tanh′ ≤ 1 do not amplify it. 1e-5 absolute leaves a margin of
// about ten; the 1e-5 relative part covers the larger values (LSTM cell states up to ~5, scores
// up to ~10, summed losses ~20) whose float32 rounding scales with their size. A wrong gate
// order, a missing bias or a misplaced eps is off by 1e-2 or more and fails.
constexpr double kAbs = 1e-5;
constexpr double kRel = 1e-5;

const json& reference() {
  static const json data = [] {
    const std::string path = TANDEM_REFERENCE_DIR "/layer_reference.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);
  }();
  return data;
}

Shape shape_of(const json& dims) {
  std::vector<int64_t> d = dims.get<std::vector<int64_t>>();
  switch (d.size()) {
    case 0:
      return Shape{};
    case 1:
      return Shape{d[0]};
    case 2:
      return Shape{d[0], d[1]};
    case 3:
      return Shape{d[0], d[1], d[2]};
    default:
      return Shape{d[0], d[1], d[2], d[3]};
  }
}

// A heap tensor from {"shape", "data"}. Inputs are exact float32 values written as decimals
// that narrow back to exactly those values (see tensor_in in the script).
Tensor tensor_of(const json& t) {
  std::vector<float> values;
  for (const json& x : t.at("data")) values.push_back(static_cast<float>(x.get<double>()));
  return Tensor::from(shape_of(t.at("shape")), values);
}

// Expected values in double; null (a masked attention score) becomes −∞.
std::vector<double> expected_of(const json& t) {
  std::vector<double> values;
  for (const json& x : t.at("data"))
    values.push_back(x.is_null() ? -std::numeric_limits<double>::infinity() : x.get<double>());
  return values;
}

// Element-wise comparison under the tolerance above; −∞ must match −∞ exactly. Reports the
// number of mismatches, the first few, and the largest error, rather than one line per element.
::testing::AssertionResult all_close(const std::string& what, const Tensor& got,
                                     const json& expected_json) {
  const std::vector<double> expected = expected_of(expected_json);
  if (got.shape() != shape_of(expected_json.at("shape")))
    return ::testing::AssertionFailure()
           << what << ": shape " << got.shape().to_string() << ", expected "
           << shape_of(expected_json.at("shape")).to_string();
  std::ostringstream bad;
  int mismatches = 0;
  double worst = 0.0;
  for (size_t k = 0; k < expected.size(); ++k) {
    const double g = got.data()[k], e = expected[k];
    bool ok;
    if (std::isinf(e)) {
      ok = g == e;
    } else {
      const double err = std::abs(g - e);
      worst = std::max(worst, err);  // a NaN fails the test below, not this maximum
      ok = err <= kAbs + kRel * std::abs(e);
    }
    if (!ok && ++mismatches <= 5)
      bad << "\n  [" << k << "] got " << g << ", expected " << e << " (error " << g - e << ")";
  }
  if (mismatches == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << what << ": " << mismatches << " of " << expected.size()
         << " elements off (largest error " << worst << ")" << bad.str();
}

::testing::AssertionResult scalar_close(const std::string& what, double got, double expected) {
  const double err = std::abs(got - expected);
  if (err <= kAbs + kRel * std::abs(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << ": got " << got << ", expected " << expected
                                       << " (error " << got - expected << ")";
}

// out (rows, n) = in (rows, k) · Wᵀ (W: (n, k)) + bias (n), through the same GEMM the ops use.
Tensor affine(const Tensor& in, const Tensor& w, const Tensor& bias) {
  const int64_t rows = in.dim(0), k = in.dim(1), n = w.dim(0);
  Tensor out = Tensor::zeros({rows, n});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) out.data()[r * n + j] = bias.data()[j];
  kernels::gemm(false, true, rows, n, k, 1.0f, in.data(), w.data(), 1.0f, out.data());
  return out;
}

TEST(ReferenceValues, FileHasEveryKindOfCase) {
  const json& ref = reference();
  for (const char* kind : {"gru", "lstm", "attention", "cross_entropy", "layer_norm"})
    EXPECT_GE(ref.at(kind).size(), 3u) << kind;
}

// GRU: xg = x·W_ihᵀ + b_ih by ops::linear, then ops::gru_cell, against torch.nn.GRUCell.
TEST(ReferenceValues, GruCellOp) {
  for (const json& c : reference().at("gru")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    Graph g;
    // Leaves, so the op takes its training path (the kernel branch that saves the gates).
    Var x = g.leaf(tensor_of(c.at("x")));
    Var h = g.leaf(tensor_of(c.at("h")));
    Var w_ih = g.leaf(tensor_of(c.at("w_ih")));
    Var b_ih = g.leaf(tensor_of(c.at("b_ih")));
    Var w_hh = g.leaf(tensor_of(c.at("w_hh")));
    Var b_hh = g.leaf(tensor_of(c.at("b_hh")));
    Var h_next = ops::gru_cell(ops::linear(x, w_ih, b_ih), h, w_hh, b_hh);
    EXPECT_TRUE(all_close("h'", h_next.value(), c.at("h_next")));
  }
}

// The same cases on the raw kernel, inference branch (saved == nullptr).
TEST(ReferenceValues, GruCellKernel) {
  for (const json& c : reference().at("gru")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const Tensor h = tensor_of(c.at("h"));
    const Tensor xg =
        affine(tensor_of(c.at("x")), tensor_of(c.at("w_ih")), tensor_of(c.at("b_ih")));
    const Tensor hg = affine(h, tensor_of(c.at("w_hh")), tensor_of(c.at("b_hh")));
    Tensor h_next = Tensor::zeros(h.shape());
    kernels::gru_cell_forward(h.dim(0), h.dim(1), xg.data(), hg.data(), h.data(), h_next.data(),
                              nullptr);
    EXPECT_TRUE(all_close("h'", h_next, c.at("h_next")));
  }
}

// LSTM: xg = linear(x, W_ih, b_ih + b_hh), then ops::lstm_cell, against torch.nn.LSTMCell.
TEST(ReferenceValues, LstmCellOp) {
  for (const json& c : reference().at("lstm")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    Graph g;
    Var x = g.leaf(tensor_of(c.at("x")));
    Var h = g.leaf(tensor_of(c.at("h")));
    Var cell = g.leaf(tensor_of(c.at("c")));
    Var w_ih = g.leaf(tensor_of(c.at("w_ih")));
    Var w_hh = g.leaf(tensor_of(c.at("w_hh")));
    Var bias = ops::add(g.leaf(tensor_of(c.at("b_ih"))), g.leaf(tensor_of(c.at("b_hh"))));
    ops::LstmState next = ops::lstm_cell(ops::linear(x, w_ih, bias), h, cell, w_hh);
    EXPECT_TRUE(all_close("h'", next.h.value(), c.at("h_next")));
    EXPECT_TRUE(all_close("c'", next.c.value(), c.at("c_next")));
  }
}

TEST(ReferenceValues, LstmCellKernel) {
  for (const json& c : reference().at("lstm")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const Tensor h = tensor_of(c.at("h"));
    const Tensor cell = tensor_of(c.at("c"));
    const Tensor b_ih = tensor_of(c.at("b_ih")), b_hh = tensor_of(c.at("b_hh"));
    // Here the two biases go to their own products, the other split the header allows.
    const Tensor xg = affine(tensor_of(c.at("x")), tensor_of(c.at("w_ih")), b_ih);
    const Tensor hg = affine(h, tensor_of(c.at("w_hh")), b_hh);
    Tensor h_next = Tensor::zeros(h.shape()), c_next = Tensor::zeros(h.shape());
    kernels::lstm_cell_forward(h.dim(0), h.dim(1), xg.data(), hg.data(), cell.data(), h_next.data(),
                               c_next.data(), nullptr);
    EXPECT_TRUE(all_close("h'", h_next, c.at("h_next")));
    EXPECT_TRUE(all_close("c'", c_next, c.at("c_next")));
  }
}

// Additive scores (−∞ where masked) and ops::masked_softmax over them, against the formula
// written out in torch and torch.softmax on the −∞-filled scores.
TEST(ReferenceValues, AdditiveAttentionOp) {
  for (const json& c : reference().at("attention")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    Graph g;
    const Tensor mask = tensor_of(c.at("mask"));
    Var q = g.leaf(tensor_of(c.at("q")));
    Var keys = g.leaf(tensor_of(c.at("keys")));
    Var v = g.leaf(tensor_of(c.at("v")));
    Var scores = ops::additive_scores(q, keys, v, mask);
    EXPECT_TRUE(all_close("scores", scores.value(), c.at("scores")));
    Var weights = ops::masked_softmax(scores, mask);
    EXPECT_TRUE(all_close("weights", weights.value(), c.at("weights")));
  }
}

TEST(ReferenceValues, AdditiveAttentionKernel) {
  for (const json& c : reference().at("attention")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const int64_t S = c.at("src_len").get<int64_t>(), B = c.at("batch").get<int64_t>(),
                  A = c.at("dim").get<int64_t>();
    const Tensor mask = tensor_of(c.at("mask"));
    const Tensor q = tensor_of(c.at("q")), keys = tensor_of(c.at("keys")), v = tensor_of(c.at("v"));
    Tensor scores = Tensor::zeros({B, S}), weights = Tensor::zeros({B, S});
    kernels::additive_scores_forward(S, B, A, q.data(), keys.data(), v.data(), mask.data(),
                                     scores.data(), nullptr);
    EXPECT_TRUE(all_close("scores", scores, c.at("scores")));
    kernels::masked_softmax_forward(B, S, scores.data(), mask.data(), weights.data());
    EXPECT_TRUE(all_close("weights", weights, c.at("weights")));
  }
}

// Label-smoothed cross-entropy with an ignore index: the mean and sum losses, and the gradient
// of each with respect to the logits through Graph::backward, against F.cross_entropy and
// autograd.
TEST(ReferenceValues, CrossEntropyOp) {
  for (const json& c : reference().at("cross_entropy")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const std::vector<int32_t> targets = c.at("targets").get<std::vector<int32_t>>();
    const int32_t ignore = c.at("ignore_index").get<int32_t>();
    const float smoothing = static_cast<float>(c.at("smoothing").get<double>());
    for (const auto& [name, reduction] :
         {std::pair{"mean", ops::Reduction::kMean}, std::pair{"sum", ops::Reduction::kSum}}) {
      SCOPED_TRACE(name);
      Graph g;
      Var logits = g.leaf(tensor_of(c.at("logits")));
      Var loss = ops::cross_entropy(logits, targets, ignore, smoothing, reduction);
      EXPECT_TRUE(scalar_close("loss", loss.value().item(),
                               c.at(std::string("loss_") + name).get<double>()));
      g.backward(loss);
      ASSERT_TRUE(logits.grad().defined());
      EXPECT_TRUE(all_close("dloss/dlogits", logits.grad(), c.at(std::string("grad_") + name)));
    }
  }
}

// Layer norm with gain and bias, eps = 1e-5, against F.layer_norm.
TEST(ReferenceValues, LayerNormOp) {
  for (const json& c : reference().at("layer_norm")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    Graph g;
    Var x = g.leaf(tensor_of(c.at("x")));
    Var gamma = g.leaf(tensor_of(c.at("gamma")));
    Var beta = g.leaf(tensor_of(c.at("beta")));
    Var y = ops::layer_norm(x, gamma, beta, static_cast<float>(c.at("eps").get<double>()));
    EXPECT_TRUE(all_close("y", y.value(), c.at("y")));
  }
}

}  // namespace
}  // namespace tandem
