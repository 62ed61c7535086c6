// Translator: translations as translate_lines gives them, per-call settings with errors naming
// the key and origin, UTF-8 checks naming the line, and two translators with their own threads
// and precision in one process.
#include "api/translator.h"

#include <gtest/gtest.h>

#include <thread>

#include "api/translate_lines.h"
#include "decode/search_config.h"
#include "kernels/cpu/gemm.h"
#include "support/temp_dir.h"
#include "support/tiny_api_model.h"

namespace tandem {
namespace {

using testing::error_message;
using testing::TempDir;


std::vector<std::string> some_lines() {
  std::vector<std::string> lines;
  for (const auto& [source, target] : testing::tiny_api_pairs()) lines.push_back(source);
  lines.push_back("");
  return lines;
}

void expect_same(const std::vector<Translation>& a, const std::vector<Translation>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].source_tokens, b[i].source_tokens) << i;
    ASSERT_EQ(a[i].outputs.size(), b[i].outputs.size()) << i;
    for (size_t k = 0; k < a[i].outputs.size(); ++k) {
      EXPECT_EQ(a[i].outputs[k].text, b[i].outputs[k].text) << i;
      EXPECT_EQ(a[i].outputs[k].tokens, b[i].outputs[k].tokens) << i;
      EXPECT_EQ(a[i].outputs[k].score, b[i].outputs[k].score) << i;
      EXPECT_EQ(a[i].outputs[k].log_prob, b[i].outputs[k].log_prob) << i;
      EXPECT_EQ(a[i].outputs[k].attention, b[i].outputs[k].attention) << i;
    }
  }
}

TEST(Translator, TranslatesAsTranslateLinesWithLogProbabilities) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  EXPECT_GE(translator.threads(), 1);
  const std::vector<std::string> lines = some_lines();
  const std::vector<Translation> got = translator.translate(lines);
  const LoadedModel& m = translator.model();
  expect_same(got, translate_lines(m, lines, m.config.get_int("decode.batch_size"),
                                   beam_options_from(m.config, false)));
  for (const Translation& t : got) {
    ASSERT_EQ(t.outputs.size(), 1u);
    if (t.source_tokens.empty()) continue;
    EXPECT_LT(t.outputs[0].log_prob, 0.0);
    // decode.length_penalty average: the score is the sum over the tokens, </s> included.
    EXPECT_NEAR(t.outputs[0].log_prob, t.outputs[0].score * t.outputs[0].tokens.size(), 1e-9);
    EXPECT_TRUE(t.outputs[0].attention.empty());  // not asked for
  }
}

TEST(Translator, PerCallSettingsWithOrWithoutThePrefix) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  const std::vector<std::string> lines = {"ab你", "世界cd"};
  for (const std::string prefix : {"", "decode."}) {
    const DecodeRequest request{.settings = {{prefix + "beam_size", "3"}, {prefix + "n_best", "2"}},
                                .attention = true};
    const std::vector<Translation> got = translator.translate(lines, request);
    BeamOptions options = beam_options_from(translator.config(), true);
    options.beam_size = 3;
    options.n_best = 2;
    expect_same(got, translate_lines(translator.model(), lines, 64, options));
    ASSERT_EQ(got[0].outputs.size(), 2u);
    EXPECT_EQ(got[0].outputs[0].attention.size(), got[0].outputs[0].tokens.size());
    EXPECT_GE(got[0].outputs[0].score, got[0].outputs[1].score);
  }
  // The model's own settings stay as they were.
  EXPECT_EQ(translator.config().get_int("decode.beam_size"), 1);
  EXPECT_EQ(translator.translate(lines)[0].outputs.size(), 1u);
}

TEST(Translator, BadSettingsNameTheKeyAndTheOrigin) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  auto fails = [&](std::vector<std::pair<std::string, std::string>> settings) {
    return error_message([&] {
      translator.translate({"ab"}, {.settings = std::move(settings), .origin = "translate()"});
    });
  };
  EXPECT_CONTAINS(fails({{"beam_sise", "2"}}), "translate(): unknown key 'decode.beam_sise'");
  EXPECT_CONTAINS(fails({{"beam_sise", "2"}}), "beam_size");  // the suggestion
  EXPECT_CONTAINS(fails({{"beam_size", "0"}}), "translate(): decode.beam_size: expected");
  EXPECT_CONTAINS(fails({{"length_penalty", "x"}}), "decode.length_penalty");
  EXPECT_CONTAINS(fails({{"beam_size", "2"}, {"n_best", "3"}}), "decode.n_best");
  EXPECT_CONTAINS(fails({{"model.cell", "lstm"}}),
                  "translate(): model.cell: only decode.* keys can be set here");
  EXPECT_CONTAINS(fails({{"precision", "bf16"}}),
                  "translate(): decode.precision: this translator decodes in fp32");
  EXPECT_EQ(translator.translate({"ab"}, {.settings = {{"precision", "fp32"}}}).size(), 1u);
  // The config's own errors name the origin too.
  EXPECT_CONTAINS(error_message([&] {
                    translator.decode_config({{{"n_best", "x"}}, "here"});
                  }),
                  "here: decode.n_best");
}

