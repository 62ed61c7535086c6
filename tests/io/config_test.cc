// Tests for the YAML config: nested loading, overrides, every error's file/line/key, round trips.
#include "io/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "tensor/error.h"

namespace tandem {
namespace {

namespace fs = std::filesystem;

using testing::error_message;
using testing::read_file;
using testing::TempDir;

// The message of loading `yaml` as a file named "c.yaml".
std::string load_error(const std::string& yaml) {
  return error_message([&] { load_config_string(yaml, "c.yaml"); });
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Config, EmptyDocumentsGiveTheDefaults) {
  EXPECT_EQ(load_config_string(""), Config());
  EXPECT_EQ(load_config_string("# only a comment\n"), Config());
  EXPECT_EQ(load_config_string("model:\ndata: ~\n"), Config());  // empty sections
}

TEST(Config, LoadsNestedYaml) {
  TempDir dir;
  const std::string path = dir.write("c.yaml", R"(# a small G2P model
model:
  cell: lstm
  embedding_size: 64
  encoder:
    hidden_size: 128
    layers: 2
    bidirectional: false
  decoder: {hidden_size: 256, layers: 2}
  attention: luong-general
  dropout: 0.3
data:
  train_tsv: "data/train.tsv"
  source_tokenizer: word
train:
  learning_rate: 5e-4
  lr_schedule: plateau
  model_dir: out/g2p
  log_file: 'log: main.tsv'
)");
  const Config config = load_config(path);
  EXPECT_EQ(config.get_string("model.cell"), "lstm");
  EXPECT_EQ(config.get_int("model.embedding_size"), 64);
  EXPECT_EQ(config.get_int("model.encoder.hidden_size"), 128);
  EXPECT_EQ(config.get_int("model.encoder.layers"), 2);
  EXPECT_FALSE(config.get_bool("model.encoder.bidirectional"));
  EXPECT_EQ(config.get_int("model.decoder.hidden_size"), 256);
  EXPECT_EQ(config.get_int("model.decoder.layers"), 2);
  EXPECT_EQ(config.get_string("model.attention"), "luong-general");
  EXPECT_DOUBLE_EQ(config.get_float("model.dropout"), 0.3);
  EXPECT_EQ(config.get_string("data.train_tsv"), "data/train.tsv");
  EXPECT_EQ(config.get_string("data.source_tokenizer"), "word");
  EXPECT_EQ(config.get_string("data.target_tokenizer"), "char");  // untouched default
  EXPECT_DOUBLE_EQ(config.get_float("train.learning_rate"), 5e-4);
  EXPECT_EQ(config.get_string("train.lr_schedule"), "plateau");
  EXPECT_EQ(config.get_string("train.model_dir"), "out/g2p");
  EXPECT_EQ(config.get_string("train.log_file"), "log: main.tsv");
  EXPECT_EQ(config.origin("model.encoder.layers"), path + ":7");
  EXPECT_EQ(config.origin("model.decoder.layers"), path + ":9");
  EXPECT_EQ(config.origin("train.seed"), "default");
}

TEST(Config, DottedKeysWorkAsWellAsNesting) {
  const Config config =
      load_config_string("model.cell: lstm\nmodel:\n  encoder.layers: 3\ntrain.optimizer: sgd\n");
  EXPECT_EQ(config.get_string("model.cell"), "lstm");
  EXPECT_EQ(config.get_int("model.encoder.layers"), 3);
  EXPECT_EQ(config.get_string("train.optimizer"), "sgd");
}

TEST(Config, EmptyValuesAreEmptyStrings) {
  const Config config = load_config_string("data:\n  train_source:\n  dev_source: ''\n");
  EXPECT_EQ(config.get_string("data.train_source"), "");
  std::string m = load_error("model:\n  embedding_size:\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:2: model.embedding_size: expected an integer in [1, 65536], "
                       "got an empty value"))
      << m;
}

TEST(Config, OverridesApplyAfterTheFile) {
  TempDir dir;
  const std::string path = dir.write("c.yaml", "model:\n  cell: lstm\n  embedding_size: 64\n");
  const Config config = load_config(path, {"model.cell=gru", " train.batch_size = 32 ",
                                           "data.train_source=a=b.txt", "data.dev_tsv="});
  EXPECT_EQ(config.get_string("model.cell"), "gru");
  EXPECT_EQ(config.origin("model.cell"), "--set");
  EXPECT_EQ(config.get_int("model.embedding_size"), 64);
  EXPECT_EQ(config.get_int("train.batch_size"), 32);
  EXPECT_EQ(config.get_string("data.train_source"), "a=b.txt");  // split at the first '='
  EXPECT_EQ(config.get_string("data.dev_tsv"), "");
  // Later overrides win.
  EXPECT_EQ(
      load_config_string("", "x", {"model.cell=lstm", "model.cell=gru"}).get_string("model.cell"),
      "gru");
}

TEST(Config, BadOverridesAreErrors) {
  std::string m = error_message([] { load_config_string("", "x", {"foo"}); });
  EXPECT_TRUE(contains(m, "--set 'foo': expected key=value")) << m;
  EXPECT_THROW(load_config_string("", "x", {"=3"}), Error);
  m = error_message([] { load_config_string("", "x", {"model.cell=rnn"}); });
  EXPECT_TRUE(contains(m, "--set: model.cell: invalid choice 'rnn'; valid choices: gru, lstm"))
      << m;
  m = error_message([] { load_config_string("", "x", {"model.hidden_size=3"}); });
  EXPECT_TRUE(contains(m, "--set: unknown key 'model.hidden_size'")) << m;
  EXPECT_TRUE(contains(m, "valid keys in section 'model'")) << m;
  Config config;
  EXPECT_THROW(apply_overrides(config, {"train.batch_size=0"}), Error);
}

// translate --set model.cell=lstm was accepted and did nothing: a loaded model's architecture
// is fixed, so only the decode.* keys may be set.
TEST(Config, OverridesCanBeLimitedToASection) {
  Config config;
  apply_overrides(config, {"decode.beam_size=4"}, "decode");
  EXPECT_EQ(config.get_int("decode.beam_size"), 4);
  for (const char* key : {"model.cell=lstm", "train.max_steps=3", "decoder.x=1", "decode=1"}) {
    const std::string m = error_message([&] { apply_overrides(config, {key}, "decode"); });
    EXPECT_TRUE(contains(m, "--set: " + std::string(key).substr(0, std::string(key).find('=')) +
                                ": only decode.* keys"))
        << m;
    EXPECT_TRUE(contains(m, "beam_size")) << m;
  }
  EXPECT_EQ(config.get_string("model.cell"), "gru");
}

TEST(Config, UnknownKeyNamesFileLineAndValidKeys) {
  std::string m = load_error("model:\n  cell: gru\n  encoder:\n    hiden_size: 3\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:4: unknown key 'model.encoder.hiden_size' (did you mean "
                       "model.encoder.hidden_size?)"))
      << m;
  EXPECT_TRUE(contains(m,
                       "valid keys in section 'model.encoder': hidden_size, layers, "
                       "bidirectional"))
      << m;
  m = load_error("\nmodle:\n  cell: gru\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: unknown key 'modle'")) << m;
  EXPECT_TRUE(contains(m, "valid top-level sections: model, data, train, decode")) << m;
  m = load_error("train:\n  lr: 0.1\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: unknown key 'train.lr'")) << m;
  EXPECT_TRUE(contains(m, "learning_rate")) << m;
}

