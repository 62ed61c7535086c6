// The model folder: saving each piece atomically, loading with errors that name the piece.
#include "io/model_dir.h"

#include <cmath>
#include <filesystem>
#include <future>

#include "io/atomic_file.h"
#include "io/config.h"
#include "io/folder_lock.h"
#include "io/model_manifest.h"
#include "io/safetensors.h"
#include "tensor/error.h"

namespace tandem {

namespace fs = std::filesystem;

std::string model_dir_spm_file(const std::string& dir, const std::string& side) {
  return (fs::path(dir) / (side + ".spm")).string();  // kModelFolderFiles' last two
}

namespace {

const char* kConfigFile = kModelFolderFiles[0];
const char* kSourceVocabFile = kModelFolderFiles[1];
const char* kTargetVocabFile = kModelFolderFiles[2];
const char* kWeightsFile = kModelFolderFiles[3];

void save_tokenizer(const std::string& dir, const std::string& side,
                    const data::Tokenizer& tokenizer) {
  const std::string bytes = tokenizer.model_bytes();
  if (bytes.empty()) return;
  io::write_file_atomically(model_dir_spm_file(dir, side),
                            [&](std::ostream& os) { os.write(bytes.data(), bytes.size()); });
}

std::unique_ptr<data::Tokenizer> load_tokenizer(const std::string& dir, const Config& config,
                                                const std::string& side) {
  const std::string& kind = config.get_string("data." + side + "_tokenizer");
  if (kind != "spm") return data::make_tokenizer(kind);
  const std::string path = model_dir_spm_file(dir, side);
  check(fs::exists(path), [&] {
    return "model folder " + dir + " has no " + side + ".spm (its config says data." + side +
           "_tokenizer: spm)";
  });
  return data::make_tokenizer(kind, path);
}

io::Metadata weights_metadata() {
  return {{"format", "tandem"}, {"format_version", std::to_string(kModelFormatVersion)}};
}

void write_folder_checksums(const std::string& dir) {
  io::write_checksums(dir, {std::begin(kModelFolderFiles), std::end(kModelFolderFiles)});
}

}  // namespace

void check_tensors_finite(const std::vector<std::pair<std::string, Tensor>>& tensors,
                          const std::string& path, const std::string& advice) {
  for (const auto& [name, tensor] : tensors) {
    const float* data = tensor.data();
    for (int64_t i = 0; i < tensor.numel(); ++i) {
      check(std::isfinite(data[i]), [&] {
        return path + ": tensor " + name + " holds a non-finite value (" +
               (std::isnan(data[i]) ? "NaN" : "infinity") + " at element " + std::to_string(i) +
               "); " + advice;
      });
    }
  }
}

void save_model_weights(const std::string& path, const Seq2Seq& model) {
  io::save_parameters(path, model.params(), weights_metadata());
}

void check_model_dir_option(const Config& config) {
  const std::string& dir = config.get_string("train.model_dir");
  const std::string& origin = config.origin("train.model_dir");
  const std::string where = (origin == "default" ? "" : origin + ": ") + "train.model_dir: ";
  check(!dir.empty(),
        [&] { return where + "expected the folder to write the model to, got an empty value"; });
  // Creating the folder fails, after all the data has been read, if a part of its path that
  // already exists is a file; the first existing part decides.
  for (fs::path part = dir; !part.empty(); part = part.parent_path()) {
    std::error_code ec;
    if (!fs::exists(part, ec)) {
      if (part == part.parent_path()) break;
      continue;
    }
    check(fs::is_directory(part, ec), [&] {
      return where + "'" + part.string() + "' is a file, not a folder; the model folder " + dir +
             " cannot be made";
    });
    break;
  }
}

void save_model_dir(const std::string& dir, const ModelFiles& files, const Seq2Seq& model) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  check(!ec, [&] { return "cannot create the model folder " + dir + ": " + ec.message(); });
  save_config((fs::path(dir) / kConfigFile).string(), files.config);
  files.source_vocab.save((fs::path(dir) / kSourceVocabFile).string());
  files.target_vocab.save((fs::path(dir) / kTargetVocabFile).string());
  save_tokenizer(dir, "source", files.source_tokenizer);
  save_tokenizer(dir, "target", files.target_tokenizer);
  save_model_weights((fs::path(dir) / kWeightsFile).string(), model);
  write_folder_checksums(dir);
}

