// Building a model for loading: the same parameters as a freshly initialised one, all zero, and
// no random draws (the start-up of `tandem translate` used to be mostly orthogonal init).
#include <gtest/gtest.h>

#include "model/seq2seq.h"

namespace tandem {
namespace {

TEST(Seq2SeqConstruction, ForLoadingHasTheSameParametersAllZero) {
  for (const CellType cell : {CellType::kGru, CellType::kLstm}) {
    ModelConfig config;
    config.cell = cell;
    config.source_vocab = 11;
    config.target_vocab = 13;
    config.embedding_size = 6;
    config.encoder_hidden = 5;
    config.decoder_hidden = 7;
    Rng rng(3);
    const Seq2Seq initialised(config, rng);
    const Seq2Seq for_loading(config);
    ASSERT_EQ(initialised.params().names(), for_loading.params().names());
    double initialised_sum = 0;
    for (const std::string& name : for_loading.params().names()) {
      const Tensor& zero = for_loading.params().get(name).value;
      const Tensor& random = initialised.params().get(name).value;
      ASSERT_EQ(zero.shape(), random.shape()) << name;
      for (int64_t i = 0; i < zero.numel(); ++i) {
        EXPECT_EQ(zero.data()[i], 0.0f) << name;
        initialised_sum += std::abs(random.data()[i]);
      }
    }
    EXPECT_GT(initialised_sum, 0.0);  // the other one was initialised
  }
}

}  // namespace
}  // namespace tandem
