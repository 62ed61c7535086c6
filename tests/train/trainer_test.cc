// The training loop end to end on a tiny reverse task written to files: resume continues
// exactly, the model folder is complete and loadable, bad folders, settings and data give clear
// errors and leave no untrained model.
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "api/translate_lines.h"
#include "data/spm_trainer.h"
#include "io/config.h"
#include "io/model_dir.h"
#include "io/model_manifest.h"
#include "io/safetensors.h"
#include "kernels/cpu/gemm.h"
#include "support/reverse_corpus.h"
#include "support/temp_dir.h"
#include "train/training_data.h"

namespace tandem {
namespace {

using testing::TempDir;

// The Error's message must mention `part`.
#define EXPECT_THAT_ERROR(f, part) \
  EXPECT_NE(testing::error_message(f).find(part), std::string::npos) << "wanted: " << part

Config tiny_config(const TempDir& dir, const std::string& model_dir, int64_t max_steps) {
  return load_config_string(
      "data: {train_source: " + dir.file("train.src") + ", train_target: " + dir.file("train.tgt") +
          ", dev_source: " + dir.file("dev.src") + ", dev_target: " + dir.file("dev.tgt") +
          ", source_tokenizer: word, target_tokenizer: word}\n"
          "model: {cell: lstm, embedding_size: 8, encoder: {hidden_size: 8}, "
          "decoder: {hidden_size: 16}, attention: luong-general, input_feeding: true, "
          "dropout: 0.2}\n"
          "train: {model_dir: " +
          model_dir + ", batch_size: 16, max_steps: " + std::to_string(max_steps) +
          ", valid_every: 4, checkpoint_every: 5, keep_checkpoints: 2, log_every: 1000, "
          "teacher_forcing: 0.7, lr_schedule: plateau, plateau_patience: 1, seed: 5}\n",
      "tiny.yaml");
}

TEST(Trainer, ResumeContinuesBitForBit) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 100, 1);  // 7 batches an epoch: resume crosses epochs
  testing::write_reverse_corpus(dir, "dev", 20, 2);
  // Uninterrupted: 17 steps. Interrupted: 8 steps (a checkpoint at 5 and one at the end, 8),
  // then resumed to 17. Dropout and scheduled sampling draw from the training Rng, and the
  // plateau schedule has state: all of it must come back.
  train(tiny_config(dir, dir.file("a"), 17), false);
  train(tiny_config(dir, dir.file("b"), 8), false);
  const TrainSummary resumed = train(tiny_config(dir, dir.file("b"), 17), true);
  EXPECT_EQ(resumed.steps, 17);
  const auto last_a =
      io::load_safetensors(dir.file("a/checkpoints/step-00000017/model.safetensors"));
  const auto last_b =
      io::load_safetensors(dir.file("b/checkpoints/step-00000017/model.safetensors"));
  ASSERT_EQ(last_a.tensors.size(), last_b.tensors.size());
  for (size_t i = 0; i < last_a.tensors.size(); ++i) {
    const Tensor& x = last_a.tensors[i].second;
    const Tensor& y = last_b.tensors[i].second;
    ASSERT_EQ(x.shape(), y.shape());
    EXPECT_EQ(0, std::memcmp(x.data(), y.data(), x.numel() * sizeof(float)))
        << last_a.tensors[i].first << " differs";
  }
  // keep_checkpoints: 2 leaves the last two.
  int folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("b/checkpoints"))) {
    (void)e;
    ++folders;
  }
  EXPECT_EQ(folders, 2);
}

TEST(Trainer, ModelFolderLoadsAndTranslatesEmptyLinesToEmptyLines) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 60, 3);
  testing::write_reverse_corpus(dir, "dev", 10, 4);
  train(tiny_config(dir, dir.file("m"), 6), false);
  LoadedModel m = load_model_dir(dir.file("m"));
  BeamOptions options;
  options.search.keep_attention = true;
  for (int64_t beam : {1, 3}) {
    options.beam_size = beam;
    const auto out = translate_lines(m, {"a b", "", "c"}, 2, options);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].outputs.at(0).text, "");
    ASSERT_FALSE(out[0].outputs.at(0).attention.empty());
    EXPECT_EQ(out[0].outputs[0].attention[0].size(), 2u);  // one weight per source token
    // The Pharaoh alignment has one pair per output token before </s>.
    const std::string alignment = format_alignment(out[0].outputs[0]);
    const size_t pairs =
        alignment.empty() ? 0 : std::count(alignment.begin(), alignment.end(), ' ') + 1;
    EXPECT_EQ(pairs, out[0].outputs[0].tokens.size() - 1) << alignment;
  }
}

