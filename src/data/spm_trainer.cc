// SentencePiece training through its library, fed our own line reader.
#include "data/spm_trainer.h"

#include <sentencepiece_trainer.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "data/line_reader.h"
#include "data/utf8.h"
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

// The code point of a well-formed UTF-8 sequence.
char32_t code_point(std::string_view bytes) {
  const auto b = [&](size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(bytes[i]));
  };
  switch (bytes.size()) {
    case 1:
      return b(0);
    case 2:
      return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    case 3:
      return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    default:
      return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  }
}

// Whether SentencePiece's `normalization` leaves nothing but spaces of the code point. All of
// them fold spaces (U+0020) away at the ends of a line; NFKC also folds the other Unicode spaces
// into U+0020; the nmt_ rules also remove control characters and turn line and paragraph
// separators, zero-width spaces and joiners, U+2581 (its own word mark), the byte order mark and
// U+FFFD into spaces.
bool is_blank(char32_t c, const std::string& normalization) {
  if (c == U' ') return true;
  if (normalization == "identity") return false;
  const bool nfkc_space =
      c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
  if (nfkc_space) return true;
  if (!normalization.starts_with("nmt_")) return false;
  return c < 0x20 || c == 0x7F || c == 0x8F || c == 0x9F || c == 0x1680 ||
         (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 || c == 0x2581 || c == 0xFEFF ||
         c == 0xFFFD;
}

bool is_blank_line(std::string_view line, const std::string& normalization) {
  for (const std::string& c : split_code_points(line))
    if (!is_blank(code_point(c), normalization)) return false;
  return true;
}

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
  bool has_text = false;
  for (const std::string& path : inputs)
    for_each_line(path, [&](std::string_view line, int64_t) {
      if (line.empty()) return;
      lines.emplace_back(line);
      has_text = has_text || !is_blank_line(line, options.normalization);
    });
  // SentencePiece ends the process (a failed CHECK, exit 255) when nothing is left to learn.
  check(has_text, [&] {
    std::string names;
    for (const std::string& path : inputs) names += (names.empty() ? "" : ", ") + path;
    return "no text to train SentencePiece on: " + names +
           " hold only empty lines or lines of only whitespace (or characters that the " +
           options.normalization + " normalization removes)";
  });

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
