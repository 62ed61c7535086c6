// Levenshtein distance between token sequences, and the whitespace tokens WER and PER count.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tandem::eval {

// The fewest substitutions, insertions and deletions (each costing 1) that turn `hyp` into
// `ref`; Levenshtein (1966). O(|hyp|·|ref|) time, O(|ref|) memory.
size_t edit_distance(const std::vector<std::string_view>& hyp,
                     const std::vector<std::string_view>& ref);

// A line's tokens for WER, PER and the g2p error rates: whitespace-separated, with the same
// whitespace as BLEU and chrF (Python's, see eval/text.h). Views into `line`.
std::vector<std::string_view> whitespace_tokens(std::string_view line);

}  // namespace tandem::eval
