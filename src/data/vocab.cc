// Vocab: building by frequency, lookup, encoding and decoding, and the one-token-per-line file.
#include "data/vocab.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "data/line_reader.h"
#include "data/utf8.h"
#include "io/atomic_file.h"
#include "tensor/error.h"

namespace tandem::data {

namespace {

// Characters the one-token-per-line file cannot hold inside a token.
bool storable(std::string_view token) {
  return !token.empty() && token.find_first_of("\t\n\r") == std::string_view::npos;
}

bool is_special(std::string_view token) {
  return std::find(Vocab::kSpecials.begin(), Vocab::kSpecials.end(), token) !=
         Vocab::kSpecials.end();
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

Vocab::Vocab() {
  for (std::string_view special : kSpecials) add(std::string(special));
}

void Vocab::add(std::string token) {
  check(size() < std::numeric_limits<int32_t>::max(), "a vocabulary cannot exceed 2^31 tokens");
  ids_.emplace(token, static_cast<int32_t>(tokens_.size()));
  tokens_.push_back(std::move(token));
}

Vocab Vocab::build(const std::vector<std::vector<std::string>>& token_lines, int64_t min_frequency,
                   int64_t max_size) {
  check(max_size <= 0 || max_size >= static_cast<int64_t>(kSpecials.size()), [&] {
    return "vocabulary size limit " + std::to_string(max_size) +
           " is too small: it counts the 4 special tokens (use 0 for no limit)";
  });
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> counts;
  for (const auto& line : token_lines) {
    for (const std::string& token : line) {
      auto it = counts.find(token);
      if (it == counts.end()) {
        counts.emplace(token, 1);
      } else {
        ++it->second;
      }
    }
  }

  std::vector<std::pair<std::string_view, int64_t>> ranked;
  ranked.reserve(counts.size());
  for (const auto& [token, count] : counts) {
    size_t bad = find_invalid_utf8(token);
    check(bad == std::string_view::npos, [&] {
      return "cannot build a vocabulary: a token has " + describe_invalid_utf8(token, bad);
    });
    if (count >= min_frequency && storable(token) && !is_special(token)) {
      ranked.emplace_back(token, count);
    }
  }
  // std::string_view compares with char_traits<char>, i.e. as unsigned bytes (memcmp).
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });

  Vocab vocab;
  for (const auto& [token, count] : ranked) {
    if (max_size > 0 && vocab.size() >= max_size) break;
    vocab.add(std::string(token));
  }
  return vocab;
}

int32_t Vocab::id(std::string_view token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& Vocab::token(int32_t id) const {
  check(id >= 0 && id < size(), [&] {
    return "token id " + std::to_string(id) + " is out of range for a vocabulary of " +
           std::to_string(size()) + " tokens";
  });
  return tokens_[static_cast<size_t>(id)];
}

std::vector<int32_t> Vocab::encode(const std::vector<std::string>& tokens) const {
  std::vector<int32_t> ids;
  ids.reserve(tokens.size());
  for (const std::string& token : tokens) ids.push_back(id(token));
  return ids;
}

std::vector<std::string> Vocab::decode(const std::vector<int32_t>& ids) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t i : ids) {
    if (i == kEos) break;
    if (i == kPad || i == kBos) continue;
    tokens.push_back(token(i));
  }
  return tokens;
}

void Vocab::save(const std::string& path) const {
  io::write_file_atomically(path, [&](std::ostream& out) {
    for (const std::string& token : tokens_) out << token << '\n';
  });
}

Vocab Vocab::load(const std::string& path) {
  Vocab vocab;
  int64_t lines = 0;
  for_each_line(path, [&](std::string_view token, int64_t number) {
    lines = number;
    const auto where = [&] { return file_location(path, number); };
    if (number <= static_cast<int64_t>(kSpecials.size())) {
      std::string_view expected = kSpecials[static_cast<size_t>(number - 1)];
      check(token == expected, [&] {
        return where() + "expected the special token '" + std::string(expected) + "', found '" +
               std::string(token) +
               "' (a vocabulary file starts with <pad>, <unk>, <s>, </s>, one per line)";
      });
      return;
    }
    check(!token.empty(),
          [&] { return where() + "empty token (one token per line, no blank lines)"; });
    check(token.find('\t') == std::string_view::npos, [&] {
      return where() +
             "token contains a tab (a vocabulary file holds one token per line and "
             "nothing else)";
    });
    check(token.find('\r') == std::string_view::npos,
          [&] { return where() + "token contains a carriage return"; });
    int32_t existing = vocab.id(token);
    check(existing == kUnk && token != kSpecials[kUnk], [&] {
      return where() + "duplicate token '" + std::string(token) + "' (first on line " +
             std::to_string(vocab.id(token) + 1) + ")";
    });
    vocab.add(std::string(token));
  });
  check(lines >= static_cast<int64_t>(kSpecials.size()), [&] {
    return "'" + path + "' has " + std::to_string(lines) +
           " lines, too few for a vocabulary: it starts with <pad>, <unk>, <s>, </s>, one per line";
  });
  return vocab;
}

}  // namespace tandem::data
