// ModelConfig: parsing of the enumerated choices.
#include "model/model_config.h"

#include "io/options.h"
#include "tensor/error.h"

namespace tandem {

Bridge parse_bridge(const std::string& name) {
  if (name == "final") return Bridge::kFinal;
  if (name == "mean") return Bridge::kMean;
  if (name == "zero") return Bridge::kZero;
  throw Error("unknown bridge '" + name + "'; valid: final, mean, zero");
}

ModelConfig model_config_from(const Config& config, int64_t source_vocab, int64_t target_vocab) {
  ModelConfig m;
  m.cell = parse_cell_type(config.get_string("model.cell"));
  m.source_vocab = source_vocab;
  m.target_vocab = target_vocab;
  m.embedding_size = config.get_int("model.embedding_size");
  m.encoder_hidden = config.get_int("model.encoder.hidden_size");
  m.encoder_layers = config.get_int("model.encoder.layers");
  m.bidirectional = config.get_bool("model.encoder.bidirectional");
  m.decoder_hidden = config.get_int("model.decoder.hidden_size");
  m.decoder_layers = config.get_int("model.decoder.layers");
  m.attention = parse_attention_type(config.get_string("model.attention"));
  m.attention_size = config.get_int("model.attention_size");
  m.input_feeding = config.get_bool("model.input_feeding");
  m.bridge = parse_bridge(config.get_string("model.bridge"));
  m.tie_embeddings = config.get_bool("model.tie_embeddings");
  m.dropout = static_cast<float>(config.get_float("model.dropout"));
  m.embedding_dropout = static_cast<float>(config.get_float("model.embedding_dropout"));
  check(m.attention != AttentionType::kLuongDot || m.encoder_output_size() == m.decoder_hidden,
        [&] {
          return "model.attention: luong-dot needs the encoder output size (" +
                 std::to_string(m.encoder_output_size()) +
                 ", model.encoder.hidden_size × directions) to equal model.decoder.hidden_size (" +
                 std::to_string(m.decoder_hidden) + "); use luong-general or change the sizes";
        });
  return m;
}

}  // namespace tandem
