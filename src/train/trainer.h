// The training loop: batches, updates, validation, checkpoints, early stopping and resume.
#pragma once

#include <string>

#include "io/options.h"

namespace tandem {

struct TrainSummary {
  int64_t steps = 0;
  double last_loss = 0.0;
  bool validated = false;
  double best_dev_loss = 0.0;
  double best_dev_exact_match = 0.0;
  std::string model_dir;
};

// Trains the model a config describes into config's train.model_dir. With resume, continues
// from the newest checkpoint there, exactly: a run resumed at step N reaches the same parameters
// as an uninterrupted run with the same config (same seed and thread count).
TrainSummary train(const Config& config, bool resume);

}  // namespace tandem