TEST(Config, WrongTypeNamesFileLineKeyAndType) {
  std::string m = load_error("model:\n  encoder:\n    hidden_size: abc\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:3: model.encoder.hidden_size: expected an integer in [1, "
                       "65536], got 'abc'"))
      << m;
  m = load_error("train:\n  learning_rate: fast\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: train.learning_rate: expected a number > 0, got 'fast'")) << m;
  m = load_error("model:\n  input_feeding: sometimes\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: model.input_feeding: expected a boolean")) << m;
  m = load_error("model:\n\n  attention: luong\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:3: model.attention: invalid choice 'luong'; valid choices: "
                       "none, bahdanau, luong-dot, luong-general"))
      << m;
  m = load_error("model:\n  dropout: 1.5\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: model.dropout: expected a number in [0, 1), got '1.5'")) << m;
  m = load_error("train:\n  teacher_forcing: -0.5\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: train.teacher_forcing: expected a number in [0, 1]")) << m;
}

TEST(Config, MapsListsAndScalarsInTheWrongPlace) {
  std::string m = load_error("model:\n  cell:\n    type: gru\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:2: model.cell takes a single value (one of gru, lstm), not a "
                       "map"))
      << m;
  m = load_error("model:\n  layers: 1\n  encoder: [1, 2]\n");
  EXPECT_TRUE(contains(m, "c.yaml:2: unknown key 'model.layers'")) << m;
  m = load_error("model:\n  encoder: [1, 2]\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:2: model.encoder is a section and takes a map of keys "
                       "(hidden_size, layers, bidirectional), not a list"))
      << m;
  m = load_error("model: gru\n");
  EXPECT_TRUE(contains(m, "c.yaml:1: model is a section and takes a map of keys (cell, ")) << m;
  EXPECT_TRUE(contains(m, "not the value 'gru'")) << m;
  m = load_error("train:\n  seed: [1, 2]\n");
  EXPECT_TRUE(contains(m,
                       "c.yaml:2: train.seed takes a single value (an integer >= 0), not a "
                       "list"))
      << m;
  m = load_error("- model\n- data\n");
  EXPECT_TRUE(contains(m, "c.yaml:1: expected a map of sections")) << m;
  m = load_error("just words\n");
  EXPECT_TRUE(contains(m, "c.yaml:1: expected a map of sections")) << m;
}

TEST(Config, KeysGivenTwiceAreErrors) {
  std::string m = load_error("model:\n  cell: gru\nmodel.cell: lstm\n");
  EXPECT_TRUE(contains(m, "c.yaml:3: model.cell is set twice (first at c.yaml:2)")) << m;
  m = load_error("model:\n  cell: gru\n  cell: lstm\n");
  EXPECT_TRUE(contains(m, "model.cell is set twice")) << m;
}

