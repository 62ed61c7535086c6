// train(TrainRequest): the config from a file or text, with overrides, then the training loop.
#include "api/training.h"

#include "api/process_memory.h"
#include "io/config.h"
#include "tensor/error.h"

namespace tandem {

TrainSummary train(const TrainRequest& request) {
  tune_process_memory();
  check(request.config_path.empty() != request.config_text.empty(),
        "train: give exactly one of config_path (a YAML file) and config_text (YAML text)");
  Config config = request.config_path.empty() ? load_config_string(request.config_text, "<config>")
                                              : load_config(request.config_path);
  apply_overrides(config, request.overrides, {}, request.options.labels.set);
  return train(config, request.options);
}

}  // namespace tandem
