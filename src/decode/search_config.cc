// The search settings of a config's decode.* keys: one mapping for translate and validation.
#include "decode/search_config.h"

#include <algorithm>

namespace tandem {

BeamOptions beam_options_from(const Config& config, bool keep_attention) {
  BeamOptions o;
  o.search.max_length_ratio = static_cast<float>(config.get_float("decode.max_length_ratio"));
  o.search.max_length_offset = config.get_int("decode.max_length_offset");
  o.search.keep_attention = keep_attention;
  o.beam_size = config.get_int("decode.beam_size");
  o.n_best = std::min(config.get_int("decode.n_best"), o.beam_size);
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
