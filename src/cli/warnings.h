// The warning for a line cut to decode.max_input_tokens, shared by translate and plot-attention.
#pragma once

#include <cstdint>
#include <string>

#include "api/translation.h"
#include "io/options.h"

namespace tandem::cli {

// Lines longer than decode.max_input_tokens are cut, not refused: one output per input line
// keeps a stream's reader in step and a long job going; the warning says which line to split.
void warn_if_cut(const Translation& t, const std::string& file, int64_t line, const Config& config);

}  // namespace tandem::cli
