// The inference path — context products made once per source position and mixed by the
// attention weights (DecoderState::combine_context), per-word tables of the first layers' input
// projections (encoder and decoder) — computes what the training path does.
#include <gtest/gtest.h>

#include <cmath>

#include "autodiff/ops.h"
#include "support/reverse_task.h"

namespace tandem {
namespace {

// The features of every step of a teacher-forced pass, recorded or not.
std::vector<Tensor> step_features(const Seq2Seq& model, const testing::ReverseBatch& batch,
                                  bool recording, Graph& g) {
  g.set_recording(recording);
  Rng unused(0);
  const SourceBatch source = batch.source_view();
  DecoderState state =
      model.decoder().initial_state(g, model.encoder().encode(g, source, unused, false));
  EXPECT_EQ(state.combine_context.defined(), !recording);
  const bool table = model.config().target_vocab < batch.source_length * batch.batch;
  EXPECT_EQ(state.embedding_table.defined(), !recording && table);
  std::vector<Tensor> out;
  for (int64_t t = 0; t < batch.target_length; ++t) {
    const std::span<const int32_t> previous(batch.target_in.data() + t * batch.batch,
                                            static_cast<size_t>(batch.batch));
    Decoder::Step step = model.decoder().step(g, previous, state, unused, false);
    out.push_back(step.features.value());
    if (step.attention.defined()) out.push_back(step.attention.value());
  }
  return out;
}

TEST(DecoderInferenceStep, EqualsTheTrainingStep) {
  for (AttentionType attention :
       {AttentionType::kBahdanau, AttentionType::kLuongDot, AttentionType::kLuongGeneral}) {
    for (CellType cell : {CellType::kGru, CellType::kLstm}) {
      for (bool feeding : {false, true}) {
        Rng rng(71);
        ModelConfig config;
        config.cell = cell;
        config.attention = attention;
        config.source_vocab = config.target_vocab = 11;
        config.embedding_size = 6;
        config.encoder_hidden = 8;
        config.decoder_hidden = 16;  // = the bidirectional encoder's output, as luong-dot needs
        config.decoder_layers = 2;
        config.input_feeding = feeding;
        Seq2Seq model(config, rng);
        // Batch 5 (up to 40 source tokens, more than the 11 words) uses the tables, batch 1
        // (up to 8) does not.
        for (int64_t sentences : {1, 5}) {
          Rng data(72);
          const testing::ReverseBatch batch = testing::make_reverse_batch(data, sentences, 1, 7, 7);
          Graph recorded, inference;
          const std::vector<Tensor> want = step_features(model, batch, true, recorded);
          const std::vector<Tensor> got = step_features(model, batch, false, inference);
          ASSERT_EQ(want.size(), got.size());
          double worst = 0;
          for (size_t i = 0; i < want.size(); ++i) {
            ASSERT_EQ(want[i].shape(), got[i].shape());
            for (int64_t j = 0; j < want[i].numel(); ++j)
              worst = std::max(worst, std::fabs(double(want[i].data()[j]) - got[i].data()[j]));
          }
          EXPECT_LT(worst, 1e-5) << "attention " << int(attention) << ", cell " << int(cell)
                                 << ", input feeding " << feeding << ", batch " << sentences;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tandem
