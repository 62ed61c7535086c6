// Tests for the options registry and Config: declarations, defaults, validation, messages, docs.
#include "io/options.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/error.h"

namespace tandem {
namespace {

using testing::error_message;

using Type = OptionSpec::Type;

TEST(Options, RegistryIsWellFormed) {
  std::set<std::string> keys;
  for (const OptionSpec& spec : option_registry()) {
    SCOPED_TRACE(spec.key);
    EXPECT_TRUE(keys.insert(spec.key).second) << "declared twice";
    EXPECT_EQ(spec.key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_."),
              std::string::npos);
    EXPECT_NE(spec.key.find('.'), std::string::npos) << "every key belongs to a section";
    EXPECT_FALSE(is_option_section(spec.key)) << "a key cannot also be a section";
    EXPECT_FALSE(spec.help.empty());
    EXPECT_EQ(spec.type == Type::kChoice, !spec.choices.empty());
    EXPECT_TRUE(spec.type == Type::kInt || spec.type == Type::kFloat || (!spec.min && !spec.max))
        << "only numbers have ranges";
  }
  // Sections are contiguous, so the docs and to_yaml() group them the same way.
  std::vector<std::string> sections;
  for (const OptionSpec& spec : option_registry()) {
    const std::string section = spec.key.substr(0, spec.key.find('.'));
    if (sections.empty() || sections.back() != section) sections.push_back(section);
  }
  EXPECT_EQ(sections, (std::vector<std::string>{"model", "data", "train", "decode"}));
  EXPECT_NO_THROW(Config::defaults());  // every default is a valid value
}

// The registry holds exactly the options the toolkit documents, with these types and defaults.
TEST(Options, RegistryDeclaresEveryOption) {
  struct Expected {
    const char* key;
    Type type;
    const char* default_text;
  };
  const std::vector<Expected> expected = {
      {"model.cell", Type::kChoice, "gru"},
      {"model.embedding_size", Type::kInt, "128"},
      {"model.encoder.hidden_size", Type::kInt, "256"},
      {"model.encoder.layers", Type::kInt, "1"},
      {"model.encoder.bidirectional", Type::kBool, "true"},
      {"model.decoder.hidden_size", Type::kInt, "256"},
      {"model.decoder.layers", Type::kInt, "1"},
      {"model.attention", Type::kChoice, "bahdanau"},
      {"model.attention_size", Type::kInt, "0"},
      {"model.input_feeding", Type::kBool, "false"},
      {"model.bridge", Type::kChoice, "final"},
      {"model.tie_embeddings", Type::kBool, "false"},
      {"model.dropout", Type::kFloat, "0.1"},
      {"model.embedding_dropout", Type::kFloat, "0.0"},
      {"data.train_source", Type::kString, ""},
      {"data.train_target", Type::kString, ""},
      {"data.train_tsv", Type::kString, ""},
      {"data.dev_source", Type::kString, ""},
      {"data.dev_target", Type::kString, ""},
      {"data.dev_tsv", Type::kString, ""},
      {"data.source_tokenizer", Type::kChoice, "char"},
      {"data.source_spm_model", Type::kString, ""},
      {"data.target_tokenizer", Type::kChoice, "char"},
      {"data.target_spm_model", Type::kString, ""},
      {"data.min_frequency", Type::kInt, "1"},
      {"data.max_vocab_size", Type::kInt, "0"},
      {"data.max_source_length", Type::kInt, "100"},
      {"data.max_target_length", Type::kInt, "100"},
      {"train.model_dir", Type::kString, "model"},
      {"train.seed", Type::kInt, "1"},
      {"train.threads", Type::kInt, "1"},
      {"train.precision", Type::kChoice, "fp32"},
      {"train.batch_size", Type::kInt, "64"},
      {"train.batch_by", Type::kChoice, "sentences"},
      {"train.optimizer", Type::kChoice, "adam"},
      {"train.learning_rate", Type::kFloat, "0.001"},
      {"train.weight_decay", Type::kFloat, "0.0"},
      {"train.lr_schedule", Type::kChoice, "constant"},
      {"train.warmup_steps", Type::kInt, "0"},
      {"train.plateau_factor", Type::kFloat, "0.5"},
      {"train.plateau_patience", Type::kInt, "2"},
      {"train.min_learning_rate", Type::kFloat, "0.0"},
      {"train.clip_norm", Type::kFloat, "5.0"},
      {"train.label_smoothing", Type::kFloat, "0.0"},
      {"train.teacher_forcing", Type::kFloat, "1.0"},
      {"train.teacher_forcing_final", Type::kFloat, "1.0"},
      {"train.teacher_forcing_decay_steps", Type::kInt, "0"},
      {"train.max_steps", Type::kInt, "10000"},
      {"train.max_epochs", Type::kInt, "0"},
      {"train.valid_every", Type::kInt, "500"},
      {"train.checkpoint_every", Type::kInt, "500"},
      {"train.keep_checkpoints", Type::kInt, "3"},
      {"train.early_stopping_patience", Type::kInt, "0"},
      {"train.valid_metric", Type::kChoice, "loss"},
      {"train.log_every", Type::kInt, "100"},
      {"train.log_file", Type::kString, "train_log.tsv"},
      {"decode.max_length_ratio", Type::kFloat, "2.0"},
      {"decode.max_length_offset", Type::kInt, "10"},
      {"decode.max_input_tokens", Type::kInt, "1024"},
      {"decode.batch_size", Type::kInt, "64"},
      {"decode.precision", Type::kChoice, "fp32"},
      {"decode.beam_size", Type::kInt, "1"},
      {"decode.n_best", Type::kInt, "1"},
      {"decode.length_penalty", Type::kChoice, "average"},
      {"decode.alpha", Type::kFloat, "0.6"},
      {"decode.min_length", Type::kInt, "0"},
      {"decode.no_repeat_ngram", Type::kInt, "0"},
  };
  ASSERT_EQ(option_registry().size(), expected.size());
  const Config defaults;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const OptionSpec& spec = option_registry()[i];
    SCOPED_TRACE(expected[i].key);
    EXPECT_EQ(spec.key, expected[i].key);
    EXPECT_EQ(spec.type, expected[i].type);
    EXPECT_EQ(defaults.get_text(spec.key), expected[i].default_text);
    EXPECT_EQ(defaults.origin(spec.key), "default");
  }
  EXPECT_EQ(find_option("model.attention")->choices,
            (std::vector<std::string>{"none", "bahdanau", "luong-dot", "luong-general"}));
  EXPECT_EQ(find_option("model.bridge")->choices,
            (std::vector<std::string>{"final", "mean", "zero"}));
  EXPECT_EQ(find_option("train.lr_schedule")->choices,
            (std::vector<std::string>{"constant", "inverse-sqrt", "plateau"}));
}

TEST(Options, DefaultsReadBackTyped) {
  const Config config = Config::defaults();
  EXPECT_EQ(config.get_string("model.cell"), "gru");
  EXPECT_EQ(config.get_int("model.encoder.hidden_size"), 256);
  EXPECT_TRUE(config.get_bool("model.encoder.bidirectional"));
  EXPECT_DOUBLE_EQ(config.get_float("model.dropout"), 0.1);
  EXPECT_DOUBLE_EQ(config.get_float("train.learning_rate"), 0.001);
  EXPECT_EQ(config.get_string("data.train_source"), "");
  EXPECT_EQ(config.get_string("train.model_dir"), "model");
  EXPECT_EQ(config.get_int("decode.max_length_offset"), 10);
  EXPECT_EQ(config, Config());
}

TEST(Options, GettersOfUndeclaredKeysOrWrongTypesAreErrors) {
  const Config config;
  EXPECT_NE(error_message([&] { config.get_int("model.hidden_size"); }).find("model.hidden_size"),
            std::string::npos);
  EXPECT_THROW(config.get_float("model.embedding_size"), Error);  // an int
  EXPECT_THROW(config.get_int("model.dropout"), Error);           // a float
  EXPECT_THROW(config.get_bool("model.cell"), Error);
  EXPECT_THROW(config.get_string("model.input_feeding"), Error);
  EXPECT_THROW(config.get_text("nope.nope"), Error);
  EXPECT_THROW(config.origin("nope.nope"), Error);
}

TEST(Options, SetParsesEachType) {
  Config config;
  config.set("model.embedding_size", "+64", "test");
  config.set("model.dropout", "0.25", "test");
  config.set("train.learning_rate", "3e-4", "test");
  config.set("train.clip_norm", "1", "test");  // an integer is a fine float
  config.set("model.encoder.bidirectional", "no", "test");
  config.set("model.input_feeding", "True", "test");
  config.set("model.attention", "luong-general", "test");
  config.set("data.train_source", "path with spaces/train.src", "x.yaml:7");
  EXPECT_EQ(config.get_int("model.embedding_size"), 64);
  EXPECT_DOUBLE_EQ(config.get_float("model.dropout"), 0.25);
  EXPECT_DOUBLE_EQ(config.get_float("train.learning_rate"), 3e-4);
  EXPECT_DOUBLE_EQ(config.get_float("train.clip_norm"), 1.0);
  EXPECT_FALSE(config.get_bool("model.encoder.bidirectional"));
  EXPECT_TRUE(config.get_bool("model.input_feeding"));
  EXPECT_EQ(config.get_string("model.attention"), "luong-general");
  EXPECT_EQ(config.get_string("data.train_source"), "path with spaces/train.src");
  EXPECT_EQ(config.origin("data.train_source"), "x.yaml:7");
  EXPECT_EQ(config.get_text("train.clip_norm"), "1.0");
  EXPECT_EQ(config.get_text("train.learning_rate"), "0.0003");
  EXPECT_NE(config, Config());
}

TEST(Options, BadValuesNameOriginKeyAndExpectation) {
  Config config;
  std::string m =
      error_message([&] { config.set("model.encoder.hidden_size", "abc", "c.yaml:4"); });
  EXPECT_NE(m.find("c.yaml:4: model.encoder.hidden_size: expected an integer in [1, 65536], got "
                   "'abc'"),
            std::string::npos)
      << m;
  for (const char* bad : {"1.5", "1e3", "", " 3", "0", "-2", "99999999999999999999"}) {
    EXPECT_THROW(config.set("model.encoder.hidden_size", bad, "t"), Error) << bad;
  }
  m = error_message([&] { config.set("model.dropout", "1", "--set"); });
  EXPECT_NE(m.find("--set: model.dropout: expected a number in [0, 1), got '1'"), std::string::npos)
      << m;
  for (const char* bad : {"-0.1", "nan", "inf", ".inf", "0.5x", "half"}) {
    EXPECT_THROW(config.set("model.dropout", bad, "t"), Error) << bad;
  }
  EXPECT_NO_THROW(config.set("train.teacher_forcing", "1", "t"));  // [0, 1] includes 1
  EXPECT_THROW(config.set("train.label_smoothing", "1.0", "t"), Error);
  EXPECT_THROW(config.set("train.learning_rate", "0", "t"), Error);  // > 0
  m = error_message([&] { config.set("train.learning_rate", "0", "t"); });
  EXPECT_NE(m.find("expected a number > 0"), std::string::npos) << m;
  m = error_message([&] { config.set("model.input_feeding", "maybe", "c.yaml:9"); });
  EXPECT_NE(m.find("c.yaml:9: model.input_feeding: expected a boolean (true or false), got "
                   "'maybe'"),
            std::string::npos)
      << m;
  m = error_message([&] { config.set("model.attention", "luong_dot", "c.yaml:3"); });
  EXPECT_NE(m.find("c.yaml:3: model.attention: invalid choice 'luong_dot'; valid choices: none, "
                   "bahdanau, luong-dot, luong-general (did you mean luong-dot?)"),
            std::string::npos)
      << m;
  m = error_message([&] { config.set("model.cell", "rnn", "--set"); });
  EXPECT_NE(m.find("--set: model.cell: invalid choice 'rnn'; valid choices: gru, lstm"),
            std::string::npos)
      << m;
  EXPECT_EQ(config, Config()) << "failed sets change nothing";
}

// Without upper bounds a huge size crashed training (exit 139), overflowed a tensor's size or
// failed as a bare std::bad_alloc; thread counts and beams failed or ran for minutes.
TEST(Options, SizesCountsAndBeamsHaveUpperBounds) {
  Config config;
  const std::string m =
      error_message([&] { config.set("model.embedding_size", "9223372036854775807", "c.yaml:2"); });
  EXPECT_NE(m.find("c.yaml:2: model.embedding_size: expected an integer in [1, 65536]"),
            std::string::npos)
      << m;
  for (const char* key : {"model.embedding_size", "model.encoder.hidden_size",
                          "model.decoder.hidden_size", "model.attention_size"}) {
    EXPECT_NO_THROW(config.set(key, "65536", "t")) << key;
    for (const char* bad : {"65537", "2147483648", "4611686018427387904"}) {
      EXPECT_THROW(config.set(key, bad, "t"), Error) << key << "=" << bad;
    }
  }
  for (const char* key : {"model.encoder.layers", "model.decoder.layers"}) {
    EXPECT_NO_THROW(config.set(key, "64", "t")) << key;
    EXPECT_THROW(config.set(key, "1000000000", "t"), Error) << key;
  }
  EXPECT_NO_THROW(config.set("train.threads", "256", "t"));
  EXPECT_THROW(config.set("train.threads", "100000", "t"), Error);
  for (const char* key : {"decode.beam_size", "decode.n_best"}) {
    EXPECT_NO_THROW(config.set(key, "1024", "t")) << key;
    EXPECT_THROW(config.set(key, "100000000", "t"), Error) << key;
  }
}

TEST(Options, UnknownKeysSuggestTheClosestAndListTheSection) {
  Config config;
  std::string m = error_message([&] { config.set("model.hidden_size", "3", "c.yaml:2"); });
  EXPECT_NE(m.find("c.yaml:2: unknown key 'model.hidden_size' (did you mean "
                   "model.encoder.hidden_size or model.decoder.hidden_size?)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("valid keys in section 'model': cell, embedding_size, encoder.hidden_size, "
                   "encoder.layers, encoder.bidirectional, decoder.hidden_size"),
            std::string::npos)
      << m;
  m = unknown_option_message("model.encoder.hiden_size");
  EXPECT_NE(m.find("did you mean model.encoder.hidden_size?"), std::string::npos) << m;
  EXPECT_NE(m.find("valid keys in section 'model.encoder': hidden_size, layers, bidirectional"),
            std::string::npos)
      << m;
  m = unknown_option_message("modle.cell");
  EXPECT_NE(m.find("did you mean model.cell?"), std::string::npos) << m;
  EXPECT_NE(m.find("valid top-level sections: model, data, train, decode"), std::string::npos) << m;
  m = unknown_option_message("data.batch_size");
  EXPECT_NE(m.find("did you mean train.batch_size or decode.batch_size?"), std::string::npos) << m;
  m = unknown_option_message("train.zzzzzzzz");
  EXPECT_EQ(m.find("did you mean"), std::string::npos) << m;
  m = unknown_option_message("model.encoder");
  EXPECT_NE(m.find("'model.encoder' is a section, not a key"), std::string::npos) << m;
}

TEST(Options, SectionsAndKeys) {
  EXPECT_TRUE(is_option_section(""));
  EXPECT_TRUE(is_option_section("model"));
  EXPECT_TRUE(is_option_section("model.encoder"));
  EXPECT_FALSE(is_option_section("model.cell"));
  EXPECT_FALSE(is_option_section("mod"));
  EXPECT_EQ(option_section_keys("model.decoder"),
            (std::vector<std::string>{"model.decoder.hidden_size", "model.decoder.layers"}));
  EXPECT_EQ(option_section_keys("").size(), option_registry().size());
  EXPECT_EQ(find_option("model.attention_size")->key, "model.attention_size");
  EXPECT_EQ(find_option("model.attention.size"), nullptr);
}

TEST(Options, ToYamlNestsEveryKey) {
  Config config;
  config.set("data.train_source", "", "t");
  const std::string yaml = config.to_yaml();
  EXPECT_NE(yaml.find("model:\n  cell: gru\n  embedding_size: 128\n  encoder:\n    hidden_size: "
                      "256\n    layers: 1\n    bidirectional: true\n  decoder:\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("\n  dropout: 0.1\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\n  train_source: \"\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\ndecode:\n  max_length_ratio: 2.0\n"), std::string::npos) << yaml;
  for (const OptionSpec& spec : option_registry()) {
    const std::string leaf = spec.key.substr(spec.key.rfind('.') + 1);
    EXPECT_NE(yaml.find(" " + leaf + ": "), std::string::npos) << spec.key;
  }
}

TEST(Options, MarkdownTableRows) {
  const std::string table = options_markdown_table("model.decoder");
  EXPECT_EQ(
      table,
      "| key | type | default | description |\n"
      "|---|---|---|---|\n"
      "| `model.decoder.hidden_size` | int in [1, 65536] | `256` | hidden size of each decoder "
      "layer |\n"
      "| `model.decoder.layers` | int in [1, 64] | `1` | number of stacked decoder RNN layers |\n");
  const std::string all = options_markdown_table();
  EXPECT_NE(all.find("| `model.cell` | one of `gru`, `lstm` | `gru` |"), std::string::npos);
  EXPECT_NE(all.find("| `model.dropout` | float in [0, 1) | `0.1` |"), std::string::npos);
  EXPECT_NE(all.find("| `data.train_source` | string | `\"\"` |"), std::string::npos);
}

// docs/config.md holds each section's generated table verbatim: a new or changed option fails
// here until its documentation is updated (paste the table this test prints).
TEST(Options, DocsHoldTheGeneratedTables) {
  const std::string path = TANDEM_REFERENCE_DIR "/../../docs/config.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream docs;
  docs << in.rdbuf();
  for (const char* section : {"model", "data", "train", "decode"}) {
    const std::string table = options_markdown_table(section);
    EXPECT_NE(docs.str().find(table), std::string::npos)
        << "docs/config.md lacks the current table of section '" << section << "':\n"
        << table;
  }
}

}  // namespace
}  // namespace tandem
