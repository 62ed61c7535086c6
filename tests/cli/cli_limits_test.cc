// The everyday commands without surprises: eval reads standard input, translate bounds the input
// length, n-best and attention options that cannot be honoured are errors, plot-attention
// refuses pictures too large to use, vocab refuses text without words.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/translate_lines.h"
#include "data/utf8.h"
#include "io/model_dir.h"
#include "support/tandem_process.h"
#include "support/temp_dir.h"
#include "support/tiny_cli_model.h"

namespace tandem {
namespace {

using testing::ProcessResult;
using testing::run_tandem;
using testing::TempDir;

void expect_error(const ProcessResult& r, const std::string& part) {
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(part), std::string::npos) << "wanted '" << part << "' in: " << r.err;
}

TEST(CliLimits, EvalReadsOneStreamFromStandardInput) {
  TempDir dir;
  const std::string hyp = "the cat sat on the mat\nhello world\n";
  const std::string ref = dir.write("ref.txt", "the cat sat on the mat\nhello there world\n");
  const ProcessResult files =
      run_tandem("eval -m bleu exact -i " + dir.write("hyp.txt", hyp) + " -r " + ref);
  ASSERT_EQ(files.status, 0) << files.err;
  EXPECT_NE(files.out.find("Exact = 50.00"), std::string::npos) << files.out;
  const ProcessResult hyp_stdin = run_tandem("eval -m bleu exact -i - -r " + ref, hyp);
  ASSERT_EQ(hyp_stdin.status, 0) << hyp_stdin.err;
  EXPECT_EQ(hyp_stdin.out, files.out);
  const ProcessResult ref_stdin =
      run_tandem("eval -m bleu exact -r - -i " + dir.file("hyp.txt"), testing::read_file(ref));
  ASSERT_EQ(ref_stdin.status, 0) << ref_stdin.err;
  EXPECT_EQ(ref_stdin.out, files.out);
  expect_error(run_tandem("eval -i - -r -", hyp), "standard input");
  expect_error(run_tandem("eval -i " + dir.file("hyp.txt") + " -r - -r -", hyp), "standard input");
  expect_error(run_tandem("eval -i - -r " + ref, "one line\n"), "<stdin>");  // too few lines
  expect_error(run_tandem("eval -i - -r " + ref, "fine\n\xff\n"), "<stdin>:2");
}

// Translations that cannot be written (a full disk: /dev/full) are an error, not status 0 with
// a truncated output.
TEST(CliLimits, AnOutputThatCannotBeWrittenIsAnError) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  expect_error(run_tandem("translate --model " + model + " > /dev/full", "ab\nc\n"),
               "cannot write the translations to <stdout>: No space left on device");
}

// A line longer than decode.max_input_tokens is cut to it, with a warning naming the line; the
// output keeps one line per input line.
TEST(CliLimits, TranslateCutsLinesToMaxInputTokens) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string long_line(40, 'a');
  const std::string translate =
      "translate --attention-json --model " + model + " --set decode.max_input_tokens=8";
  const ProcessResult file =
      run_tandem(translate + " --input " + dir.write("in.txt", "abc\n" + long_line + "\nde\n"));
  ASSERT_EQ(file.status, 0) << file.err;
  EXPECT_NE(file.err.find("in.txt:2: 40 source tokens, cut to the first 8 "
                          "(decode.max_input_tokens)"),
            std::string::npos)
      << file.err;
  EXPECT_EQ(file.err.find("in.txt:1"), std::string::npos) << file.err;
  EXPECT_EQ(std::count(file.out.begin(), file.out.end(), '\n'), 3);
  EXPECT_NE(file.out.find("\"source\":[\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]"),
            std::string::npos)
      << file.out;
  const ProcessResult piped = run_tandem(translate, "abc\n" + long_line + "\nde\n");
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_NE(piped.err.find("<stdin>:2: 40 source tokens"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.out, file.out);
  expect_error(run_tandem(translate + " --set decode.max_input_tokens=0", "a\n"),
               "decode.max_input_tokens");
}

// Every caller of translate_lines (the server too) gets the limit of the model's config.
TEST(CliLimits, TranslateLinesEnforcesMaxInputTokensForEveryCaller) {
  TempDir dir;
  const std::string folder = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(folder.empty());
  LoadedModel model = load_model_dir(folder);
  model.config.set("decode.max_input_tokens", "5", "test");
  const BeamOptions options = beam_options_from(model.config, true);
  const std::vector<Translation> out =
      translate_lines(model, {"abcdefghij", "abc", std::string(5, 'a')}, 2, options);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].source_tokens.size(), 5u);
  EXPECT_EQ(out[0].truncated_from, 10u);
  for (const Output& o : out[0].outputs)
    for (const auto& row : o.attention) EXPECT_EQ(row.size(), 5u);
  EXPECT_EQ(out[1].truncated_from, 0u);
  EXPECT_EQ(out[2].truncated_from, 0u);
  EXPECT_EQ(out[2].source_tokens.size(), 5u);
}

