// Levenshtein distance by the classic dynamic programme, one row at a time.
#include "eval/edit_distance.h"

#include <algorithm>
#include <numeric>

#include "eval/text.h"

namespace tandem::eval {

size_t edit_distance(const std::vector<std::string_view>& hyp,
                     const std::vector<std::string_view>& ref) {
  // row[j]: the distance between the first i hypothesis tokens and the first j reference tokens.
  std::vector<size_t> row(ref.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= hyp.size(); ++i) {
    size_t diagonal = row[0];  // the (i-1, j-1) entry
    row[0] = i;
    for (size_t j = 1; j <= ref.size(); ++j) {
      const size_t above = row[j];
      const size_t substitute = diagonal + (hyp[i - 1] == ref[j - 1] ? 0 : 1);
      row[j] = std::min({substitute, above + 1, row[j - 1] + 1});
      diagonal = above;
    }
  }
  return row.back();
}

std::vector<std::string_view> whitespace_tokens(std::string_view line) {
  return split_whitespace(line);
}

}  // namespace tandem::eval