TEST(Translator, AttentionOfAModelWithoutAttentionIsAnError) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir, "plain", "none"));
  EXPECT_CONTAINS(error_message([&] {
                    translator.translate({"ab"},
                                         {.settings = {}, .origin = "x()", .attention = true});
                  }),
                  "x(): attention: the model has attention none");
  EXPECT_EQ(translator.translate({"ab"}).size(), 1u);
}

TEST(Translator, InvalidUtf8NamesTheLineFromOne) {
  TempDir dir;
  const Translator translator(testing::train_tiny_api_model(dir));
  EXPECT_CONTAINS(error_message([&] {
                    translator.translate({"ab", "a\xff"});
                  }),
                  "lines: line 2: invalid UTF-8 at byte 2");
  // The settings' origin (a command-line flag, say) does not label the lines.
  const std::string m = error_message([&] {
    translator.translate({"a\xff"}, {.settings = {}, .origin = "--set", .attention = false});
  });
  EXPECT_CONTAINS(m, "lines: line 1: invalid UTF-8");
  EXPECT_EQ(m.find("--set"), std::string::npos) << m;
}

TEST(Translator, ConstructorErrorsNameTheArgument) {
  TempDir dir;
  EXPECT_CONTAINS(error_message([&] { Translator t(dir.file("nowhere")); }), "nowhere");
  const std::string model = testing::train_tiny_api_model(dir);
  EXPECT_CONTAINS(error_message([&] { Translator t(model, {.threads = -1, .precision = ""}); }),
                  "threads");
  EXPECT_CONTAINS(error_message([&] { Translator t(model, {.precision = "fp16"}); }),
                  "precision: expected fp32 or bf16, got 'fp16'");
  EXPECT_EQ(Translator(model, {.threads = 3, .precision = ""}).threads(), 3);
}

// Two translators in one process, each with its own threads and precision, called at once from
// two threads: each gives what it gives alone. With a process-wide precision, the bf16 one's
// setting would leak into the fp32 one's products (and its packed weights) and back.
TEST(Translator, TwoTranslatorsKeepTheirOwnGemmSettings) {
  TempDir dir;
  const std::string model = testing::train_tiny_api_model(dir);
  const Translator fp32(model, {.threads = 1, .precision = "fp32"});
  const Translator bf16(model, {.threads = 2, .precision = "bf16"});
  std::vector<std::string> lines = some_lines();
  // Small batches: the two-thread translator decodes them on two workers, which must keep its
  // precision too.
  const DecodeRequest request{.settings = {{"batch_size", "4"}, {"beam_size", "2"}},
                              .attention = true};
  const std::vector<Translation> fp32_alone = fp32.translate(lines, request);
  const std::vector<Translation> bf16_alone = bf16.translate(lines, request);
  // Only a CPU with AVX512_BF16 can tell the precisions apart: elsewhere both decode in fp32,
  // and this test checks only that concurrent calls of two translators give their own outputs.
  if (kernels::bf16_gemm_available()) {
    bool differs = false;  // else the test could not tell the precisions apart
    for (size_t i = 0; i < lines.size(); ++i)
      differs |= fp32_alone[i].outputs[0].score != bf16_alone[i].outputs[0].score;
    EXPECT_TRUE(differs);
  }
  for (int round = 0; round < 3; ++round) {
    std::vector<Translation> a, b;
    std::thread other([&] { b = bf16.translate(lines, request); });
    a = fp32.translate(lines, request);
    other.join();
    expect_same(a, fp32_alone);
    expect_same(b, bf16_alone);
  }
  EXPECT_EQ(kernels::gemm_precision(), kernels::GemmPrecision::kFloat32);  // nothing left behind
}

}  // namespace
}  // namespace tandem
