// Checkpoints: the model's weights and everything a resumed run needs to continue exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/seq2seq.h"
#include "tensor/rng.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"

namespace tandem {

// The loop's own position and counters, saved beside the optimiser's state.
struct TrainingProgress {
  int64_t step = 0;      // updates done
  int64_t epoch = 0;     // current epoch (from 0)
  int64_t position = 0;  // next batch of the epoch's plan
  Rng::State rng{};      // the training Rng (dropout, scheduled sampling)
  double best_metric = 0.0;
  bool has_best = false;
  int64_t bad_validations = 0;  // since the best, for early stopping
  // The best model's dev figures, for the summary of a resumed run; checkpoints written before
  // they were kept have none (has_best_figures false).
  bool has_best_figures = false;
  double best_dev_loss = 0.0, best_dev_exact_match = 0.0;
};

// The model folder's subfolder of checkpoints.
inline constexpr const char* kCheckpointsFolder = "checkpoints";

// Writes dir/checkpoints/step-NNNNNNNN/{model.safetensors, state.safetensors}, then removes
// the oldest step folders beyond `keep`. Each file is written atomically, the state last.
void save_checkpoint(const std::string& model_dir, const Seq2Seq& model, const Optimizer& optimizer,
                     const LrSchedule& schedule, const TrainingProgress& progress, int64_t keep);

// The newest complete checkpoint folder of a model folder ("" if none). Newer step folders
// without a state file (a run killed while saving) are passed over; each adds a line saying so
// to `skipped`, when given.
std::string latest_checkpoint(const std::string& model_dir,
                              std::vector<std::string>* skipped = nullptr);

// Restores weights, optimiser, schedule and progress from a checkpoint folder. Errors name the
// checkpoint's file and the field or tensor: a missing or malformed counter, a NaN or infinite
// weight or optimiser value (resuming from it would only report a divergence).
TrainingProgress load_checkpoint(const std::string& checkpoint_dir, Seq2Seq& model,
                                 Optimizer& optimizer, LrSchedule& schedule);

}  // namespace tandem
