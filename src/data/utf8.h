// UTF-8 validation and splitting into code points (strict: no overlongs, surrogates or > U+10FFFF).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::data {

// The byte offset (0-based) where the first invalid or truncated sequence of `text` starts, or
// std::string_view::npos when all of `text` is well-formed UTF-8 in the sense of the Unicode
// Standard, table 3-7: overlong forms, surrogates (U+D800..U+DFFF) and anything above U+10FFFF
// are invalid.
size_t find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) {
  return find_invalid_utf8(text) == std::string_view::npos;
}

// The length in bytes of the well-formed sequence starting at text[pos], or 0 if there is none
// (invalid lead byte, bad continuation, truncated). Requires pos < text.size().
size_t utf8_sequence_length(std::string_view text, size_t pos);

// One element per code point, each holding that code point's UTF-8 bytes. Throws tandem::Error
// naming the byte offset when `text` is not valid UTF-8.
std::vector<std::string> split_code_points(std::string_view text);

// "invalid UTF-8 at byte N (0xBB)": the part of an error message that says where and what, with
// N 1-based, for the sequence starting at `offset` (as returned by find_invalid_utf8).
std::string describe_invalid_utf8(std::string_view text, size_t offset);

}  // namespace tandem::data
