// --version's text and the suggestion for a mistyped command.
#include "cli/command_line.h"

#include <algorithm>

#include "api/version.h"
#include "eval/edit_distance.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/cpu/multiversion.h"
#include "tensor/error.h"

namespace tandem::cli {

std::string version_text() {
  const std::string detected(kernels::cpu_kernels_name(kernels::detected_cpu_kernels()));
  std::string chosen;
  try {
    chosen = std::string(kernels::cpu_kernels_name(kernels::cpu_kernels()));
  } catch (const Error& e) {  // a bad TANDEM_CPU: every other command stops on it
    chosen = std::string("none (") + e.what() + ")";
  }
  // Two choices: the products' (TANDEM_CPU lowers it) and the loader's clones (only CPUID).
  return std::string("tandem ") + version() + "\nkernels: " + chosen + " (this CPU: " + detected +
         ")\nelement-wise kernels: " + std::string(kernels::elementwise_clones_name());
}

std::optional<std::string> nearest_command(std::string_view typed,
                                           const std::vector<std::string>& commands) {
  // Letters as tokens: eval's Levenshtein distance works on any sequence.
  auto letters = [](std::string_view word) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < word.size(); ++i) out.push_back(word.substr(i, 1));
    return out;
  };
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const std::string& command : commands) {
    const size_t distance = eval::edit_distance(letters(typed), letters(command));
    const size_t allowed = std::max<size_t>(2, std::max(typed.size(), command.size()) / 3);
    if (distance <= allowed && (!best || distance < best_distance)) {
      best = command;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace tandem::cli
