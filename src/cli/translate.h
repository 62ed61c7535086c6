// Translation of text lines with a loaded model, in length-sorted batches, order preserved.
#pragma once

#include <string>
#include <vector>

#include "decode/greedy.h"
#include "io/model_dir.h"

namespace tandem {

struct Translation {
  std::string text;
  std::vector<std::string> source_tokens, output_tokens;  // output_tokens end with </s>
  std::vector<std::vector<float>> attention;              // (output tokens, source tokens)
  double score = 0.0;
};

// Translates every line; an empty line gives an empty translation. Lines must be valid UTF-8
// (checked by the caller, who knows the file and line).
std::vector<Translation> translate_lines(const LoadedModel& model,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const SearchOptions& options);

// The attention matrix as aligned text: one row per output token, one column per source token.
std::string format_attention(const Translation& t);

}  // namespace tandem
