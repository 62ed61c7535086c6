// The model folder's guards: one training at a time (the lock), no silent reuse of a folder that
// holds a run (--overwrite), no resume with settings that shape the model, checkpoints that are
// incomplete, damaged or non-finite named, dev lines held to the training length limits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io/config.h"
#include "io/folder_lock.h"
#include "io/model_dir.h"
#include "io/safetensors.h"
#include "support/reverse_corpus.h"
#include "support/temp_dir.h"
#include "tensor/rng.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace tandem {
namespace {

namespace fs = std::filesystem;
using testing::error_message;
using testing::TempDir;


Config config_for(const TempDir& dir, const std::string& model_dir, int64_t max_steps) {
  return load_config_string(
      "data: {train_source: " + dir.file("train.src") + ", train_target: " + dir.file("train.tgt") +
          ", dev_source: " + dir.file("dev.src") + ", dev_target: " + dir.file("dev.tgt") +
          ", source_tokenizer: word, target_tokenizer: word}\n"
          "model: {cell: lstm, embedding_size: 8, encoder: {hidden_size: 8}, "
          "decoder: {hidden_size: 8}}\n"
          "train: {model_dir: " +
          model_dir + ", batch_size: 8, max_steps: " + std::to_string(max_steps) +
          ", valid_every: 2, checkpoint_every: 3, keep_checkpoints: 5, log_every: 1000, seed: 3}\n",
      "guard.yaml");
}

struct Fixture {
  TempDir dir;
  Fixture() {
    testing::write_reverse_corpus(dir, "train", 40, 1);
    testing::write_reverse_corpus(dir, "dev", 6, 2);
  }
  std::string model() const { return dir.file("m"); }
};

TEST(ModelFolderGuard, ASecondTrainingIntoAHeldFolderFailsNamingFolderAndHolder) {
  Fixture f;
  {
    const io::FolderLock held(f.model());
    const std::string m = error_message([&] { train(config_for(f.dir, f.model(), 2), false); });
    EXPECT_CONTAINS(m, "the model folder " + f.model() + " is in use by another training");
    EXPECT_CONTAINS(m, "pid " + std::to_string(getpid()) + " on host ");
    EXPECT_NE(io::folder_lock_holder(f.model()), "");
    // The refused run wrote nothing into the folder.
    EXPECT_FALSE(fs::exists(f.model() + "/config.yaml"));
  }
  EXPECT_EQ(io::folder_lock_holder(f.model()), "");
  train(config_for(f.dir, f.model(), 2), false);
  EXPECT_FALSE(fs::exists(f.model() + "/" + kModelFolderLock));  // removed when the run ends
  EXPECT_NO_THROW(load_model_dir(f.model()));
  // A lock file left by a killed run (the kernel released its lock) stops nobody.
  f.dir.write("m/train.lock", "pid 1 on host gone, since long ago\n");
  EXPECT_NO_THROW(load_model_dir(f.model()));
  EXPECT_NO_THROW(train(config_for(f.dir, f.model(), 4), true));
}

TEST(ModelFolderGuard, AFolderHoldingARunIsRefusedAndOverwriteClearsIt) {
  Fixture f;
  train(config_for(f.dir, f.model(), 7), false);  // checkpoints 3, 6, 7
  ASSERT_TRUE(fs::exists(f.model() + "/checkpoints/step-00000006"));
  const std::string m = error_message([&] { train(config_for(f.dir, f.model(), 2), false); });
  EXPECT_CONTAINS(m, "the model folder " + f.model() + " already holds a training run");
  EXPECT_CONTAINS(m, "--resume");
  EXPECT_CONTAINS(m, "--overwrite");
  EXPECT_TRUE(fs::exists(f.model() + "/checkpoints/step-00000006"));

  EXPECT_CONTAINS(error_message([&] {
                    train(config_for(f.dir, f.model(), 2), {.resume = true, .overwrite = true});
                  }),
                  "--resume and --overwrite together");

  // Files tandem did not write: --overwrite removes nothing.
  f.dir.write("m/notes.txt", "mine");
  EXPECT_CONTAINS(
      error_message([&] { train(config_for(f.dir, f.model(), 2), {.overwrite = true}); }),
      "holds files tandem did not write (notes.txt)");
  EXPECT_TRUE(fs::exists(f.model() + "/checkpoints/step-00000006"));
  fs::remove(f.model() + "/notes.txt");

  ::testing::internal::CaptureStderr();
  train(config_for(f.dir, f.model(), 2), {.overwrite = true});
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_CONTAINS(said, "--overwrite: removed the earlier run's checkpoints, ");
  EXPECT_FALSE(fs::exists(f.model() + "/checkpoints/step-00000006"));
  EXPECT_TRUE(fs::exists(f.model() + "/checkpoints/step-00000002"));
  // --resume now continues the new run, not the old one.
  EXPECT_EQ(latest_checkpoint(f.model()), f.model() + "/checkpoints/step-00000002");

  // A folder that holds other files only (made beforehand for `| tee DIR/train.out`) holds no
  // run: training goes ahead, and leaves them alone.
  fs::create_directories(f.dir.file("other"));
  f.dir.write("other/train.out", "x");
  EXPECT_NO_THROW(train(config_for(f.dir, f.dir.file("other"), 2), false));
  EXPECT_EQ(testing::read_file(f.dir.file("other/train.out")), "x");
  // An empty folder is fine.
  fs::create_directories(f.dir.file("empty"));
  EXPECT_NO_THROW(train(config_for(f.dir, f.dir.file("empty"), 2), false));
}

TEST(ModelFolderGuard, ResumeRefusesSettingsThatShapeTheModelAndAllowsTrainSettings) {
  Fixture f;
  train(config_for(f.dir, f.model(), 3), false);
  Config changed = config_for(f.dir, f.model(), 6);
  changed.set("model.cell", "gru", "--set");
  changed.set("data.source_tokenizer", "char", "--set");
  changed.set("data.max_vocab_size", "5", "--set");
  const std::string m = error_message([&] { train(changed, true); });
  EXPECT_CONTAINS(m, "model.cell: lstm -> gru (--set)");
  EXPECT_CONTAINS(m, "data.source_tokenizer: word -> char (--set)");
  EXPECT_CONTAINS(m, "data.max_vocab_size: 0 -> 5");
  EXPECT_EQ(m.find("train.max_steps"), std::string::npos) << m;

  Config allowed = config_for(f.dir, f.model(), 6);
  allowed.set("train.learning_rate", "0.0005", "--set");
  allowed.set("decode.beam_size", "3", "--set");
  allowed.set("model.dropout", "0.3", "--set");  // regularisation, not shape
  EXPECT_NO_THROW(train(allowed, true));
  // The folder's config is the one the model was last trained with.
  const Config saved = load_config(f.model() + "/config.yaml");
  EXPECT_EQ(saved.get_float("train.learning_rate"), 0.0005);
  EXPECT_EQ(saved.get_int("decode.beam_size"), 3);
  EXPECT_EQ(saved.get_float("model.dropout"), 0.3);
  EXPECT_NO_THROW(load_model_dir(f.model()));  // the checksums follow the new config
}

// After a resume without a new best, the summary said "best model: dev loss 0.0000".
TEST(ModelFolderGuard, AResumedRunReportsTheBestModelsRealFigures) {
  Fixture f;
  const TrainSummary first = train(config_for(f.dir, f.model(), 4), false);
  ASSERT_TRUE(first.validated && first.best_known);
  ASSERT_GT(first.best_dev_loss, 0.0);
  // A learning rate too small to move a weight: no validation can beat the best.
  Config still = config_for(f.dir, f.model(), 5);
  still.set("train.learning_rate", "1e-30", "test");
  const TrainSummary resumed = train(still, true);
  EXPECT_TRUE(resumed.validated);
  EXPECT_TRUE(resumed.best_known);
  EXPECT_EQ(resumed.best_dev_loss, first.best_dev_loss);
  EXPECT_EQ(resumed.best_dev_exact_match, first.best_dev_exact_match);

  // A checkpoint written before the figures were kept still resumes; they are then unknown.
  const std::string state = latest_checkpoint(f.model()) + "/state.safetensors";
  io::SafetensorsFile file = io::load_safetensors(state);
  file.metadata.erase("best_dev_loss");
  file.metadata.erase("best_dev_exact_match");
  io::save_safetensors(state, file.tensors, file.metadata);
  still.set("train.max_steps", "6", "test");
  const TrainSummary old = train(still, true);
  EXPECT_TRUE(old.validated);
  EXPECT_FALSE(old.best_known);
}

TEST(ModelFolderGuard, ACheckpointWithoutStateIsSkippedWithAMessage) {
  Fixture f;
  train(config_for(f.dir, f.model(), 7), false);  // checkpoints 3, 6, 7
  fs::remove(f.model() + "/checkpoints/step-00000007/state.safetensors");
  std::vector<std::string> skipped;
  EXPECT_EQ(latest_checkpoint(f.model(), &skipped), f.model() + "/checkpoints/step-00000006");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_CONTAINS(skipped[0], "step-00000007: it has no state.safetensors");
  ::testing::internal::CaptureStderr();
  const TrainSummary s = train(config_for(f.dir, f.model(), 8), true);
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_CONTAINS(said, "skipped the checkpoint " + f.model() + "/checkpoints/step-00000007");
  EXPECT_CONTAINS(said, "resuming at step 6");
  EXPECT_EQ(s.steps, 8);
}

TEST(ModelFolderGuard, DamagedOrNonFiniteCheckpointsAreNamed) {
  Fixture f;
  train(config_for(f.dir, f.model(), 3), false);
  const std::string ckpt = f.model() + "/checkpoints/step-00000003";
  const std::string state = ckpt + "/state.safetensors";
  const io::SafetensorsFile good = io::load_safetensors(state);
  const std::string good_state = testing::read_file(state);

  // "error: stod" named neither the file nor the field.
  for (const auto& [key, value] :
       {std::pair{"best_metric", "abc"}, {"step", "3x"}, {"rng2", "-"}}) {
    io::SafetensorsFile bad = good;
    bad.metadata[key] = value;
    io::save_safetensors(state, bad.tensors, bad.metadata);
    const std::string m = error_message([&] { train(config_for(f.dir, f.model(), 5), true); });
    EXPECT_CONTAINS(m, state + ": the checkpoint state's '" + std::string(key) + "' is not");
  }
  io::save_safetensors(state, good.tensors, good.metadata);

  // NaN weights or optimiser moments were reported as a divergence at the first step.
  const std::string weights = ckpt + "/model.safetensors";
  const std::string good_weights = testing::read_file(weights);
  io::SafetensorsFile nan_weights = io::load_safetensors(weights);
  nan_weights.tensors[0].second.data()[0] = std::numeric_limits<float>::quiet_NaN();
  io::save_safetensors(weights, nan_weights.tensors, nan_weights.metadata);
  std::string m = error_message([&] { train(config_for(f.dir, f.model(), 5), true); });
  EXPECT_CONTAINS(
      m, weights + ": tensor " + nan_weights.tensors[0].first + " holds a non-finite value (NaN");
  EXPECT_CONTAINS(m, "remove " + ckpt);
  f.dir.write("m/checkpoints/step-00000003/model.safetensors", good_weights);

  io::SafetensorsFile inf_state = io::load_safetensors(state);  // tensors share their buffers
  inf_state.tensors[0].second.data()[0] = std::numeric_limits<float>::infinity();
  io::save_safetensors(state, inf_state.tensors, inf_state.metadata);
  m = error_message([&] { train(config_for(f.dir, f.model(), 5), true); });
  EXPECT_CONTAINS(
      m, state + ": tensor " + inf_state.tensors[0].first + " holds a non-finite value (infinity");
  f.dir.write("m/checkpoints/step-00000003/state.safetensors", good_state);
  EXPECT_NO_THROW(train(config_for(f.dir, f.model(), 5), true));
}

// A 1 MB dev line made every validation take 15 s; dev lines now obey the training limits.
// A run killed between renaming its new best weights into place and writing the checksums
// leaves weights the manifest does not list: loading says how to mend it, and resuming (which
// reads the checkpoint's weights, not the folder's) goes ahead and writes the checksums anew.
TEST(ModelFolderGuard, WeightsSavedWithoutTheirChecksumsAreMendedByResuming) {
  Fixture f;
  train(config_for(f.dir, f.model(), 6), false);  // checkpoints 3 and 6
  fs::copy_file(f.model() + "/checkpoints/step-00000003/model.safetensors",
                f.model() + "/model.safetensors", fs::copy_options::overwrite_existing);
  const std::string m = error_message([&] { load_model_dir(f.model()); });
  EXPECT_CONTAINS(m, "model.safetensors was changed after training");
  EXPECT_CONTAINS(m, "tandem train --resume, writes the checksums again");
  EXPECT_NO_THROW(train(config_for(f.dir, f.model(), 8), true));
  EXPECT_NO_THROW(load_model_dir(f.model()));
  // A changed vocabulary is still refused by a resume, and its message says nothing of resuming.
  f.dir.write("m/source.vocab", "<pad>\n<unk>\n<s>\n</s>\nz\n");
  const std::string vocab = error_message([&] { train(config_for(f.dir, f.model(), 10), true); });
  EXPECT_CONTAINS(vocab, "source.vocab was changed after training");
  EXPECT_EQ(vocab.find("--resume, writes"), std::string::npos) << vocab;
}

TEST(ModelFolderGuard, DevPairsBeyondTheLengthLimitsAreDroppedAndCounted) {
  Fixture f;
  std::string long_line;
  for (int i = 0; i < 150; ++i) long_line += "a ";
  f.dir.write("dev.src", "a b\n" + long_line + "\nc d e\n");
  f.dir.write("dev.tgt", "b a\na\ne d c\n");
  Config config = config_for(f.dir, f.model(), 2);
  const TrainingData data = load_training_data(config);
  EXPECT_EQ(data.dev.size(), 2u);
  EXPECT_EQ(data.dev_dropped_by_length, 1);
  EXPECT_EQ(data.dev_target_text.at(data.dev[1].index), "e d c");
  config.set("data.max_target_length", "2", "test");
  EXPECT_EQ(load_training_data(config).dev.size(), 1u);
  ::testing::internal::CaptureStderr();
  train(config, false);
  EXPECT_CONTAINS(::testing::internal::GetCapturedStderr(), "1 dev (2 dropped by length limits)");
}

}  // namespace
}  // namespace tandem
