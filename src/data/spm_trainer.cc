// SentencePiece training through its library, fed our own line reader.
#include "data/spm_trainer.h"

#include <sentencepiece_trainer.h>

#include <algorithm>
#include <unordered_map>

#include "data/line_reader.h"
#include "tensor/error.h"

// Exported by libsentencepiece but declared only in its uninstalled util.h; without it the
// sampling of input_sentence_size lines is seeded from std::random_device.
namespace sentencepiece {
void SetRandomGeneratorSeed(unsigned int seed);
}

namespace tandem::data {

namespace {

// Hands SentencePiece the lines we read (and checked) ourselves, so that bad input gets our
// file:line errors rather than SentencePiece's.
class LineIterator : public sentencepiece::SentenceIterator {
 public:
  explicit LineIterator(const std::vector<std::string>& lines) : lines_(lines) {}
  bool done() const override { return next_ >= lines_.size(); }
  void Next() override { ++next_; }
  const std::string& value() const override { return lines_[next_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& lines_;
  size_t next_ = 0;
};

}  // namespace

std::string train_sentencepiece(const std::vector<std::string>& inputs,
                                const SpmTrainOptions& options) {
  check(options.type == "unigram" || options.type == "bpe", [&] {
    return "unknown SentencePiece model type '" + options.type + "'; valid types: unigram, bpe";
  });
  check(options.vocab_size > 0, "the vocabulary size must be positive");
  const auto& rules = kSpmNormalizations;
  check(std::find(rules.begin(), rules.end(), options.normalization) != rules.end(), [&] {
    return "unknown SentencePiece normalization '" + options.normalization +
           "'; valid: nmt_nfkc, nfkc, nmt_nfkc_cf, nfkc_cf, identity";
  });
  check(options.max_sentences > 100, "SentencePiece samples more than 100 sentences at least");
  check(options.character_coverage > 0 && options.character_coverage <= 1,
        "the character coverage must be in (0, 1]");
  std::vector<std::string> lines;
  for (const std::string& path : inputs)
    for_each_line(path, [&](std::string_view line, int64_t) {
      if (!line.empty()) lines.emplace_back(line);
    });
  check(!lines.empty(), "no text to train SentencePiece on: the input files have no lines");

  const std::unordered_map<std::string, std::string> args = {
      {"model_type", options.type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"input_sentence_size", std::to_string(options.max_sentences)},
      {"shuffle_input_sentence", "true"},
      {"normalization_rule_name", options.normalization},
      {"num_threads", "1"},  // reproducible; the training takes seconds at our sizes
      {"minloglevel", "1"},  // no progress chatter on stderr
  };
  sentencepiece::SetRandomGeneratorSeed(static_cast<unsigned int>(options.seed));
  LineIterator iterator(lines);
  std::string model;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &model);
  check(status.ok(), [&] {
    return "SentencePiece training failed: " + status.ToString() +
           " (a smaller vocabulary size, or more text, usually helps)";
  });
  return model;
}

}  // namespace tandem::data