// Every line gets an output, also when decode.min_length exceeds a line's length limit: lines
// are never dropped from the batches, with greedy search or beam search.
TEST(Trainer, EveryLineIsTranslatedWhenMinLengthExceedsTheLengthLimit) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 15);
  testing::write_reverse_corpus(dir, "dev", 5, 16);
  train(tiny_config(dir, dir.file("m"), 2), false);
  const LoadedModel m = load_model_dir(dir.file("m"));
  const std::vector<std::string> lines = {"a", "a b c d e f", "", "b", "c d"};
  BeamOptions options;
  options.min_length = 15;  // beyond 2·1 + 10 for one-word lines
  for (int64_t beam : {1, 2}) {
    options.beam_size = beam;
    const auto out = translate_lines(m, lines, 2, options);
    ASSERT_EQ(out.size(), lines.size());
    for (size_t i = 0; i < out.size(); ++i)
      EXPECT_EQ(out[i].outputs.size(), 1u) << "beam " << beam << ", line " << i;
  }
}

// With two threads, translate_lines decodes whole batches side by side (one worker each, where
// the packed kernel runs the products): every output, score and attention weight is the same
// as on one thread.
TEST(Trainer, TranslationIsTheSameOnOneOrTwoThreads) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 60, 5);
  testing::write_reverse_corpus(dir, "dev", 10, 6);
  train(tiny_config(dir, dir.file("m"), 6), false);
  const LoadedModel m = load_model_dir(dir.file("m"));
  std::vector<std::string> lines = {"a b", "", "f e d c b a"};
  for (int i = 0; i < 25; ++i) lines.push_back(std::string(1, 'a' + i % 6) + " c");
  BeamOptions options;
  options.search.keep_attention = true;
  const int threads_before = kernels::gemm_threads();
  for (int64_t beam : {1, 3}) {
    options.beam_size = beam;
    kernels::set_gemm_threads(1);
    const auto one = translate_lines(m, lines, 4, options);  // 7 batches
    kernels::set_gemm_threads(2);
    const auto two = translate_lines(m, lines, 4, options);
    ASSERT_EQ(one.size(), two.size());
    for (size_t i = 0; i < one.size(); ++i) {
      ASSERT_EQ(one[i].outputs.size(), two[i].outputs.size()) << "line " << i;
      for (size_t k = 0; k < one[i].outputs.size(); ++k) {
        EXPECT_EQ(one[i].outputs[k].text, two[i].outputs[k].text) << "line " << i;
        EXPECT_EQ(one[i].outputs[k].score, two[i].outputs[k].score) << "line " << i;
        EXPECT_EQ(one[i].outputs[k].attention, two[i].outputs[k].attention) << "line " << i;
      }
    }
  }
  kernels::set_gemm_threads(threads_before);
}

TEST(Trainer, ARunShorterThanTheValidationIntervalStillLeavesItsTrainedModel) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 40, 13);
  testing::write_reverse_corpus(dir, "dev", 5, 14);
  Config config = tiny_config(dir, dir.file("m"), 3);
  config.set("train.valid_every", "500", "test");
  const TrainSummary s = train(config, false);
  EXPECT_TRUE(s.validated);  // after the last step
  const auto folder = io::load_safetensors(dir.file("m/model.safetensors"));
  const auto last = io::load_safetensors(dir.file("m/checkpoints/step-00000003/model.safetensors"));
  ASSERT_EQ(folder.tensors.size(), last.tensors.size());
  for (size_t i = 0; i < folder.tensors.size(); ++i) {
    const Tensor& x = folder.tensors[i].second;
    const Tensor& y = last.tensors[i].second;
    EXPECT_EQ(0, std::memcmp(x.data(), y.data(), x.numel() * sizeof(float)))
        << folder.tensors[i].first << " is not the trained value";
  }
}

TEST(Trainer, ValidatesByAMetricOfTheDecodedDevSet) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 60, 9);
  testing::write_reverse_corpus(dir, "dev", 10, 10);
  for (const char* metric : {"bleu", "chrf", "wer", "exact"}) {
    Config config = tiny_config(dir, dir.file(std::string("v_") + metric), 8);
    config.set("train.valid_metric", metric, "test");
    config.set("decode.beam_size", "3", "test");
    const TrainSummary s = train(config, false);
    EXPECT_TRUE(s.validated) << metric;
    EXPECT_TRUE(
        std::filesystem::exists(dir.file(std::string("v_") + metric + "/model.safetensors")));
  }
}

TEST(Trainer, ResumeWithoutCheckpointIsAnError) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 20, 5);
  testing::write_reverse_corpus(dir, "dev", 5, 6);
  EXPECT_THAT_ERROR([&] { train(tiny_config(dir, dir.file("none"), 5), true); }, "no checkpoint");
}

