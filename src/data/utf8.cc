// UTF-8 validation and splitting, following the Unicode Standard's table 3-7 byte by byte.
#include "data/utf8.h"

#include <cstdint>
#include <cstdio>

#include "tensor/error.h"

namespace tandem::data {

size_t utf8_sequence_length(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const size_t left = text.size() - pos;
  const uint8_t lead = byte(pos);
  if (lead < 0x80) return 1;
  // The allowed range of the second byte depends on the lead byte: the narrowed ranges are what
  // exclude overlongs (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
  size_t length = 0;
  uint8_t low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (left < length) return 0;
  if (byte(pos + 1) < low || byte(pos + 1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

size_t find_invalid_utf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {  // the common case: ASCII
      ++pos;
      continue;
    }
    size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

std::vector<std::string> split_code_points(std::string_view text) {
  std::vector<std::string> points;
  points.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t length = utf8_sequence_length(text, pos);
    check(length != 0, [&] { return describe_invalid_utf8(text, pos); });
    points.emplace_back(text.substr(pos, length));
    pos += length;
  }
  return points;
}

std::string describe_invalid_utf8(std::string_view text, size_t offset) {
  std::string message = "invalid UTF-8 at byte " + std::to_string(offset + 1);
  if (offset < text.size()) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X",
                  static_cast<unsigned>(static_cast<uint8_t>(text[offset])));
    message += std::string(" (") + hex + ")";
  }
  return message;
}

}  // namespace tandem::data
