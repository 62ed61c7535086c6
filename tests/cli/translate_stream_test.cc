// `tandem translate` on a pipe: each line answered as soon as it arrives (another program can
// drive it line by line), with the text that a file's full batching gives.
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/tandem_process.h"
#include "support/temp_dir.h"
#include "support/tiny_cli_model.h"

namespace tandem {
namespace {

using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::run_tandem;
using testing::TandemCoprocess;
using testing::TempDir;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Expects `actual` to be `expected`: the same text, and the same numbers (scores, attention
// weights) to within 1e-4. A pipe's chunks are batched otherwise than a whole file, and matrix
// products of other shapes may round otherwise (OpenBLAS's do, in the portable build): weights
// printed to 17 digits then differ in the last ones.
void expect_same_output(const std::string& actual, const std::string& expected) {
  static const std::regex number(R"(-?[0-9]+\.[0-9]+(e-?[0-9]+)?)");
  std::vector<double> numbers[2];
  std::string text[2];
  for (int k = 0; k < 2; ++k) {
    const std::string& s = k == 0 ? actual : expected;
    text[k] = std::regex_replace(s, number, "#");
    for (auto m = std::sregex_iterator(s.begin(), s.end(), number); m != std::sregex_iterator();
         ++m)
      numbers[k].push_back(std::stod(m->str()));
  }
  EXPECT_EQ(text[0], text[1]);
  ASSERT_EQ(numbers[0].size(), numbers[1].size());
  for (size_t i = 0; i < numbers[0].size(); ++i)
    ASSERT_NEAR(numbers[0][i], numbers[1][i], 1e-4) << "number " << i;
}

// Lines of 0 to 14 letters, a few repeated, in a fixed pseudo-random order.
std::string sample_input(int lines) {
  std::mt19937 rng(7);
  std::string text;
  for (int i = 0; i < lines; ++i) {
    const int length = static_cast<int>(rng() % 15);
    for (int k = 0; k < length; ++k) text += static_cast<char>('a' + rng() % 10);
    text += '\n';
  }
  return text;
}

// Writes a line, waits for its answer, then writes the next: reading all of the input before
// translating any of it (as translate once did) answers nothing until the input ends.
TEST(TranslateStream, AnswersEachLineBeforeTheNextIsWritten) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::vector<std::string> inputs = {"abc", "", "deff", "ghij", "a"};
  std::string all;
  for (const std::string& line : inputs) all += line + "\n";
  for (const std::string options : {"", " --beam 2 --n-best 2 --alignment"}) {
    SCOPED_TRACE(options);
    const ProcessResult batch =
        run_tandem("translate --model " + model + options + " --input " + dir.write("in", all));
    ASSERT_EQ(batch.status, 0) << batch.err;
    const std::vector<std::string> expected = split_lines(batch.out);
    // Two outputs per input with --n-best 2, but one for the empty line.
    const size_t n_best = options.empty() ? 1 : 2;
    ASSERT_EQ(expected.size(), (inputs.size() - 1) * n_best + 1);

    TandemCoprocess translate("translate --model " + model + options);
    size_t next = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      translate.write(inputs[i] + "\n");
      for (size_t k = 0; k < (inputs[i].empty() ? 1 : n_best); ++k) {
        const std::optional<std::string> answer = translate.read_line(20s);
        ASSERT_TRUE(answer) << "no answer to input line " << i + 1
                            << " within 20 s while the input stays open";
        EXPECT_EQ(*answer, expected[next++]) << "input line " << i + 1;
      }
    }
    const ProcessResult end = translate.finish();
    EXPECT_EQ(end.status, 0) << end.err;
    EXPECT_EQ(end.out, "");
  }
}

// A pipe read in chunks (decode.batch_size 3: a chunk is a few batches) gives the same text as
// the file read whole (numbers up to rounding), with n-best indices counting on across chunks;
// so does --output.
TEST(TranslateStream, PipeGivesTheSameTextAsAFile) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string input = sample_input(400);
  const std::string in_file = dir.write("in.txt", input);
  for (const std::string options :
       {" --set decode.batch_size=3", " --set decode.batch_size=3 --beam 3 --n-best 2 --alignment",
        " --set decode.batch_size=5 --threads 1 --attention-json"}) {
    SCOPED_TRACE(options);
    const std::string translate = "translate --model " + model + options;
    const ProcessResult file = run_tandem(translate + " --input " + in_file);
    ASSERT_EQ(file.status, 0) << file.err;
    EXPECT_GE(split_lines(file.out).size(), 400u);  // n-best lists: 1 line for empty inputs
    const ProcessResult pipe = run_tandem(translate, input);
    ASSERT_EQ(pipe.status, 0) << pipe.err;
    expect_same_output(pipe.out, file.out);
    const ProcessResult redirected = run_tandem(translate + " < " + in_file);
    ASSERT_EQ(redirected.status, 0) << redirected.err;
    EXPECT_EQ(redirected.out, file.out);  // a file too: batched alike, the very same bytes
    const ProcessResult to_file = run_tandem(translate + " --output " + dir.file("out.txt"), input);
    ASSERT_EQ(to_file.status, 0) << to_file.err;
    EXPECT_EQ(to_file.out, "");
    expect_same_output(testing::read_file(dir.file("out.txt")), file.out);
  }
}

// Standard input as a file gives it: CRLF line ends, a last line without '\n', a byte order
// mark; invalid UTF-8 names <stdin> and the line.
TEST(TranslateStream, StdinLinesAsInFiles) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string translate = "translate --model " + model;
  const ProcessResult file = run_tandem(translate + " --input " + dir.write("in", "ab\nc\n"));
  ASSERT_EQ(file.status, 0) << file.err;
  for (const std::string input : {"ab\r\nc\r\n", "ab\nc",
                                  "\xEF\xBB\xBF"
                                  "ab\nc\n"}) {
    const ProcessResult pipe = run_tandem(translate, input);
    ASSERT_EQ(pipe.status, 0) << pipe.err;
    EXPECT_EQ(pipe.out, file.out);
  }
  const ProcessResult bad = run_tandem(translate, "ab\nc\n\xc3\x28\n");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("error: <stdin>:3: invalid UTF-8"), std::string::npos) << bad.err;
  const ProcessResult empty = run_tandem(translate, "");
  EXPECT_EQ(empty.status, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  // Input without line ends (a binary file piped by mistake) is not held until memory runs out:
  // the lines before it are answered, then the over-long line is an error naming it.
  const ProcessResult endless = run_tandem(translate, "ab\n" + std::string(17 << 20, 'a'));
  EXPECT_EQ(endless.status, 1);
  EXPECT_EQ(endless.out, file.out.substr(0, file.out.find('\n') + 1));
  EXPECT_NE(endless.err.find("error: <stdin>:2: a line longer than 16 MiB"), std::string::npos)
      << endless.err;
}

}  // namespace
}  // namespace tandem
