// Translation of text lines with a loaded model, in length-sorted batches, order preserved,
// and the output formats: plain text, n-best lists, attention matrices, alignments.
#pragma once

#include <string>
#include <vector>

#include "decode/search_config.h"
#include "io/model_dir.h"

namespace tandem {

struct Output {
  std::string text;
  std::vector<std::string> tokens;            // ends with </s>
  std::vector<std::vector<float>> attention;  // (tokens, source tokens)
  double score = 0.0;                         // the length-normalised search score
};

struct Translation {
  std::vector<std::string> source_tokens;
  std::vector<Output> outputs;  // n-best, best first; one empty output for an empty line
  // The line's token count when it had more than decode.max_input_tokens and source_tokens
  // holds the first that many only; 0 when nothing was cut.
  size_t truncated_from = 0;
};

// Translates every line; an empty line gives an empty translation. Lines must be valid UTF-8
// (checked by the caller, who knows the file and line). Decodes at the config's
// decode.precision, and at most decode.max_input_tokens source tokens of a line: a longer one
// is cut (Translation::truncated_from), and the caller, who knows where it came from, warns.
std::vector<Translation> translate_lines(const LoadedModel& model,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options);

// The attention matrix as aligned text: one row per output token, one column per source token.
std::string format_attention(const Translation& t, const Output& o);
// Hard alignments in the Pharaoh format of fast_align and Marian: "source-target" index pairs,
// each output token (without </s>) aligned to the source token it attended to most.
std::string format_alignment(const Output& o);
// One JSON object per line: source tokens, output tokens, score and the attention weights.
std::string format_attention_json(const Translation& t, const Output& o);

}  // namespace tandem
