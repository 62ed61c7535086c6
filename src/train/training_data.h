// Training data: the corpora named by a config, tokenised, with their vocabularies and ids.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/batch.h"
#include "data/tokenizer.h"
#include "data/vocab.h"
#include "io/options.h"
#include "model/encoder.h"
#include "model/seq2seq.h"

namespace tandem {

struct TrainingData {
  std::unique_ptr<data::Tokenizer> source_tokenizer, target_tokenizer;
  data::Vocab source_vocab, target_vocab;
  std::vector<data::Example> train, dev;
  std::vector<std::string> dev_target_text;  // the dev references as written, for metrics
  int64_t dev_dropped_by_length = 0;         // dev pairs beyond data.max_*_length
};

// Reads data.train_* and data.dev_* (parallel files or TSV), tokenises both sides and encodes
// them. The vocabularies are built from the training data (data.min_frequency,
// data.max_vocab_size) unless given (a resumed run reuses the saved ones). Dev pairs with an
// empty side or beyond the length limits (data.max_source_length, data.max_target_length) are
// left out, as training leaves them out: a long dev line would make each validation slow. Errors
// name the config keys involved when the data options are missing or contradict each other, or a
// named dev set has no usable pair.
TrainingData load_training_data(const Config& config, const data::Vocab* source_vocab = nullptr,
                                const data::Vocab* target_vocab = nullptr);

// The model's views of a padded batch (spans into it: the batch must outlive them).
inline SourceBatch source_view(const data::Batch& b) {
  return {b.source, b.source_length, b.size, b.source_lengths, b.source_mask};
}
inline TargetBatch target_view(const data::Batch& b) {
  return {b.target_in, b.target_out, b.target_length};
}

}  // namespace tandem