void save_model_dir_weights(const std::string& dir, const Seq2Seq& model) {
  save_model_weights((fs::path(dir) / kWeightsFile).string(), model);
  write_folder_checksums(dir);
}

void save_model_dir_config(const std::string& dir, const Config& config) {
  save_config((fs::path(dir) / kConfigFile).string(), config);
  write_folder_checksums(dir);
}

namespace {

// The folder's pieces, read and checked (load_model_dir has seen that they exist).
LoadedModel read_model_dir(const std::string& dir) {
  const std::string weights = (fs::path(dir) / kWeightsFile).string();
  io::SafetensorsFile file = io::load_safetensors(weights);
  auto format = file.metadata.find("format_version");
  check(file.metadata.count("format") && file.metadata.at("format") == "tandem" &&
            format != file.metadata.end(),
        [&] { return weights + " was not written by tandem (no tandem format in its metadata)"; });
  check(format->second == std::to_string(kModelFormatVersion), [&] {
    return weights + " has model format version " + format->second + "; this tandem reads " +
           std::to_string(kModelFormatVersion);
  });

  LoadedModel loaded;
  loaded.config = load_config((fs::path(dir) / kConfigFile).string());
  loaded.source_vocab = data::Vocab::load((fs::path(dir) / kSourceVocabFile).string());
  loaded.target_vocab = data::Vocab::load((fs::path(dir) / kTargetVocabFile).string());
  loaded.source_tokenizer = load_tokenizer(dir, loaded.config, "source");
  loaded.target_tokenizer = load_tokenizer(dir, loaded.config, "target");
  loaded.model = std::make_unique<Seq2Seq>(
      model_config_from(loaded.config, loaded.source_vocab.size(), loaded.target_vocab.size()));
  check_tensors_finite(file.tensors, weights, "the model is unusable (did its training diverge?)");
  io::copy_parameters(file, weights, loaded.model->params());  // the file is read once
  return loaded;
}

}  // namespace

LoadedModel load_model_dir(const std::string& dir) {
  check(fs::exists(dir), [&] { return "model folder " + dir + " does not exist"; });
  check(fs::is_directory(dir), [&] {
    return "model folder " + dir + " is a file, not a folder (give the folder tandem train wrote)";
  });
  for (const char* piece : {kConfigFile, kSourceVocabFile, kTargetVocabFile, kWeightsFile})
    check(fs::exists(fs::path(dir) / piece), [&] {
      return "model folder " + dir + " has no " + piece +
             " (a model folder holds config.yaml, source.vocab, target.vocab and "
             "model.safetensors, as tandem train writes them)";
    });
  // The checksums are checked beside the reading (hashing is most of the cost of loading a
  // model that is in the page cache); a changed file explains a failed reading best, so its
  // error wins.
  std::future<void> verified = std::async(std::launch::async, [&] {
    io::verify_checksums(dir, [&](const std::string& name) {
      const std::string holder = io::folder_lock_holder(dir);
      if (!holder.empty())
        return " (a training is writing into this folder now, " + holder +
               ": if it was saving a better model, load again)";
      // A training killed while it saved its best model leaves new weights beside the
      // checksums of the ones before: resuming it writes them anew.
      if (name != kWeightsFile) return std::string();
      return std::string(" (if its training was stopped while saving the model, resuming it, ") +
             "tandem train --resume, writes the checksums again)";
    });
  });
  LoadedModel loaded;
  try {
    loaded = read_model_dir(dir);
  } catch (...) {
    verified.get();
    throw;
  }
  verified.get();
  return loaded;
}

}  // namespace tandem
