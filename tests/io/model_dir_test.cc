// Tests for the model folder's checks on bad input: a file given as the folder, non-finite
// weights, and a train.model_dir that cannot become a folder.
#include "io/model_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>

#include "io/config.h"
#include "io/model_manifest.h"
#include "io/safetensors.h"
#include "io/sha256.h"
#include "support/temp_dir.h"
#include "tensor/error.h"
#include "train/trainer.h"

namespace tandem {
namespace {

using testing::error_message;
using testing::TempDir;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A model folder trained for two steps: well-formed, not good.
std::string tiny_model(const TempDir& dir) {
  dir.write("a.src", "abc\nbcd\ncde\n");
  dir.write("a.tgt", "cba\ndcb\nedc\n");
  train(load_config_string("data: {train_source: " + dir.file("a.src") +
                           ", train_target: " + dir.file("a.tgt") +
                           "}\nmodel: {embedding_size: 4, encoder: {hidden_size: 4}, decoder: "
                           "{hidden_size: 4}}\ntrain: {model_dir: " +
                           dir.file("model") + ", max_steps: 2, log_every: 100}\n"),
        false);
  return dir.file("model");
}

TEST(ModelDir, AFileIsNotAModelFolder) {
  TempDir dir;
  const std::string m = error_message([&] { load_model_dir(dir.write("f.txt", "x")); });
  EXPECT_TRUE(contains(m, "f.txt is a file, not a folder")) << m;
  EXPECT_TRUE(contains(error_message([&] { load_model_dir(dir.file("none")); }), "does not exist"));
}

// A model with NaN weights translated every line to "<pad> <pad> …" and exited 0.
TEST(ModelDir, NonFiniteWeightsAreRefusedNamingFileAndTensor) {
  TempDir dir;
  const std::string model = tiny_model(dir);
  const std::string weights = model + "/model.safetensors";
  EXPECT_NO_THROW(load_model_dir(model));
  const io::SafetensorsFile good = io::load_safetensors(weights);
  for (const float bad :
       {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    io::SafetensorsFile file = io::load_safetensors(weights);
    auto& [name, tensor] = file.tensors.back();
    tensor.data()[tensor.numel() - 1] = bad;
    io::save_safetensors(weights, file.tensors, file.metadata);
    // As a diverged training leaves it: its checksums agree with its NaN weights.
    io::write_checksums(model,
                        {"model.safetensors", "config.yaml", "source.vocab", "target.vocab"});
    const std::string m = error_message([&] { load_model_dir(model); });
    EXPECT_TRUE(contains(m, weights + ": tensor " + name + " holds a non-finite value (" +
                                (std::isnan(bad) ? "NaN" : "infinity")))
        << m;
  }
  io::save_safetensors(weights, good.tensors, good.metadata);
  io::write_checksums(model, {"model.safetensors", "config.yaml", "source.vocab", "target.vocab"});
  EXPECT_NO_THROW(load_model_dir(model));
}

// An existing file as train.model_dir failed only after the data was read, with "filesystem
// error: cannot create directories: Not a directory"; an empty one with "Invalid argument []".
TEST(ModelDir, ModelDirOptionMustBeAFolderToBe) {
  TempDir dir;
  const std::string file = dir.write("afile", "x");
  const auto message = [](const std::string& yaml) {
    return error_message([&] { check_model_dir_option(load_config_string(yaml, "c.yaml")); });
  };
  std::string m = message("train:\n  model_dir: " + file + "\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: train.model_dir: '" + file + "' is a file, not a folder"))
      << m;
  m = message("train: {model_dir: " + file + "/sub/model}\n");
  EXPECT_TRUE(contains(m, "train.model_dir: '" + file + "' is a file")) << m;
  m = message("train: {model_dir: ''}\n");
  EXPECT_TRUE(contains(m, "c.yaml:1: train.model_dir: expected the folder")) << m;
  EXPECT_NO_THROW(check_model_dir_option(
      load_config_string("train: {model_dir: " + dir.file("new/model") + "}\n")));
  EXPECT_NO_THROW(
      check_model_dir_option(load_config_string("train: {model_dir: " + dir.file("") + "}\n")));
}

TEST(ModelDir, Sha256MatchesTheStandardDigest) {
  TempDir dir;
  EXPECT_EQ(io::sha256_file(dir.write("abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(io::sha256_file(dir.write("empty", "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(contains(error_message([&] { io::sha256_file(dir.file("none")); }), "none"));
}

// A replaced vocabulary (or SentencePiece model, or config) silently changed every output.
TEST(ModelDir, AFileChangedAfterTrainingIsRefusedNamingIt) {
  TempDir dir;
  const std::string model = tiny_model(dir);
  const std::string manifest = testing::read_file(model + "/checksums.sha256");
  for (const char* name : {"config.yaml", "source.vocab", "target.vocab", "model.safetensors"})
    EXPECT_TRUE(contains(manifest, "  " + std::string(name) + "\n")) << manifest;
  // sha256sum reads it as its own.
  if (std::system("command -v sha256sum >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("cd " + model + " && sha256sum --quiet -c checksums.sha256").c_str()),
              0);
  }

  const std::string vocab = testing::read_file(model + "/source.vocab");
  std::string swapped = vocab;  // still a valid vocabulary: two ids exchanged
  const size_t a = swapped.rfind('\n', swapped.size() - 2);
  const size_t b = swapped.rfind('\n', a - 1);
  swapped = swapped.substr(0, b + 1) + swapped.substr(a + 1) + swapped.substr(b + 1, a - b);
  ASSERT_NE(swapped, vocab);
  ASSERT_EQ(swapped.size(), vocab.size());
  dir.write("model/source.vocab", swapped);
  std::string m = error_message([&] { load_model_dir(model); });
  EXPECT_TRUE(contains(m, "model folder " + model + ": source.vocab was changed after training"))
      << m;
  dir.write("model/source.vocab", vocab);
  EXPECT_NO_THROW(load_model_dir(model));

  dir.write("model/config.yaml", testing::read_file(model + "/config.yaml") + "\n");
  m = error_message([&] { load_model_dir(model); });
  EXPECT_TRUE(contains(m, "config.yaml was changed after training")) << m;

  // A folder written before the manifest existed loads as it always did.
  std::filesystem::remove(model + "/checksums.sha256");
  EXPECT_NO_THROW(load_model_dir(model));

  dir.write("model/checksums.sha256", "not a checksum line\n");
  m = error_message([&] { load_model_dir(model); });
  EXPECT_TRUE(contains(m, "checksums.sha256:1: expected '<64 hex digits>  <file name>'")) << m;
}

}  // namespace
}  // namespace tandem
