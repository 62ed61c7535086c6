// Vocab: the two-way map between token strings and integer ids, built from a corpus or a file.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tandem::data {

// Ids 0..3 are the special tokens; the rest are the corpus's tokens. Every token is non-empty,
// valid UTF-8 and free of tabs, newlines and carriage returns, so that the file format (one token
// per line) can hold it.
class Vocab {
 public:
  static constexpr int32_t kPad = 0, kUnk = 1, kBos = 2, kEos = 3;
  static constexpr std::array<std::string_view, 4> kSpecials = {"<pad>", "<unk>", "<s>", "</s>"};

  Vocab();  // the four special tokens only

  // Specials first, then the tokens seen at least `min_frequency` times by descending frequency,
  // ties broken by the tokens' byte order, so the result depends only on the counts. `max_size`
  // counts the specials (so it must be at least 4); `max_size <= 0` means unlimited. Tokens that
  // equal a special token are not added twice, and tokens the file format cannot hold (containing
  // a tab, a newline or a carriage return; e.g. a tab seen by the character tokenizer) are left
  // out, so they encode as <unk>. Throws tandem::Error for a token that is not valid UTF-8.
  static Vocab build(const std::vector<std::vector<std::string>>& token_lines,
                     int64_t min_frequency, int64_t max_size);

  int32_t id(std::string_view token) const;    // kUnk if unknown; allocates nothing
  const std::string& token(int32_t id) const;  // throws tandem::Error for an out-of-range id
  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  const std::vector<std::string>& tokens() const { return tokens_; }  // in id order

  std::vector<int32_t> encode(const std::vector<std::string>& tokens) const;  // no <s>, </s> added
  // Stops at the first </s>, skips <pad> and <s>; <unk> comes out as "<unk>".
  std::vector<std::string> decode(const std::vector<int32_t>& ids) const;

  // One token per line in id order, UTF-8, '\n' line ends; written atomically.
  void save(const std::string& path) const;
  // Reads what save() writes (CRLF line ends and a BOM are tolerated). Errors name the file and
  // the line: missing file, invalid UTF-8, an empty or duplicate token, a token containing a tab
  // or carriage return, the first four lines not being the specials in order.
  static Vocab load(const std::string& path);

  bool operator==(const Vocab& other) const { return tokens_ == other.tokens_; }

 private:
  // Heterogeneous lookup: id(string_view) finds a std::string key without building one.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void add(std::string token);

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace tandem::data
