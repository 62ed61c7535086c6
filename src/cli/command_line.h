// What the tandem command says about itself: --version, and the nearest command to a mistyped one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::cli {

// "tandem VERSION" and, on a second line, the matrix-product kernels this process runs and what
// the CPU has (kernels/cpu/cpu_dispatch.h).
std::string version_text();

// The command a mistyped `typed` most likely meant: the nearest of `commands` by edit distance,
// when it is within a third of the longer word (at least 2: "trian" is 2 from "train");
// nothing otherwise.
std::optional<std::string> nearest_command(std::string_view typed,
                                           const std::vector<std::string>& commands);

}  // namespace tandem::cli