TEST(ModelDir, MissingPieceOrWrongVersionIsAnErrorNamingIt) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 7);
  testing::write_reverse_corpus(dir, "dev", 5, 8);
  train(tiny_config(dir, dir.file("m"), 2), false);
  std::filesystem::copy(dir.file("m"), dir.file("no_vocab"),
                        std::filesystem::copy_options::recursive);
  std::filesystem::remove(dir.file("no_vocab/target.vocab"));
  EXPECT_THAT_ERROR([&] { load_model_dir(dir.file("no_vocab")); }, "target.vocab");
  EXPECT_THAT_ERROR([&] { load_model_dir(dir.file("nowhere")); }, "does not exist");
  // A folder from a future format version.
  io::SafetensorsFile weights = io::load_safetensors(dir.file("m/model.safetensors"));
  weights.metadata["format_version"] = "99";
  io::save_safetensors(dir.file("m/model.safetensors"), weights.tensors, weights.metadata);
  io::write_checksums(dir.file("m"), {"model.safetensors"});  // as that version would write them
  EXPECT_THAT_ERROR([&] { load_model_dir(dir.file("m")); }, "version 99");
}

TEST(ModelDir, FolderWithSentencePieceModelsIsSelfContainedAndTranslatesIdentically) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 60, 11);
  testing::write_reverse_corpus(dir, "dev", 10, 12);
  data::SpmTrainOptions spm;
  spm.type = "bpe";
  spm.vocab_size = 12;
  spm.character_coverage = 1.0;
  const std::string spm_bytes =
      data::train_sentencepiece({dir.file("train.src"), dir.file("train.tgt")}, spm);
  dir.write("joint.spm.model", spm_bytes);
  Config config = tiny_config(dir, dir.file("m"), 6);
  for (const std::string side : {"source", "target"}) {
    config.set("data." + side + "_tokenizer", "spm", "test");
    config.set("data." + side + "_spm_model", dir.file("joint.spm.model"), "test");
  }
  train(config, false);

  BeamOptions options;
  options.beam_size = 3;
  options.n_best = 2;
  const std::vector<std::string> lines = {"a b c", "f e", "", "d d a b"};
  const auto before = translate_lines(load_model_dir(dir.file("m")), lines, 2, options);
  // Moved elsewhere, and without the SentencePiece model the config names, the folder still
  // holds everything needed: the same outputs, the same scores.
  std::filesystem::copy(dir.file("m"), dir.file("moved"), std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(dir.file("m"));
  std::filesystem::remove(dir.file("joint.spm.model"));
  const auto after = translate_lines(load_model_dir(dir.file("moved")), lines, 2, options);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].source_tokens, after[i].source_tokens);
    ASSERT_EQ(before[i].outputs.size(), after[i].outputs.size());
    for (size_t k = 0; k < before[i].outputs.size(); ++k) {
      EXPECT_EQ(before[i].outputs[k].text, after[i].outputs[k].text);
      EXPECT_EQ(before[i].outputs[k].score, after[i].outputs[k].score);
      // Plain text out: the pieces' "▁" markers became spaces.
      EXPECT_EQ(before[i].outputs[k].text.find("\xE2\x96\x81"), std::string::npos);
    }
  }
  EXPECT_EQ(testing::read_file(dir.file("moved/source.spm")), spm_bytes);

  std::filesystem::remove(dir.file("moved/target.spm"));
  EXPECT_THAT_ERROR([&] { load_model_dir(dir.file("moved")); }, "has no target.spm");
  config.set("data.source_spm_model", "", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "data.source_spm_model is not set");
}

// A missing data file is named by its key; a model folder that cannot be made fails before the
// data is read, also when train() is called as a library.
TEST(Trainer, MissingFilesAndBadModelFoldersNameTheirKeys) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 19);
  testing::write_reverse_corpus(dir, "dev", 5, 20);
  Config config = tiny_config(dir, dir.file("m"), 2);
  config.set("data.dev_target", dir.file("missing.tgt"), "test");
  EXPECT_THAT_ERROR([&] { train(config, false); },
                    "data.dev_target: " + dir.file("missing.tgt") + " does not exist");
  config = tiny_config(dir, dir.file("train.src") + "/m", 2);  // a path through a file
  EXPECT_THAT_ERROR([&] { train(config, false); }, "train.model_dir");
}

// The options that act on validations are errors without a dev set, not silently idle.
TEST(Trainer, ValidationOptionsNeedADevSet) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 21);
  testing::write_reverse_corpus(dir, "dev", 5, 22);
  Config config = tiny_config(dir, dir.file("m"), 2);  // lr_schedule: plateau
  config.set("data.dev_source", "", "test");
  config.set("data.dev_target", "", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); },
                    "train.lr_schedule: plateau acts on validations");
  config.set("train.lr_schedule", "constant", "test");
  config.set("train.early_stopping_patience", "3", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "train.early_stopping_patience acts on");
  config.set("train.early_stopping_patience", "0", "test");
  config.set("train.valid_metric", "bleu", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "train.valid_metric acts on");
  config.set("train.valid_metric", "loss", "test");
  EXPECT_NO_THROW(train(config, false));
}

