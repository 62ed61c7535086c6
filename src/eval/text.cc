// Python's whitespace set matched byte by byte on UTF-8, without decoding every code point.
#include "eval/text.h"

#include <cstdint>

#include "data/utf8.h"

namespace tandem::eval {

size_t whitespace_length(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<uint8_t>(text[pos + i]) : 0;
  };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return (b0 >= 0x09 && b0 <= 0x0D) || (b0 >= 0x1C && b0 <= 0x20) ? 1 : 0;
  const unsigned b1 = byte(1), b2 = byte(2);
  if (b0 == 0xC2) return b1 == 0x85 || b1 == 0xA0 ? 2 : 0;  // U+0085, U+00A0
  if (b0 == 0xE1) return b1 == 0x9A && b2 == 0x80 ? 3 : 0;  // U+1680
  if (b0 == 0xE2 && b1 == 0x80) {                           // U+2000..U+200A, 2028, 2029, 202F
    return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0;
  }
  if (b0 == 0xE2) return b1 == 0x81 && b2 == 0x9F ? 3 : 0;  // U+205F
  if (b0 == 0xE3) return b1 == 0x80 && b2 == 0x80 ? 3 : 0;  // U+3000
  return 0;
}

size_t code_point_length(std::string_view text, size_t pos) {
  if (static_cast<uint8_t>(text[pos]) < 0x80) return 1;
  const size_t length = data::utf8_sequence_length(text, pos);
  return length == 0 ? 1 : length;
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> words;
  size_t start = std::string_view::npos;  // where the current word began, if inside one
  for (size_t pos = 0; pos < text.size();) {
    const size_t space = whitespace_length(text, pos);
    if (space != 0) {
      if (start != std::string_view::npos) words.push_back(text.substr(start, pos - start));
      start = std::string_view::npos;
      pos += space;
    } else {
      if (start == std::string_view::npos) start = pos;
      pos += code_point_length(text, pos);
    }
  }
  if (start != std::string_view::npos) words.push_back(text.substr(start));
  return words;
}

std::string_view rstrip_whitespace(std::string_view text) {
  // Whitespace is only ever recognised at a code point boundary, so scan forwards and remember
  // where the trailing run began.
  size_t end = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t space = whitespace_length(text, pos);
    if (space != 0) {
      pos += space;
    } else {
      pos += code_point_length(text, pos);
      end = pos;
    }
  }
  return text.substr(0, end);
}

std::string_view strip_whitespace(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t space = whitespace_length(text, begin);
    if (space == 0) break;
    begin += space;
  }
  return rstrip_whitespace(text.substr(begin));
}

}  // namespace tandem::eval
