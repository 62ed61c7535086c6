// The search settings of a config's decode.* keys.
#pragma once

#include "decode/beam.h"
#include "io/options.h"

namespace tandem {

// Throws tandem::Error when decode.n_best is more than decode.beam_size, naming both and where
// each was set.
BeamOptions beam_options_from(const Config& config, bool keep_attention);

}  // namespace tandem
