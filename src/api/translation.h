// What translating a line gives (n-best outputs with tokens, scores and attention) and the text
// formats the CLI and the server print it in.
#pragma once

#include <string>
#include <vector>

namespace tandem {

struct Output {
  std::string text;
  std::vector<std::string> tokens;            // ends with </s>
  std::vector<std::vector<float>> attention;  // (tokens, source tokens); empty unless asked for
  double score = 0.0;                         // the length-normalised search score
  double log_prob = 0.0;                      // the sum of the tokens' log-probabilities
};

struct Translation {
  std::vector<std::string> source_tokens;
  std::vector<Output> outputs;  // n-best, best first; one empty output for an empty line
  // The line's token count when it had more than decode.max_input_tokens and source_tokens
  // holds the first that many only; 0 when nothing was cut.
  size_t truncated_from = 0;
};

// The attention matrix as aligned text: one row per output token, one column per source token.
std::string format_attention(const Translation& t, const Output& o);
// Hard alignments in the Pharaoh format of fast_align and Marian: "source-target" index pairs,
// each output token (without </s>) aligned to the source token it attended to most.
std::string format_alignment(const Output& o);
// One JSON object per line: source tokens, output tokens, score and the attention weights.
std::string format_attention_json(const Translation& t, const Output& o);

}  // namespace tandem
