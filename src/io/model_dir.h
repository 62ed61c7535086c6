// The model folder on disk: config.yaml, the vocabularies and model.safetensors, read and
// written as one unit.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "autodiff/graph.h"
#include "data/tokenizer.h"
#include "data/vocab.h"
#include "io/options.h"
#include "model/seq2seq.h"

namespace tandem {

// The format of the folder; bumped when a change makes old folders unreadable.
inline constexpr int kModelFormatVersion = 1;

// A loaded model with everything needed to translate.
struct LoadedModel {
  Config config;
  data::Vocab source_vocab, target_vocab;
  std::unique_ptr<data::Tokenizer> source_tokenizer, target_tokenizer;
  std::unique_ptr<Seq2Seq> model;
  // What decoding keeps between calls (see translate_lines).
  struct Workspace {
    PackedWeights packed_weights;  // made on first use: a loaded model's weights never change
    std::mutex mutex;              // guards graph
    Graph graph;                   // its arena keeps its peak size from call to call
  };
  std::unique_ptr<Workspace> workspace = std::make_unique<Workspace>();
};

// What a model folder holds besides the weights.
struct ModelFiles {
  const Config& config;
  const data::Vocab &source_vocab, &target_vocab;
  const data::Tokenizer &source_tokenizer, &target_tokenizer;
};

// The files save_model_dir writes into a model folder (the .spm ones only for spm tokenizers).
inline constexpr const char* kModelFolderFiles[] = {
    "config.yaml", "source.vocab", "target.vocab", "model.safetensors", "source.spm", "target.spm"};
// The folder's other files: the SHA-256 of each file above in sha256sum's format (written after
// them), and the lock a training holds while it writes into the folder (io/folder_lock.h).
inline constexpr const char* kModelFolderChecksums = "checksums.sha256";
inline constexpr const char* kModelFolderLock = "train.lock";

// Checks that train.model_dir names a folder that can be made or used, before training reads its
// data: an empty value, or a path through an existing file, is an error naming the key and where
// it was set.
void check_model_dir_option(const Config& config);

// Writes config.yaml, source.vocab, target.vocab, the SentencePiece models of spm tokenizers
// (source.spm, target.spm) and model.safetensors into `dir` (created if missing), each
// atomically; the weights go last, so a folder with weights is complete; then the checksums.
void save_model_dir(const std::string& dir, const ModelFiles& files, const Seq2Seq& model);
// Rewrite one piece of a folder save_model_dir wrote, then its checksums: a training's later
// best models, and a resumed run's config (its train.* and decode.* settings may change).
void save_model_dir_weights(const std::string& dir, const Seq2Seq& model);
void save_model_dir_config(const std::string& dir, const Config& config);
// The folder's copy of a side's ("source" or "target") SentencePiece model: DIR/SIDE.spm.
std::string model_dir_spm_file(const std::string& dir, const std::string& side);
// Writes only the weights (a checkpoint of a model whose other files are in place).
void save_model_weights(const std::string& path, const Seq2Seq& model);

// Reads a folder written by save_model_dir; spm tokenizers load the folder's copies of their
// SentencePiece models, whatever data.*_spm_model says. Errors name the folder and the missing or
// bad piece: no such folder (or a file), a missing file, a file whose SHA-256 is not the one
// checksums.sha256 recorded (a folder without it loads as before), a format version this build
// does not read, weights that do not fit the configuration or that are not finite (NaN,
// infinity). The lock file is no part of the model: a folder being trained into loads.
LoadedModel load_model_dir(const std::string& dir);

// A NaN or infinite value in `tensors` is an error naming `path`, the tensor and the element,
// followed by `advice`.
void check_tensors_finite(const std::vector<std::pair<std::string, Tensor>>& tensors,
                          const std::string& path, const std::string& advice);

}  // namespace tandem
