// The names training's errors give the caller's choices: the CLI's flags by default; a library
// caller (the Python module) passes its own, so its users read the arguments they wrote.
#pragma once

#include <string>

namespace tandem {

struct TrainLabels {
  std::string resume = "--resume";        // continue the folder's run
  std::string overwrite = "--overwrite";  // start anew, removing it
  std::string set = "--set";              // the overrides ("key=value")
};

}  // namespace tandem
