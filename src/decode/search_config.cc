// The search settings of a config's decode.* keys: one mapping (and one set of checks) for
// translate, plot-attention, the server and validation.
#include "decode/search_config.h"

#include <string>

#include "tensor/error.h"

namespace tandem {

BeamOptions beam_options_from(const Config& config, bool keep_attention) {
  BeamOptions o;
  o.search.max_length_ratio = static_cast<float>(config.get_float("decode.max_length_ratio"));
  o.search.max_length_offset = config.get_int("decode.max_length_offset");
  o.search.keep_attention = keep_attention;
  o.beam_size = config.get_int("decode.beam_size");
  o.n_best = config.get_int("decode.n_best");
  // A search keeps beam_size hypotheses and so ends with at most that many: cutting the list
  // quietly gave fewer outputs than asked for (and greedy search plain lines, no n-best list).
  check(o.n_best <= o.beam_size, [&] {
    auto named = [&](const char* key) {
      return std::string(key) + " " + config.get_text(key) + " (" + config.origin(key) + ")";
    };
    return named("decode.n_best") + " is more than " + named("decode.beam_size") +
           ": a search with a beam of K hypotheses gives at most K outputs; raise the beam size "
           "or lower the n-best";
  });
  const std::string& lp = config.get_string("decode.length_penalty");
  o.length_penalty = lp == "none"   ? LengthPenalty::kNone
                     : lp == "gnmt" ? LengthPenalty::kGnmt
                                    : LengthPenalty::kAverage;
  o.alpha = static_cast<float>(config.get_float("decode.alpha"));
  o.min_length = config.get_int("decode.min_length");
  o.no_repeat_ngram = config.get_int("decode.no_repeat_ngram");
  return o;
}

}  // namespace tandem
