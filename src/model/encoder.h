// Encoder: embeds a padded source batch and runs the (bidirectional, stacked) RNN over it.
#pragma once

#include <span>
#include <vector>

#include "model/model_config.h"
#include "nn/rnn.h"

namespace tandem {

// A padded source batch, time-major, as the model consumes it (the data layer builds it).
struct SourceBatch {
  std::span<const int32_t> ids;      // (S, B)
  int64_t length = 0;                // S
  int64_t batch = 0;                 // B
  std::span<const int64_t> lengths;  // (B) real tokens per row
  Tensor mask;                       // (B, S): 1 for real tokens
};

struct EncoderOutput {
  Var memory;                  // (S, B, D): the last layer's outputs, D = encoder_output_size
  std::vector<RnnState> last;  // per layer and direction: state after each row's last token
  Tensor mask;                 // (B, S)
  std::vector<int64_t> lengths;
};

class Encoder {
 public:
  Encoder(ParameterStore& store, const ModelConfig& config, Rng& rng);
  EncoderOutput encode(Graph& g, const SourceBatch& source, Rng& rng, bool training) const;

 private:
  ModelConfig config_;
  Parameter* embedding_;
  Rnn rnn_;
};

}  // namespace tandem
