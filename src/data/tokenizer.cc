// The tokenizer factory and the character and word tokenizers.
#include "data/tokenizer.h"

#include "data/spm_tokenizer.h"
#include "data/utf8.h"
#include "tensor/error.h"

namespace tandem::data {

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

void check_utf8(std::string_view line) {
  size_t bad = find_invalid_utf8(line);
  check(bad == std::string_view::npos,
        [&] { return "cannot tokenize: " + describe_invalid_utf8(line, bad); });
}

std::unique_ptr<Tokenizer> make_tokenizer(const std::string& kind, const std::string& spm_model) {
  if (kind == "char") return std::make_unique<CharTokenizer>();
  if (kind == "word") return std::make_unique<WordTokenizer>();
  if (kind == "spm") {
    check(!spm_model.empty(), "the spm tokenizer needs a SentencePiece model file");
    return SpmTokenizer::from_file(spm_model);
  }
  throw Error("unknown tokenizer '" + kind + "'; valid kinds: char, word, spm");
}

std::vector<std::string> CharTokenizer::encode(std::string_view line) const {
  check_utf8(line);
  std::vector<std::string> tokens = split_code_points(line);
  for (std::string& token : tokens) {
    if (token == " ") {
      token = kSpace;
    } else if (token == kSpace) {
      token = kEscapedSpace;
    }
  }
  return tokens;
}

std::string CharTokenizer::decode(const std::vector<std::string>& tokens) const {
  std::string text;
  for (const std::string& token : tokens) {
    if (token == kSpace) {
      text += ' ';
    } else if (token == kEscapedSpace) {
      text += kSpace;
    } else {
      text += token;
    }
  }
  return text;
}

std::vector<std::string> WordTokenizer::encode(std::string_view line) const {
  check_utf8(line);
  std::vector<std::string> tokens;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && is_ascii_space(line[pos])) ++pos;
    size_t start = pos;
    while (pos < line.size() && !is_ascii_space(line[pos])) ++pos;
    if (pos > start) tokens.emplace_back(line.substr(start, pos - start));
  }
  return tokens;
}

std::string WordTokenizer::decode(const std::vector<std::string>& tokens) const {
  std::string text;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) text += ' ';
    text += tokens[i];
  }
  return text;
}

}  // namespace tandem::data
