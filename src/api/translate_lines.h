// translate_lines: text lines through a loaded model in length-sorted batches, order preserved.
// The engine under Translator::translate; tests and benchmarks call it on a LoadedModel.
#pragma once

#include <string>
#include <vector>

#include "api/translation.h"
#include "decode/search_config.h"
#include "io/model_dir.h"
#include "kernels/cpu/gemm.h"

namespace tandem {

// Translates every line; an empty line gives an empty translation. Lines must be valid UTF-8
// (checked by the caller, who knows the file and line). Decodes at `config`'s decode.precision
// on the calling thread's GEMM thread count (kernels::ScopedGemmSettings; several threads
// decode whole batches side by side), and at most decode.max_input_tokens source tokens of a
// line: a longer one is cut (Translation::truncated_from), and the caller, who knows where it
// came from, warns. `config` holds the call's decode.* settings (the model's own by default).
// One precision per LoadedModel at a time: calls share its packed weights, which a call at
// another decode.precision repacks under the others (Translator fixes one per translator).
std::vector<Translation> translate_lines(const LoadedModel& model, const Config& config,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options);
std::vector<Translation> translate_lines(const LoadedModel& model,
                                         const std::vector<std::string>& lines, int64_t batch_size,
                                         const BeamOptions& options);

// The config's decode.precision, or fp32 where bf16 is unavailable (with a warning, once per
// process).
kernels::GemmPrecision decode_precision(const Config& config);

}  // namespace tandem