// decode.n_best above decode.beam_size is refused before the first step, not at the first
// validation (which decodes the dev set with them), and nothing is written.
TEST(Trainer, BadSearchSettingsAreRefusedBeforeTraining) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 21);
  testing::write_reverse_corpus(dir, "dev", 5, 22);
  Config config = tiny_config(dir, dir.file("m"), 8);
  config.set("decode.n_best", "3", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "decode.n_best 3 (test) is more than");
  EXPECT_FALSE(std::filesystem::exists(dir.file("m")));
}

// A run that fails leaves no loadable untrained model: a bad train.log_file is found before
// anything is written, and a run that diverges before its first checkpoint or validation
// leaves no model.safetensors (a random one used to be written before the first step).
TEST(Trainer, AFailedRunLeavesNoUntrainedModel) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 17);
  testing::write_reverse_corpus(dir, "dev", 5, 18);
  Config config = tiny_config(dir, dir.file("log"), 5);
  config.set("train.log_file", "nodir/x.tsv", "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "nodir does not exist");
  EXPECT_FALSE(std::filesystem::exists(dir.file("log")));

  config = tiny_config(dir, dir.file("diverged"), 5);
  for (const auto& [key, value] : {std::pair{"train.learning_rate", "1e38"},
                                   {"train.optimizer", "sgd"},
                                   {"train.clip_norm", "0"},
                                   {"train.checkpoint_every", "100"},
                                   {"train.valid_every", "100"}})
    config.set(key, value, "test");
  EXPECT_THAT_ERROR([&] { train(config, false); }, "training diverged");
  EXPECT_FALSE(std::filesystem::exists(dir.file("diverged/model.safetensors")));
}

TEST(Trainer, ALogFileNamedLikeAModelFileIsAnError) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 19);
  testing::write_reverse_corpus(dir, "dev", 5, 20);
  train(tiny_config(dir, dir.file("m"), 2), false);
  const std::string config_before = testing::read_file(dir.file("m/config.yaml"));
  for (const char* name :
       {"config.yaml", "./model.safetensors", "source.vocab", "target.spm", "checkpoints/log.tsv",
        "../m/target.vocab", "checksums.sha256", "train.lock"}) {
    Config config = tiny_config(dir, dir.file("m"), 4);
    config.set("train.log_file", name, "test");
    EXPECT_THAT_ERROR([&] { train(config, true); }, "train.log_file " + std::string(name));
  }
  EXPECT_EQ(testing::read_file(dir.file("m/config.yaml")), config_before);
}

// Validation skips pairs with an empty side, as training does; a dev set without a usable pair
// is an error naming its files, not a perfect dev loss of 0.
TEST(Trainer, DevPairsWithAnEmptySideAreLeftOut) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 21);
  dir.write("dev.src", "a b\n\nc\n \n");
  dir.write("dev.tgt", "b a\nx\n\nx\n");
  const TrainingData data = load_training_data(tiny_config(dir, dir.file("m"), 2));
  ASSERT_EQ(data.dev.size(), 1u);
  EXPECT_EQ(data.dev_target_text.at(data.dev[0].index), "b a");
  dir.write("dev.src", "\n\n");
  dir.write("dev.tgt", "\n\n");
  EXPECT_THAT_ERROR([&] { train(tiny_config(dir, dir.file("m"), 2), false); },
                    "dev.src, data.dev_target " + dir.file("dev.tgt") + ") has no usable example");
  EXPECT_FALSE(std::filesystem::exists(dir.file("m")));
}

TEST(Trainer, ResumingAFinishedRunSaysThereIsNothingToDo) {
  TempDir dir;
  testing::write_reverse_corpus(dir, "train", 30, 23);
  testing::write_reverse_corpus(dir, "dev", 5, 24);
  train(tiny_config(dir, dir.file("m"), 3), false);
  EXPECT_THAT_ERROR([&] { train(tiny_config(dir, dir.file("m"), 3), true); },
                    "nothing to do: " + dir.file("m") + " is already at step 3");
  Config config = tiny_config(dir, dir.file("m"), 100);
  config.set("train.max_epochs", "1", "test");  // 30 examples, batches of 16: 2 steps an epoch
  EXPECT_THAT_ERROR([&] { train(config, true); },
                    "already at the end of epoch 1 and train.max_epochs is 1");
}

}  // namespace
}  // namespace tandem
