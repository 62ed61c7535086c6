// What a training may do with the model folder it is given: start a new run only in an empty
// folder (or, with --overwrite, in one holding an earlier run, whose files it removes), and
// resume only with the settings that shaped the folder's model and vocabularies.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "io/options.h"
#include "train/train_labels.h"

namespace tandem {

// The names tandem gives the entries of a model folder: its files, the checksums, the checkpoints
// folder and the lock.
std::vector<std::string> own_folder_names();

// The files of an earlier run in a folder a new run is to use: what tandem writes there (its
// model files, checksums, checkpoints, the training logs that `log_files` name: this run's and
// the earlier run's train.log_file). None: the folder is new, empty or holds other files only,
// which the run leaves alone. Some: without overwrite, an error saying what to do; with it, the
// folder must hold nothing else (anything else is an error naming it, and nothing is removed:
// a user's config.yaml in a folder given by mistake must not go with the run's files).
std::vector<std::filesystem::path> earlier_run_files(const std::string& dir,
                                                     const std::vector<std::string>& log_files,
                                                     bool overwrite,
                                                     const TrainLabels& labels = {});

// Removes what earlier_run_files found; returns the names removed, for the message.
std::string remove_earlier_run(const std::string& dir,
                               const std::vector<std::filesystem::path>& files,
                               const TrainLabels& labels = {});

// The keys whose values shape the model or its vocabularies (model.*, the tokenizers and, for
// spm tokenizers, their models, the vocabulary limits): those that differ between the folder's
// saved config and `now` are an error naming each with both values. `saved_path` names the
// saved config in the message.
void check_resume_settings(const Config& saved, const Config& now, const std::string& saved_path,
                           const TrainLabels& labels = {});

}  // namespace tandem
