// SentencePiece tokenizer: loading a model, encoding through it, decoding by joining pieces.
#include "data/spm_tokenizer.h"

#include <sentencepiece_processor.h>

#include <fstream>
#include <sstream>

#include "tensor/error.h"

namespace tandem::data {

SpmTokenizer::SpmTokenizer(std::string bytes, const std::string& origin)
    : bytes_(std::move(bytes)),
      processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  const auto status = processor_->LoadFromSerializedProto(bytes_);
  check(status.ok(), [&] {
    return origin + " is not a SentencePiece model (" + status.ToString() +
           "); make one with `tandem vocab`";
  });
}

SpmTokenizer::~SpmTokenizer() = default;

std::unique_ptr<SpmTokenizer> SpmTokenizer::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check(static_cast<bool>(in), [&] { return "cannot open the SentencePiece model " + path; });
  std::ostringstream contents;
  contents << in.rdbuf();
  check(!in.bad(), [&] { return "cannot read the SentencePiece model " + path; });
  return std::make_unique<SpmTokenizer>(contents.str(), path);
}

std::vector<std::string> SpmTokenizer::encode(std::string_view line) const {
  check_utf8(line);
  std::vector<std::string> pieces;
  const auto status = processor_->Encode(line, &pieces);
  check(status.ok(), [&] { return "SentencePiece cannot encode a line: " + status.ToString(); });
  return pieces;
}

// Joining by hand rather than SentencePieceProcessor::DecodePieces: the vocabulary built from
// the training pieces may hold pieces the SentencePiece model lacks (characters outside its
// coverage), which DecodePieces would turn into " ⁇ ".
std::string SpmTokenizer::decode(const std::vector<std::string>& tokens) const {
  static constexpr std::string_view kSpace = "\xE2\x96\x81";  // "▁"
  std::string text;
  for (const std::string& token : tokens) {
    size_t pos = 0;
    while (pos < token.size()) {
      if (token.compare(pos, kSpace.size(), kSpace) == 0) {
        if (!text.empty()) text += ' ';
        pos += kSpace.size();
      } else {
        text += token[pos++];
      }
    }
  }
  return text;
}

int64_t SpmTokenizer::piece_count() const { return processor_->GetPieceSize(); }

}  // namespace tandem::data
