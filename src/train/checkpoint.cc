// Checkpoints: weights and optimiser tensors in safetensors, counters and Rng words exactly as
// decimal text in the state file's metadata.
#include "train/checkpoint.h"

#include <algorithm>
#include <charconv>
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

// The step folders, oldest first (zero-padded names sort by step).
std::vector<fs::path> step_folders(const std::string& model_dir) {
  std::vector<fs::path> out;
  const fs::path root = fs::path(model_dir) / kCheckpointsFolder;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& entry : fs::directory_iterator(root, ec))
    if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0)
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// A folder is complete once it holds its state file, which is written last.
bool is_complete(const fs::path& checkpoint) {
  std::error_code ec;
  return fs::exists(checkpoint / kStateFile, ec);
}

std::vector<fs::path> complete_checkpoints(const std::string& model_dir) {
  std::vector<fs::path> out = step_folders(model_dir);
  std::erase_if(out, [](const fs::path& p) { return !is_complete(p); });
  return out;
}

const std::string& field(const io::Metadata& m, const std::string& key, const std::string& file) {
  auto it = m.find(key);
  check(it != m.end(), [&] { return file + ": the checkpoint state lacks '" + key + "'"; });
  return it->second;
}

// The whole text as a number of type T (std::from_chars: no locale, no partial parse).
template <typename T>
T parse_number(const io::Metadata& m, const std::string& key, const std::string& file) {
  const std::string& text = field(m, key, file);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  check(ec == std::errc() && end == text.data() + text.size() && !text.empty(), [&] {
    return file + ": the checkpoint state's '" + key + "' is not " +
           (std::is_floating_point_v<T> ? "a number" : "an integer") + ": '" + text +
           "' (the checkpoint is damaged: remove its folder to resume from the one before)";
  });
  return value;
}

int64_t parse_int(const io::Metadata& m, const std::string& key, const std::string& file) {
  return parse_number<int64_t>(m, key, file);
}

std::string round_trip(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);  // round-trips a double
  return text;
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
  meta["best_metric"] = round_trip(progress.best_metric);
  if (progress.has_best_figures) {
    meta["best_dev_loss"] = round_trip(progress.best_dev_loss);
    meta["best_dev_exact_match"] = round_trip(progress.best_dev_exact_match);
  }
  for (int k = 0; k < 4; ++k) meta["rng" + std::to_string(k)] = std::to_string(progress.rng[k]);
  io::save_safetensors((dir / kStateFile).string(), tensors, meta);

  std::vector<fs::path> all = complete_checkpoints(model_dir);
  for (size_t i = 0; keep > 0 && i + keep < all.size(); ++i) fs::remove_all(all[i], ec);
}

std::string latest_checkpoint(const std::string& model_dir, std::vector<std::string>* skipped) {
  const std::vector<fs::path> all = step_folders(model_dir);
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (is_complete(*it)) return it->string();
    if (skipped)
      skipped->push_back("skipped the checkpoint " + it->string() + ": it has no " + kStateFile +
                         " (its run was stopped while saving it)");
  }
  return "";
}

TrainingProgress load_checkpoint(const std::string& checkpoint_dir, Seq2Seq& model,
                                 Optimizer& optimizer, LrSchedule& schedule) {
  const std::string state_path = (fs::path(checkpoint_dir) / kStateFile).string();
  io::SafetensorsFile state = io::load_safetensors(state_path);
  const std::string weights_path = (fs::path(checkpoint_dir) / kWeightsFile).string();
  const io::SafetensorsFile weights = io::load_safetensors(weights_path);
  const std::string advice =
      "the checkpoint is unusable (saved after its training diverged?): remove " + checkpoint_dir +
      " to resume from the checkpoint before it";
  check_tensors_finite(weights.tensors, weights_path, advice);
  check_tensors_finite(state.tensors, state_path, advice);
  io::copy_parameters(weights, weights_path, model.params());
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
  p.best_metric = parse_number<double>(m, "best_metric", state_path);
  p.has_best_figures = m.count("best_dev_loss") > 0;  // older checkpoints lack them
  if (p.has_best_figures) {
    p.best_dev_loss = parse_number<double>(m, "best_dev_loss", state_path);
    p.best_dev_exact_match = parse_number<double>(m, "best_dev_exact_match", state_path);
  }
  for (int k = 0; k < 4; ++k)
    p.rng[k] = parse_number<uint64_t>(m, "rng" + std::to_string(k), state_path);
  return p;
}

}  // namespace tandem