TEST(Config, InvalidYamlNamesFileAndLine) {
  std::string m = load_error("model:\n  cell: gru\n  encoder: [1, 2\n");
  EXPECT_TRUE(contains(m, "c.yaml:")) << m;
  EXPECT_TRUE(contains(m, "invalid YAML")) << m;
  m = load_error("model:\n  cell: gru\n attention: none\n");  // bad indentation
  EXPECT_TRUE(contains(m, "c.yaml:3:")) << m;
  EXPECT_TRUE(contains(m, "invalid YAML")) << m;
  m = load_error("model:\n\tcell: gru\n");  // a tab
  EXPECT_TRUE(contains(m, "c.yaml:2:")) << m;
}

// yaml-cpp's Load reads the first document only: keys after a '---' were silently ignored.
TEST(Config, ASecondDocumentIsAnError) {
  std::string m = load_error("model: {cell: gru}\n---\nmodel: {cell: lstm}\n");
  EXPECT_TRUE(contains(m, "c.yaml:3: a second YAML document")) << m;
  m = load_error("---\nmodel: {cell: gru}\n...\n---\n# nothing\ntrain: {max_steps: 3}\n");
  EXPECT_TRUE(contains(m, "c.yaml:6: a second YAML document")) << m;
  // A leading '---', or an empty document after the first, loses nothing.
  EXPECT_EQ(load_config_string("---\nmodel: {cell: lstm}\n---\n").get_string("model.cell"), "lstm");
}

TEST(Config, MissingFileIsAnError) {
  TempDir dir;
  std::string m = error_message([&] { load_config(dir.file("nope.yaml")); });
  EXPECT_TRUE(contains(m, "cannot open config file '" + dir.file("nope.yaml") + "'")) << m;
  EXPECT_TRUE(contains(m, "No such file")) << m;
  m = error_message([&] { load_config(dir.file("")); });
  EXPECT_TRUE(contains(m, "is a directory")) << m;
}

TEST(Config, ToYamlRoundTripsThroughLoad) {
  EXPECT_EQ(load_config_string(Config().to_yaml()), Config());
  Config config;
  const std::vector<std::pair<std::string, std::string>> values = {
      {"model.cell", "lstm"},
      {"model.attention", "luong-dot"},
      {"model.encoder.bidirectional", "false"},
      {"model.dropout", "0.123456789012345"},
      {"train.learning_rate", "1e-7"},
      {"train.min_learning_rate", "3.0e-9"},
      {"train.seed", "9007199254740993"},
      {"data.train_source", "path with spaces/ünï.txt"},
      {"data.train_target", "null"},
      {"data.train_tsv", "yes"},
      {"data.dev_source", "a: b # not a comment"},
      {"data.dev_target", "quote\" back\\slash \ttab\nnewline"},
      {"data.dev_tsv", "- dash"},
      {"train.model_dir", "~"},
      {"train.log_file", "123"},
  };
  for (const auto& [key, value] : values) config.set(key, value, "test");
  const std::string yaml = config.to_yaml();
  const Config loaded = load_config_string(yaml, "round-trip");
  EXPECT_EQ(loaded, config) << yaml;
  for (const auto& [key, value] : values) {
    EXPECT_EQ(loaded.get_text(key), config.get_text(key)) << key;
  }
  EXPECT_EQ(loaded.get_string("data.dev_target"), "quote\" back\\slash \ttab\nnewline");
  EXPECT_EQ(loaded.get_int("train.seed"), 9007199254740993);
  EXPECT_EQ(loaded.get_float("model.dropout"), 0.123456789012345);
  EXPECT_EQ(loaded.to_yaml(), yaml);
}

TEST(Config, SaveIsAtomicAndLoadsBack) {
  TempDir dir;
  const std::string path = dir.write("config.yaml", "old contents that are not a config\n");
  Config config;
  config.set("model.cell", "lstm", "test");
  config.set("data.train_tsv", "train data.tsv", "test");
  save_config(path, config);
  EXPECT_EQ(read_file(path), config.to_yaml());
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"config.yaml"}) << "no temporary files left";
  EXPECT_EQ(load_config(path), config);
  // A save that cannot happen throws and leaves nothing behind.
  EXPECT_THROW(save_config(dir.file("missing/config.yaml"), config), Error);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"config.yaml"});
  EXPECT_EQ(load_config(path), config);
}

// The example in docs/config.md is a valid config.
TEST(Config, DocsExampleLoads) {
  const std::string docs = read_file(TANDEM_REFERENCE_DIR "/../../docs/config.md");
  const std::string fence = "```yaml\n";
  const auto begin = docs.find(fence);
  ASSERT_NE(begin, std::string::npos) << "docs/config.md has no ```yaml example";
  const auto end = docs.find("```", begin + fence.size());
  ASSERT_NE(end, std::string::npos);
  const std::string example = docs.substr(begin + fence.size(), end - begin - fence.size());
  Config config;
  ASSERT_NO_THROW(config = load_config_string(example, "docs/config.md example")) << example;
  EXPECT_NE(config, Config()) << "the example sets something";
}

}  // namespace
}  // namespace tandem