// More outputs than the search keeps cannot be given: an error naming both options, wherever
// they were set (flags, --set, the model's config), instead of fewer outputs than asked for.
TEST(CliLimits, NBestBeyondTheBeamIsAnError) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string translate =
      "translate --model " + model + " --input " + dir.write("in", "ab\n");
  expect_error(run_tandem(translate + " --n-best 3"), "decode.n_best 3 (--n-best)");
  expect_error(run_tandem(translate + " --n-best 3"),
               "decode.beam_size 1 (" + model + "/config.yaml:");  // the model's setting
  expect_error(run_tandem(translate + " --n-best 3 --beam 2"), "decode.beam_size 2 (--beam)");
  expect_error(run_tandem(translate + " --set decode.n_best=2"), "decode.n_best 2 (--set)");
  const ProcessResult fine = run_tandem(translate + " --n-best 2 --beam 2");
  EXPECT_EQ(fine.status, 0) << fine.err;
  EXPECT_EQ(fine.out.find("0 ||| "), 0u) << fine.out;  // two outputs of input 0
  EXPECT_NE(fine.out.find("\n0 ||| "), std::string::npos) << fine.out;
  // --set, then --beam, then --n-best, checked once: a --set n_best is fine with a --beam.
  const ProcessResult set_and_beam = run_tandem(translate + " --set decode.n_best=2 --beam 2");
  EXPECT_EQ(set_and_beam.status, 0) << set_and_beam.err;
  EXPECT_NE(set_and_beam.out.find("\n0 ||| "), std::string::npos) << set_and_beam.out;
  // Training refuses such a pair before its first step (the folder's config would hold it).
  const ProcessResult refused =
      run_tandem("train --config " + dir.file("model.yaml") +
                 " --set train.model_dir=" + dir.file("refused") + " --set decode.n_best=4");
  expect_error(refused, "decode.n_best 4 (--set)");
  // A folder whose config keeps 4 outputs of a beam of 4: a smaller --beam names its setting.
  const std::string saved =
      testing::train_tiny_cli_model(dir, "saved", "--set decode.n_best=4 --set decode.beam_size=4");
  ASSERT_FALSE(saved.empty());
  expect_error(run_tandem("translate --beam 2 --model " + saved, "ab\n"), "decode.n_best 4 (");
  expect_error(run_tandem("translate --beam 2 --model " + saved, "ab\n"), "config.yaml");
  EXPECT_EQ(run_tandem("translate --model " + saved, "ab\n").status, 0);
  // plot-attention draws the best output only: the model's n_best does not matter.
  const ProcessResult plot =
      run_tandem("plot-attention --model " + saved + " --text ab --output " + dir.file("p.svg"));
  EXPECT_EQ(plot.status, 0) << plot.err;
}

// --attention, --attention-json and --alignment all need attention weights: one rule for all.
TEST(CliLimits, AttentionOutputsOfAModelWithoutAttentionAreErrors) {
  TempDir dir;
  const std::string plain =
      testing::train_tiny_cli_model(dir, "plain", "--set model.attention=none");
  ASSERT_FALSE(plain.empty());
  const std::string translate = "translate --model " + plain + " --input " + dir.write("in", "a\n");
  for (const std::string flag : {"--attention", "--attention-json", "--alignment"})
    expect_error(run_tandem(translate + " " + flag), flag + ": the model has attention none");
  EXPECT_EQ(run_tandem(translate).status, 0);
}

// A picture of 900 × 1800 cells (30,000 pixels wide, 117 MB) helps nobody: the limit is named.
TEST(CliLimits, PlotAttentionRefusesTooLongSentences) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string svg = dir.file("a.svg");
  expect_error(run_tandem("plot-attention --model " + model + " --output " + svg + " --text " +
                          std::string(900, 'a')),
               "900 source tokens");
  EXPECT_FALSE(std::filesystem::exists(svg));
  const ProcessResult ok =
      run_tandem("plot-attention --model " + model + " --output " + svg + " --text abc");
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(svg));
}

TEST(CliLimits, VocabRefusesTextWithoutWords) {
  TempDir dir;
  const std::string blank = dir.write("blank.txt", "   \n\t\n \xE3\x80\x80 \n\n");
  const std::string empty = dir.write("empty.txt", "");
  expect_error(run_tandem("vocab -i " + blank + " -i " + empty + " -o " + dir.file("x.model")),
               "blank.txt, " + empty);
  expect_error(run_tandem("vocab -i " + blank + " -o " + dir.file("x.model")), "only whitespace");
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.model")));
}

}  // namespace
}  // namespace tandem
