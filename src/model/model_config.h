// ModelConfig: the architecture of a sequence-to-sequence model, as the model layer sees it.
#pragma once

#include <cstdint>

#include "nn/attention.h"
#include "nn/rnn_cell.h"

namespace tandem {

// How the decoder's initial state comes from the encoder.
enum class Bridge {
  kFinal,  // tanh of a learned projection of the encoder's last states (c: plain projection)
  kMean,   // tanh of a learned projection of the mean of the encoder outputs
  kZero,   // zeros
};
Bridge parse_bridge(const std::string& name);  // "final" | "mean" | "zero"

class Config;

struct ModelConfig {
  CellType cell = CellType::kGru;
  int64_t source_vocab = 0;
  int64_t target_vocab = 0;
  int64_t embedding_size = 128;
  int64_t encoder_hidden = 256;  // per direction
  int64_t encoder_layers = 1;
  bool bidirectional = true;
  int64_t decoder_hidden = 256;
  int64_t decoder_layers = 1;
  AttentionType attention = AttentionType::kBahdanau;
  int64_t attention_size = 0;  // additive attention's hidden size; 0: decoder_hidden
  bool input_feeding = false;
  Bridge bridge = Bridge::kFinal;
  bool tie_embeddings = false;  // the output layer reuses the target embedding matrix
  float dropout = 0.1f;
  float embedding_dropout = 0.0f;

  int64_t encoder_output_size() const { return (bidirectional ? 2 : 1) * encoder_hidden; }
  // The size of the decoder's attentional vector, the output layer's input: the embedding size
  // when tied (it multiplies the embedding matrix), else the decoder's hidden size.
  int64_t output_features() const { return tie_embeddings ? embedding_size : decoder_hidden; }
};

// The model.* options of a config, with the vocabulary sizes. Throws tandem::Error for a
// combination that cannot be built (luong-dot with unequal sizes, tied embeddings …).
ModelConfig model_config_from(const Config& config, int64_t source_vocab, int64_t target_vocab);

}  // namespace tandem
