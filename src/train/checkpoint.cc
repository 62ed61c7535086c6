// Checkpoints: weights and optimiser tensors in safetensors, counters and Rng words exactly as
// decimal text in the state file's metadata.
#include "train/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "io/model_dir.h"
#include "io/safetensors.h"
#include "tensor/error.h"

namespace tandem {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "state.safetensors";
constexpr const char* kWeightsFile = "model.safetensors";

std::string step_folder(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

// Checkpoint folders that hold a state file (written last, so the folder is complete), oldest
// first: zero-padded names sort by step.
std::vector<fs::path> complete_checkpoints(const std::string& model_dir) {
  std::vector<fs::path> out;
  const fs::path root = fs::path(model_dir) / kCheckpointsFolder;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& entry : fs::directory_iterator(root, ec))
    if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0 &&
        fs::exists(entry.path() / kStateFile))
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

int64_t parse_int(const io::Metadata& m, const std::string& key, const std::string& file) {
  auto it = m.find(key);
  check(it != m.end(), [&] { return file + ": the checkpoint state lacks '" + key + "'"; });
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    throw Error(file + ": the checkpoint state's '" + key + "' is not a number: " + it->second);
  }
}

}  // namespace

void save_checkpoint(const std::string& model_dir, const Seq2Seq& model, const Optimizer& optimizer,
                     const LrSchedule& schedule, const TrainingProgress& progress, int64_t keep) {
  const fs::path dir = fs::path(model_dir) / kCheckpointsFolder / step_folder(progress.step);
  std::error_code ec;
  fs::create_directories(dir, ec);
  check(!ec, [&] { return "cannot create " + dir.string() + ": " + ec.message(); });
  save_model_weights((dir / kWeightsFile).string(), model);

  io::NamedTensors tensors = optimizer.state();
  const std::vector<float> schedule_state = schedule.state();
  if (!schedule_state.empty())
    tensors.emplace_back(
        "lr_schedule", Tensor::from({static_cast<int64_t>(schedule_state.size())}, schedule_state));
  io::Metadata meta = {{"step", std::to_string(progress.step)},
                       {"epoch", std::to_string(progress.epoch)},
                       {"position", std::to_string(progress.position)},
                       {"has_best", progress.has_best ? "1" : "0"},
                       {"bad_validations", std::to_string(progress.bad_validations)}};
  char best[64];
  std::snprintf(best, sizeof best, "%.17g", progress.best_metric);  // round-trips a double
  meta["best_metric"] = best;
  for (int k = 0; k < 4; ++k) meta["rng" + std::to_string(k)] = std::to_string(progress.rng[k]);
  io::save_safetensors((dir / kStateFile).string(), tensors, meta);

  std::vector<fs::path> all = complete_checkpoints(model_dir);
  for (size_t i = 0; keep > 0 && i + keep < all.size(); ++i) fs::remove_all(all[i], ec);
}

std::string latest_checkpoint(const std::string& model_dir) {
  std::vector<fs::path> all = complete_checkpoints(model_dir);
  return all.empty() ? "" : all.back().string();
}

TrainingProgress load_checkpoint(const std::string& checkpoint_dir, Seq2Seq& model,
                                 Optimizer& optimizer, LrSchedule& schedule) {
  const std::string state_path = (fs::path(checkpoint_dir) / kStateFile).string();
  io::SafetensorsFile state = io::load_safetensors(state_path);
  io::load_parameters((fs::path(checkpoint_dir) / kWeightsFile).string(), model.params());
  std::vector<std::pair<std::string, Tensor>> optimizer_state;
  std::vector<float> schedule_state;
  for (auto& [name, t] : state.tensors) {
    if (name == "lr_schedule")
      schedule_state.assign(t.values().begin(), t.values().end());
    else
      optimizer_state.emplace_back(name, t);
  }
  optimizer.restore_state(optimizer_state);
  schedule.restore(schedule_state);
  TrainingProgress p;
  const io::Metadata& m = state.metadata;
  p.step = parse_int(m, "step", state_path);
  p.epoch = parse_int(m, "epoch", state_path);
  p.position = parse_int(m, "position", state_path);
  p.has_best = parse_int(m, "has_best", state_path) != 0;
  p.bad_validations = parse_int(m, "bad_validations", state_path);
  auto best = m.find("best_metric");
  check(best != m.end(), [&] { return state_path + ": the checkpoint state lacks 'best_metric'"; });
  p.best_metric = std::stod(best->second);
  for (int k = 0; k < 4; ++k) {
    auto it = m.find("rng" + std::to_string(k));
    check(it != m.end(), [&] { return state_path + ": the checkpoint state lacks its Rng"; });
    p.rng[k] = std::stoull(it->second);
  }
  return p;
}

}  // namespace tandem
