// TANDEM_CPU through the command: generic (OpenBLAS for every product) translates and trains
// like the kernels the CPU has, to rounding; bf16 falls back to fp32 without its kernel; an
// unknown value is an error that names the variable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/tandem_process.h"
#include "support/temp_dir.h"
#include "support/tiny_cli_model.h"

namespace tandem {
namespace {

using testing::ProcessResult;
using testing::run_tandem;
using testing::TempDir;

// TANDEM_CPU for the commands this test starts, restored afterwards: the portable CI suite
// runs every test with TANDEM_CPU=generic.
class ScopedCpuSetting {
 public:
  explicit ScopedCpuSetting(const char* value) {
    if (const char* old = std::getenv("TANDEM_CPU")) previous_ = old;
    set(value);
  }
  ~ScopedCpuSetting() { set(previous_ ? previous_->c_str() : nullptr); }
  void set(const char* value) {
    if (value)
      ::setenv("TANDEM_CPU", value, 1);
    else
      ::unsetenv("TANDEM_CPU");
  }

 private:
  std::optional<std::string> previous_;
};

struct Hypothesis {
  std::string index, text;
  double score;
};

// "index ||| text ||| score" lines (--n-best).
std::vector<Hypothesis> parse_n_best(const std::string& out) {
  std::vector<Hypothesis> result;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t a = line.find(" ||| "), b = line.rfind(" ||| ");
    if (a == std::string::npos || a == b) {
      ADD_FAILURE() << "not an n-best line: " << line;
      continue;
    }
    result.push_back(
        {line.substr(0, a), line.substr(a + 5, b - a - 5), std::stod(line.substr(b + 5))});
  }
  return result;
}

// The loss of the last "step N | … | loss X | …" line.
double last_loss(const std::string& log) {
  const size_t at = log.rfind("| loss ");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no loss in: " << log;
    return NAN;
  }
  return std::stod(log.substr(at + 7));
}

const char kInput[] = "abc\nde\nf\nghij\nhgfe\ncab\n";

TEST(CpuDispatchCli, GenericTranslatesAndTrainsLikeTheDetectedKernels) {
  TempDir dir;
  ScopedCpuSetting cpu("auto");
  const std::string sets = "--set train.max_steps=30 --set train.log_every=30";
  const std::string model = testing::train_tiny_cli_model(dir, "model", sets);
  ASSERT_FALSE(model.empty());
  const std::string translate = "translate --model " + model + " --beam 3 --n-best 3";
  const ProcessResult detected = run_tandem(translate, kInput);
  ASSERT_EQ(detected.status, 0) << detected.err;
  cpu.set("generic");
  const ProcessResult version = run_tandem("--version");  // the setting reaches the command
  EXPECT_NE(version.out.find("kernels: generic (this CPU: "), std::string::npos) << version.out;
  const ProcessResult generic = run_tandem(translate, kInput);
  ASSERT_EQ(generic.status, 0) << generic.err;
  const auto want = parse_n_best(detected.out), got = parse_n_best(generic.out);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(want.size(), 3u * 6u);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].index, want[i].index);
    EXPECT_EQ(got[i].text, want[i].text) << "hypothesis " << i;
    EXPECT_NEAR(got[i].score, want[i].score, 1e-4) << "hypothesis " << i;
  }

  // Training: 30 steps on each path end at the same loss, to rounding.
  const ProcessResult trained_generic =
      run_tandem("train --config " + dir.file("model.yaml") + " " + sets +
                 " --set train.model_dir=" + dir.file("generic"));
  ASSERT_EQ(trained_generic.status, 0) << trained_generic.err;
  cpu.set("auto");
  const ProcessResult trained_detected =
      run_tandem("train --config " + dir.file("model.yaml") + " " + sets +
                 " --set train.model_dir=" + dir.file("detected"));
  ASSERT_EQ(trained_detected.status, 0) << trained_detected.err;
  EXPECT_NEAR(last_loss(trained_generic.err), last_loss(trained_detected.err), 1e-3);
}

// Without the bf16 kernel, bf16 asked for is fp32 with a warning: the same outputs.
TEST(CpuDispatchCli, Bf16WithoutItsKernelIsFp32) {
  TempDir dir;
  ScopedCpuSetting cpu("generic");
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  const std::string translate = "translate --model " + model + " --beam 2 --n-best 2";
  const ProcessResult fp32 = run_tandem(translate, kInput);
  const ProcessResult bf16 = run_tandem(translate + " --set decode.precision=bf16", kInput);
  ASSERT_EQ(bf16.status, 0) << bf16.err;
  EXPECT_NE(bf16.err.find("no AVX512_BF16 kernel; using fp32"), std::string::npos) << bf16.err;
  EXPECT_EQ(bf16.out, fp32.out);
}

TEST(CpuDispatchCli, AnUnknownSettingIsAnError) {
  TempDir dir;
  const std::string model = testing::train_tiny_cli_model(dir);
  ASSERT_FALSE(model.empty());
  ScopedCpuSetting cpu("avx-512");
  for (const std::string& command :
       {"translate --model " + model, "train --config " + dir.file("model.yaml") +
                                          " --set train.model_dir=" + dir.file("again")}) {
    const ProcessResult r = run_tandem(command, kInput);
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_NE(r.err.find("error: TANDEM_CPU=avx-512: expected auto, generic, avx512 or avx512bf16"),
              std::string::npos)
        << command << ": " << r.err;
  }
}

}  // namespace
}  // namespace tandem
