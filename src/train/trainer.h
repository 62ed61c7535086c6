// The training loop: batches, updates, validation, checkpoints, early stopping and resume.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "io/options.h"
#include "train/progress.h"
#include "train/train_labels.h"

namespace tandem {

struct TrainSummary {
  int64_t steps = 0;
  double last_loss = 0.0;
  bool validated = false;
  // The best model's dev figures; false when they are unknown (a run resumed from a checkpoint
  // written before checkpoints kept them, whose best model came before the resume).
  bool best_known = false;
  double best_dev_loss = 0.0;
  double best_dev_exact_match = 0.0;
  std::string model_dir;
  // Stopped by TrainOptions::stop: `checkpoint` is the checkpoint to resume from ("" when the
  // run had none, being stopped before its first step).
  bool interrupted = false;
  std::string checkpoint;
};

// What train() reports to TrainOptions::on_event, on the training thread: after every update
// (kStep) and after every validation (kValidation, with the dev figures).
struct TrainEvent {
  enum class Kind { kStep, kValidation };
  Kind kind = Kind::kStep;
  int64_t step = 0, max_steps = 0;
  int64_t epoch = 0;
  double epoch_fraction = 0.0;  // how far into the epoch
  double loss = 0.0;            // kStep: the batch's mean loss per target token
  int64_t tokens = 0;           // kStep: the batch's target tokens
  double learning_rate = 0.0;
  Validation validation = {};  // kValidation
  bool best = false;           // kValidation: the model was saved as the best so far
};

struct TrainOptions {
  // Continue from the newest checkpoint in train.model_dir. The folder's settings that shape the
  // model and its vocabularies must not have changed; train.* and decode.* may.
  bool resume = false;
  // Start anew in a folder that holds an earlier run, removing that run's files first. Without
  // it (and without resume) a folder that holds anything is refused.
  bool overwrite = false;
  // When set (by a signal handler's watcher, a caller's other thread), training stops after the
  // step in progress and writes a checkpoint to resume from; read once a step.
  const std::atomic<bool>* stop = nullptr;
  // Called after every step and validation; an exception it throws ends training with a
  // checkpoint written first (as a stop does) and is then rethrown from train().
  std::function<void(const TrainEvent&)> on_event = nullptr;
  // What errors and notes call resume, overwrite and the overrides (the CLI's flags by default).
  TrainLabels labels = {};
};

// Trains the model a config describes into config's train.model_dir, holding the folder's lock
// (io/folder_lock.h) throughout. With resume, continues from the newest checkpoint there,
// exactly: a run resumed at step N (or stopped there) reaches the same parameters as an
// uninterrupted run with the same config (same seed and thread count).
TrainSummary train(const Config& config, const TrainOptions& options);
inline TrainSummary train(const Config& config, bool resume) {
  return train(config, TrainOptions{.resume = resume});
}

}  // namespace tandem
