// The model folder's guards for a new or resumed run.
#include "train/run_folder.h"

#include <algorithm>

#include "io/model_dir.h"
#include "tensor/error.h"
#include "train/checkpoint.h"

namespace tandem {

namespace fs = std::filesystem;

namespace {

// "a, b, c and 4 more": the first names of a list, for a message.
std::string some_names(const std::vector<std::string>& names) {
  std::string out;
  const size_t shown = std::min<size_t>(names.size(), 6);
  for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

// `path` relative to the folder `dir` when it lies inside it ("" otherwise).
fs::path inside(const std::string& dir, const std::string& path) {
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(fs::absolute(dir), ec);
  const fs::path full = fs::weakly_canonical(fs::absolute(fs::path(dir) / path), ec);
  const fs::path rel = full.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return {};
  return rel;
}

bool is_own_name(const std::string& name) {
  for (const std::string& o : own_folder_names())
    if (name == o || name.rfind(o + ".tmp.", 0) == 0) return true;  // io/atomic_file.h's leftovers
  return false;
}

}  // namespace

std::vector<std::string> own_folder_names() {
  std::vector<std::string> own(std::begin(kModelFolderFiles), std::end(kModelFolderFiles));
  own.insert(own.end(), {kModelFolderChecksums, kCheckpointsFolder, kModelFolderLock});
  return own;
}

std::vector<fs::path> earlier_run_files(const std::string& dir,
                                        const std::vector<std::string>& log_files, bool overwrite,
                                        const TrainLabels& labels) {
  std::vector<fs::path> logs;
  for (const std::string& log : log_files)
    if (!log.empty())
      if (fs::path rel = inside(dir, log); !rel.empty()) logs.push_back(rel);
  std::vector<fs::path> own;
  std::vector<std::string> own_names, foreign;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kModelFolderLock) continue;  // this run's
    bool is_own = is_own_name(name), holds_log = false;
    for (const fs::path& log : logs) {
      if (log == name) is_own = true;
      // A log in a subfolder: the log is tandem's, the subfolder (which its user made) is not.
      if (*log.begin() == name && log != name && entry.is_directory()) {
        holds_log = true;
        std::error_code missing;  // not `ec`, which reports the listing
        if (fs::exists(fs::path(dir) / log, missing)) {
          own.push_back(fs::path(dir) / log);
          own_names.push_back(log.string());
        }
      }
    }
    if (is_own) {
      own.push_back(entry.path());
      own_names.push_back(name);
    } else if (!holds_log) {
      foreign.push_back(name);
    }
  }
  check(!ec, [&] { return "cannot list the model folder " + dir + ": " + ec.message(); });
  std::sort(own_names.begin(), own_names.end());
  std::sort(foreign.begin(), foreign.end());
  // Other files alone hold no run, and tandem's names cannot clash with them: a folder made
  // beforehand for the run's console output (`| tee DIR/train.out`) is fine.
  if (own.empty()) return {};
  check(overwrite, [&] {
    return "the model folder " + dir + " already holds a training run (" + some_names(own_names) +
           "): continue it with " + labels.resume + ", or start anew with " + labels.overwrite +
           ", which removes that run's files";
  });
  check(foreign.empty(), [&] {
    return labels.overwrite + ": the model folder " + dir + " holds files tandem did not write (" +
           some_names(foreign) +
           "), so nothing was removed: move them away, or train into another folder "
           "(train.model_dir)";
  });
  return own;
}

std::string remove_earlier_run(const std::string& dir, const std::vector<fs::path>& files,
                               const TrainLabels& labels) {
  std::vector<std::string> names;
  for (const fs::path& path : files) {
    std::error_code ec;
    fs::remove_all(path, ec);
    check(!ec, [&] {
      return labels.overwrite + ": cannot remove " + path.string() + ": " + ec.message();
    });
    names.push_back(path.lexically_relative(dir).string());
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

void check_resume_settings(const Config& saved, const Config& now, const std::string& saved_path,
                           const TrainLabels& labels) {
  std::vector<std::string> changed;
  for (const OptionSpec& spec : option_registry()) {
    const std::string& key = spec.key;
    // Dropout rates are regularisation, not shape: a resumed run may change them.
    const bool dropout = key == "model.dropout" || key == "model.embedding_dropout";
    bool shapes = (key.starts_with("model.") && !dropout) || key == "data.source_tokenizer" ||
                  key == "data.target_tokenizer" || key == "data.min_frequency" ||
                  key == "data.max_vocab_size";
    if (!shapes || saved.get_text(key) == now.get_text(key)) continue;
    changed.push_back(key + ": " + saved.get_text(key) + " -> " + now.get_text(key) + " (" +
                      now.origin(key) + ")");
  }
  check(changed.empty(), [&] {
    std::string list;
    for (const std::string& c : changed) list += "\n  " + c;
    return labels.resume + ": these settings differ from the run's (" + saved_path +
           "), and they shape the model or its vocabularies:" + list +
           "\nset them back to resume; for a new model, train with " + labels.overwrite +
           " or into another folder (train.*, decode.* and the dropout rates may change on resume)";
  });
}

}  // namespace tandem
