// Python's notion of whitespace (str.split, str.strip), which sacreBLEU's metrics rest on.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tandem::eval {

// sacreBLEU splits and strips with Python's str methods, whose whitespace is str.isspace(): ASCII
// \t \n \v \f \r, U+001C..U+001F and space, plus U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
// U+2029, U+202F, U+205F and U+3000. Matching scores on non-ASCII text needs the same set.

// The length in bytes of the whitespace character starting at text[pos], or 0 if none starts
// there. Requires pos < text.size().
size_t whitespace_length(std::string_view text, size_t pos);

// The length in bytes of the code point starting at text[pos]; 1 for a byte that starts no
// well-formed sequence, so that malformed text still advances (callers validate beforehand).
size_t code_point_length(std::string_view text, size_t pos);

// str.split(): the maximal runs of non-whitespace, as views into `text`.
std::vector<std::string_view> split_whitespace(std::string_view text);

// str.strip() and str.rstrip().
std::string_view strip_whitespace(std::string_view text);
std::string_view rstrip_whitespace(std::string_view text);

}  // namespace tandem::eval
