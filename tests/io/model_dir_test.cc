// Tests for the model folder's checks on bad input: a file given as the folder, non-finite
// weights, and a train.model_dir that cannot become a folder.
#include "io/model_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "io/config.h"
#include "io/safetensors.h"
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
    const std::string m = error_message([&] { load_model_dir(model); });
    EXPECT_TRUE(contains(m, weights + ": tensor " + name + " holds a non-finite value (" +
                                (std::isnan(bad) ? "NaN" : "infinity")))
        << m;
  }
  io::save_safetensors(weights, good.tensors, good.metadata);
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

}  // namespace
}  // namespace tandem
