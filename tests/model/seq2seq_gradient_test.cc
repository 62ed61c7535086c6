// Gradients of the whole model against finite differences, on tiny configurations covering
// both cells, every attention, bidirectional and stacked layers, input feeding, every bridge
// and tied embeddings. Tolerances as in tests/support/gradcheck.h.
#include <gtest/gtest.h>

#include <cmath>

#include "support/reverse_task.h"

namespace tandem {
namespace {

struct Case {
  const char* name;
  CellType cell;
  AttentionType attention;
  bool bidirectional, input_feeding, tie;
  Bridge bridge;
  int64_t encoder_layers, decoder_layers;
};

ModelConfig tiny(const Case& c) {
  ModelConfig m;
  m.cell = c.cell;
  m.attention = c.attention;
  m.bidirectional = c.bidirectional;
  m.input_feeding = c.input_feeding;
  m.tie_embeddings = c.tie;
  m.bridge = c.bridge;
  m.encoder_layers = c.encoder_layers;
  m.decoder_layers = c.decoder_layers;
  m.source_vocab = m.target_vocab = 7;
  m.embedding_size = c.tie ? 4 : 3;
  m.encoder_hidden = c.bidirectional ? 2 : 4;
  m.decoder_hidden = 4;
  m.attention_size = 3;
  m.dropout = 0.0f;  // deterministic forwards
  return m;
}

class ModelGradients : public ::testing::TestWithParam<Case> {};

TEST_P(ModelGradients, MatchFiniteDifferences) {
  Rng rng(31);
  Seq2Seq model(tiny(GetParam()), rng);
  // Rows of different lengths, so padding and masks are on the path.
  const testing::ReverseBatch batch =
      testing::pad_batch({{4, 5, 6}, {6}, {5, 4}}, {{6, 5, 4}, {6}, {4, 5}});
  LossOptions options;
  options.training = false;
  options.label_smoothing = 0.1f;
  auto loss_value = [&] {
    Graph g;
    NoGradGuard no_grad(g);
    return static_cast<double>(
        model.loss(g, batch.source_view(), batch.target_view(), options, rng).value().item());
  };
  {
    Graph g;
    model.params().zero_grad();
    g.backward(model.loss(g, batch.source_view(), batch.target_view(), options, rng));
  }
  const float step = 1e-2f;
  int checked = 0, failures = 0;
  double largest = 0.0;
  for (Parameter& p : model.params()) {
    for (int64_t i = 0; i < p.value.numel(); ++i) {
      const float original = p.value.data()[i];
      p.value.data()[i] = original + step;
      const double plus = loss_value();
      p.value.data()[i] = original - step;
      const double minus = loss_value();
      p.value.data()[i] = original;
      const double numeric = (plus - minus) / (2 * step);
      const double analytic = p.grad.data()[i];
      ++checked;
      largest = std::max(largest, std::abs(numeric));
      if (std::abs(analytic - numeric) > 2e-3 + 2e-2 * std::abs(numeric)) {
        if (++failures <= 5)
          ADD_FAILURE() << p.name << "[" << i << "]: analytic " << analytic << ", numeric "
                        << numeric;
      }
    }
  }
  EXPECT_EQ(failures, 0) << "of " << checked << " parameters checked";
  EXPECT_GT(checked, 200);
  EXPECT_GT(largest, 0.05);  // the loss really depends on the parameters: not a vacuous pass
}

INSTANTIATE_TEST_SUITE_P(
    Tiny, ModelGradients,
    ::testing::Values(Case{"gru_bahdanau_bi", CellType::kGru, AttentionType::kBahdanau, true, false,
                           false, Bridge::kFinal, 1, 1},
                      Case{"lstm_general_feed_stacked", CellType::kLstm,
                           AttentionType::kLuongGeneral, true, true, false, Bridge::kFinal, 2, 2},
                      Case{"gru_dot_mean_bridge", CellType::kGru, AttentionType::kLuongDot, false,
                           true, false, Bridge::kMean, 1, 2},
                      Case{"lstm_none_tied", CellType::kLstm, AttentionType::kNone, true, false,
                           true, Bridge::kFinal, 2, 1},
                      Case{"gru_none_zero_bridge", CellType::kGru, AttentionType::kNone, false,
                           true, false, Bridge::kZero, 1, 1}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tandem
