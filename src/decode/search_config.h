// The search settings of a config's decode.* keys.
#pragma once

#include "decode/beam.h"
#include "io/options.h"

namespace tandem {

BeamOptions beam_options_from(const Config& config, bool keep_attention);

}  // namespace tandem
