// Training as a library call: a config (file, YAML text or defaults) with overrides, progress
// events to a callback, and a stop request; the CLI and the Python module use it.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "train/trainer.h"

namespace tandem {

struct TrainRequest {
  // Exactly one of: the YAML file to read, or YAML text (a JSON object is YAML too), whose
  // relative paths are read from the working directory.
  std::string config_path;
  std::string config_text;
  std::vector<std::string> overrides;  // "key=value", as --set gives them
  TrainOptions options;  // resume, overwrite, stop, on_event, and the labels errors use
};

// Loads the config (errors name the file or "<config>", and options.labels.set for overrides)
// and trains.
TrainSummary train(const TrainRequest& request);

}  // namespace tandem
