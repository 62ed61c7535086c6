// SentencePiece subword tokenizer: text ↔ pieces through a trained SentencePiece model.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace tandem::data {

// Encodes with the model's normalisation (by default NFKC, spaces collapsed and trimmed) into
// pieces such as "▁Hel" "lo"; decode() joins the pieces, turns "▁" back into spaces and drops
// the leading one. So decode(encode(s)) == s for normalised text (single spaces, no leading or
// trailing ones, NFKC), and decoding never loses a piece the model does not know (an unknown
// character in the training text stays itself instead of becoming " ⁇ ").
class SpmTokenizer : public Tokenizer {
 public:
  // `bytes` is a serialised SentencePiece model (the contents of a .model file); `origin` names
  // it in errors.
  SpmTokenizer(std::string bytes, const std::string& origin);
  ~SpmTokenizer() override;

  // Reads a .model file; errors name the file and what is wrong with it.
  static std::unique_ptr<SpmTokenizer> from_file(const std::string& path);

  std::vector<std::string> encode(std::string_view line) const override;
  std::string decode(const std::vector<std::string>& tokens) const override;
  std::string kind() const override { return "spm"; }
  std::string model_bytes() const override { return bytes_; }

  int64_t piece_count() const;  // the SentencePiece vocabulary size

 private:
  std::string bytes_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace tandem::data
