// The tandem command on bad input: a clear "error: …" naming the file, line or key, exit status
// 1, never a crash — and empty input lines translate to empty output lines.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/temp_dir.h"

namespace tandem {
namespace {

using testing::TempDir;

struct CommandResult {
  int status;
  std::string output;  // stdout and stderr together
};

CommandResult run(const std::string& args) {
  const std::string command = std::string(TANDEM_BINARY) + " " + args + " 2>&1";
  CommandResult r{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;  // -1: killed by a signal
  return r;
}

void expect_error(const CommandResult& r, const std::string& part) {
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("error: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(part), std::string::npos) << "wanted '" << part << "' in: " << r.output;
}

std::string config_for(const TempDir& dir, const std::string& extra = "") {
  return dir.write("c.yaml", "data: {train_source: " + dir.file("a.src") +
                                 ", train_target: " + dir.file("a.tgt") +
                                 "}\nmodel: {embedding_size: 4, encoder: {hidden_size: 4}, "
                                 "decoder: {hidden_size: 8}}\ntrain: {model_dir: " +
                                 dir.file("model") + ", max_steps: 2, log_every: 1}\n" + extra);
}

TEST(Cli, TrainErrorsNameTheFileLineOrKey) {
  TempDir dir;
  dir.write("a.src", "abc\nde\nf\n");
  dir.write("a.tgt", "cba\ned\n");  // one line short
  const std::string config = config_for(dir);
  expect_error(run("train --config " + config), "a.tgt");
  expect_error(run("train --config " + dir.file("missing.yaml")), "missing.yaml");
  expect_error(run("train --config " + config + " --set model.cel=gru"), "model.cell");
  expect_error(run("train --config " + config + " --set model.attention=luong"),
               "bahdanau");  // lists the valid choices
  dir.write("a.tgt", "cba\ned\nf\n");
  dir.write("a.src", "abc\nd\xff\nf\n");
  expect_error(run("train --config " + config), "a.src:2");
  dir.write("a.src", "abc\nde\nf\n");
  expect_error(run("train --config " + dir.write("bad.yaml", "model: [1, 2\n")), "bad.yaml");
}

TEST(Cli, TranslateErrorsAndEmptyLines) {
  TempDir dir;
  dir.write("a.src", "abc\nde\nf\n");
  dir.write("a.tgt", "cba\ned\nf\n");
  CommandResult trained = run("train --config " + config_for(dir));
  ASSERT_EQ(trained.status, 0) << trained.output;
  const std::string model = dir.file("model");
  expect_error(run("translate --model " + dir.file("nowhere")), "does not exist");
  dir.write("bad.txt", "ab\n\xc3\x28\n");
  expect_error(run("translate --model " + model + " --input " + dir.file("bad.txt")), "bad.txt:2");
  expect_error(run("translate --model " + model + " --input " + dir.file("none.txt")), "none.txt");
  // Empty lines in, empty lines out, in order; the output file written whole.
  dir.write("in.txt", "ab\n\n\nc\n");
  CommandResult ok = run("translate --model " + model + " --input " + dir.file("in.txt") +
                         " --output " + dir.file("out.txt"));
  ASSERT_EQ(ok.status, 0) << ok.output;
  std::ifstream out(dir.file("out.txt"));
  std::string all((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 4);
  size_t first = all.find('\n');
  EXPECT_EQ(all.substr(first, 3), "\n\n\n");  // lines 2 and 3 empty
  // --threads: the same outputs on one thread as on two (a batch per line: two workers).
  const std::string per_line = "translate --model " + model + " --input " + dir.file("in.txt") +
                               " --set decode.batch_size=1 --threads ";
  CommandResult one = run(per_line + "1"), two = run(per_line + "2");
  ASSERT_EQ(one.status, 0) << one.output;
  EXPECT_EQ(one.output, two.output);
  EXPECT_EQ(one.output, all);
  CommandResult no_threads = run(per_line + "0");
  EXPECT_NE(no_threads.status, 0);
  EXPECT_NE(no_threads.output.find("--threads"), std::string::npos) << no_threads.output;
  // Alignments need attention weights: a model without them says so instead of empty pairs.
  CommandResult plain = run("train --config " + config_for(dir) + " --set model.attention=none" +
                            " --set train.model_dir=" + dir.file("plain"));
  ASSERT_EQ(plain.status, 0) << plain.output;
  expect_error(
      run("translate --alignment --model " + dir.file("plain") + " --input " + dir.file("in.txt")),
      "--alignment: the model has attention none");
  CommandResult usage = run("");
  EXPECT_NE(usage.status, 0);
  EXPECT_NE(usage.status, -1);
}

// Each of these once crashed (exit 139), failed with a message naming no option, or was
// accepted and silently ignored.
TEST(Cli, OutOfRangeOptionsAndIgnoredInputAreErrors) {
  TempDir dir;
  dir.write("a.src", "abc\nde\nf\n");
  dir.write("a.tgt", "cba\ned\nf\n");
  const std::string train = "train --config " + config_for(dir);
  expect_error(run(train + " --set model.embedding_size=9223372036854775807"),
               "model.embedding_size: expected an integer in [1, 65536]");
  expect_error(run(train + " --set model.encoder.layers=1000000000"), "model.encoder.layers");
  expect_error(run(train + " --set train.threads=100000"), "train.threads");
  expect_error(run(train + " --set train.model_dir=" + dir.write("afile", "x")),
               "--set: train.model_dir: '" + dir.file("afile") + "' is a file, not a folder");
  expect_error(run("train --config " + config_for(dir, "---\nmodel: {cell: lstm}\n")),
               "c.yaml:5: a second YAML document");

  ASSERT_EQ(run("train --config " + config_for(dir)).status, 0);  // c.yaml again, one document
  const std::string translate =
      "translate --model " + dir.file("model") + " --input " + dir.write("in.txt", "ab\n");
  expect_error(run(translate + " --set model.cell=lstm"), "--set: model.cell: only decode.* keys");
  expect_error(run(translate + " --set train.max_steps=3"), "--set: train.max_steps");
  expect_error(run(translate + " --beam 0"), "--beam: decode.beam_size: expected an integer");
  expect_error(run(translate + " --beam -3"), "--beam: decode.beam_size");
  expect_error(run(translate + " --n-best 0"), "--n-best: decode.n_best");
  expect_error(run("plot-attention --model " + dir.file("model") + " --text ab --output " +
                   dir.file("a.svg") + " --beam -1"),
               "--beam: decode.beam_size");
  expect_error(run("translate --model " + dir.file("afile")), "is a file, not a folder");

  for (const char* size : {"0", "99999999999999999999"}) {
    CommandResult r =
        run("vocab -i " + dir.file("a.src") + " -o " + dir.file("x.model") + " --size " + size);
    EXPECT_NE(r.status, 0) << size;
    EXPECT_NE(r.output.find("--size: Value " + std::string(size) + " not in range 1 to 1000000"),
              std::string::npos)
        << r.output;
  }
}

TEST(Cli, EvalScoresFilesAndRejectsBadOnes) {
  TempDir dir;
  dir.write("hyp.txt", "the cat sat on the mat\nhello world\n");
  dir.write("ref.txt", "the cat sat on the mat\nhello there world\n");
  CommandResult ok = run("eval -i " + dir.file("hyp.txt") + " -r " + dir.file("ref.txt") +
                         " -m bleu chrf wer exact");
  ASSERT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("BLEU = "), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("Exact = 50.00"), std::string::npos) << ok.output;
  CommandResult json = run("eval --json -i " + dir.file("hyp.txt") + " -r " + dir.file("ref.txt"));
  ASSERT_EQ(json.status, 0) << json.output;
  EXPECT_EQ(json.output.front(), '[');
  dir.write("short.txt", "one line\n");
  expect_error(run("eval -i " + dir.file("hyp.txt") + " -r " + dir.file("short.txt")), "short.txt");
  dir.write("empty.txt", "");
  expect_error(run("eval -i " + dir.file("empty.txt") + " -r " + dir.file("empty.txt")),
               "nothing to evaluate");
  dir.write("bad.txt", "fine\n\xff\n");
  expect_error(run("eval -i " + dir.file("bad.txt") + " -r " + dir.file("ref.txt")), "bad.txt");
  expect_error(run("eval -i " + dir.file("hyp.txt") + " -r " + dir.file("ref.txt") + " -m blue"),
               "bleu");
}

TEST(Cli, VocabTrainsASentencePieceModelThatTrainAndTranslateUse) {
  TempDir dir;
  std::string src, tgt;
  for (int i = 0; i < 150; ++i) {
    const std::string a = std::to_string(i * 7919 % 1000), b = std::to_string(i * 104729 % 1000);
    src += "copy " + a + " and " + b + "\n";
    tgt += "kopiere " + a + " und " + b + "\n";
  }
  dir.write("a.src", src);
  dir.write("a.tgt", tgt);
  CommandResult ok = run("vocab -i " + dir.file("a.src") + " -i " + dir.file("a.tgt") + " -o " +
                         dir.file("joint.model") + " --type bpe --size 40");
  ASSERT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("bpe model, 40 pieces"), std::string::npos) << ok.output;
  CommandResult trained =
      run("train --config " + config_for(dir) +
          " --set data.source_tokenizer=spm"
          " --set data.target_tokenizer=spm --set data.source_spm_model=" +
          dir.file("joint.model") + " --set data.target_spm_model=" + dir.file("joint.model"));
  ASSERT_EQ(trained.status, 0) << trained.output;
  dir.write("in.txt", "copy 12 and 34\n");
  CommandResult translated =
      run("translate --model " + dir.file("model") + " --input " + dir.file("in.txt"));
  ASSERT_EQ(translated.status, 0) << translated.output;
  EXPECT_EQ(translated.output.find("\xE2\x96\x81"), std::string::npos)  // plain text, no "▁"
      << translated.output;

  expect_error(run("vocab -i " + dir.file("missing.txt") + " -o " + dir.file("x.model")),
               "missing.txt");
  expect_error(
      run("vocab -i " + dir.file("a.src") + " -o " + dir.file("x.model") + " --size 100000"),
      "Vocabulary size too high");
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.model")));
  CommandResult bad_type =
      run("vocab -i " + dir.file("a.src") + " -o " + dir.file("x.model") + " --type wordpiece");
  EXPECT_NE(bad_type.status, 0);
  EXPECT_NE(bad_type.output.find("wordpiece"), std::string::npos) << bad_type.output;
}

}  // namespace
}  // namespace tandem
