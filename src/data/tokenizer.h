// Tokenizer: the interface between text lines and token strings, and the built-in kinds.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::data {

// Text → tokens → text: characters, words or SentencePiece subwords (data/spm_tokenizer.h).
// encode() throws tandem::Error (naming the byte offset) for text that is not valid UTF-8, so a
// vocabulary only ever holds valid UTF-8.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::vector<std::string> encode(std::string_view line) const = 0;
  virtual std::string decode(const std::vector<std::string>& tokens) const = 0;
  virtual std::string kind() const = 0;  // the name make_tokenizer() knows it by
  // What make_tokenizer() needs besides the kind to rebuild this tokenizer (the SentencePiece
  // model, saved in the model folder); empty for char and word.
  virtual std::string model_bytes() const { return {}; }
};

// Throws tandem::Error ("cannot tokenize: …", naming the byte) unless `line` is valid UTF-8;
// every encode() starts with it.
void check_utf8(std::string_view line);

// "char", "word" or "spm" (which reads the SentencePiece model file `spm_model`); anything else
// throws tandem::Error listing the valid kinds.
std::unique_ptr<Tokenizer> make_tokenizer(const std::string& kind,
                                          const std::string& spm_model = "");

// One token per Unicode code point, so that any script works ("我爱北京", "Straße"). Each space
// (U+0020) becomes the visible token "▁" (U+2581, as in SentencePiece). A literal "▁" in the text
// becomes the two-code-point token "▁▁", so that decode() can tell the two apart: for every
// valid UTF-8 line s, decode(encode(s)) == s exactly — leading, trailing and repeated spaces,
// tabs and other characters included.
class CharTokenizer : public Tokenizer {
 public:
  static constexpr std::string_view kSpace = "\xE2\x96\x81";                     // "▁"
  static constexpr std::string_view kEscapedSpace = "\xE2\x96\x81\xE2\x96\x81";  // "▁▁"

  std::vector<std::string> encode(std::string_view line) const override;
  std::string decode(const std::vector<std::string>& tokens) const override;
  std::string kind() const override { return "char"; }
};

// Tokens are the runs of non-whitespace between runs of ASCII whitespace (space, \t, \n, \v, \f,
// \r); decode() joins them with single spaces. So decode(encode(s)) == s exactly when s has no
// leading or trailing whitespace and its words are separated by single spaces.
class WordTokenizer : public Tokenizer {
 public:
  std::vector<std::string> encode(std::string_view line) const override;
  std::string decode(const std::vector<std::string>& tokens) const override;
  std::string kind() const override { return "word"; }
};

}  // namespace tandem::data
