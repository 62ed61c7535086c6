// `tandem --version` and a mistyped subcommand, through the built command.
#include <gtest/gtest.h>

#include <string>

#include "api/version.h"
#include "support/tandem_process.h"

namespace tandem {
namespace {

using testing::run_tandem;

TEST(CliVersion, PrintsTheProjectVersion) {
  const testing::ProcessResult r = run_tandem("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tandem " + std::string(version()) + "\n");
}

TEST(CliVersion, AMistypedCommandGetsTheNearestOne) {
  const testing::ProcessResult r = run_tandem("tranlate --model m");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: unknown command 'tranlate'; did you mean 'translate'?\n");
  const testing::ProcessResult evl = run_tandem("evl");
  EXPECT_EQ(evl.status, 1);  // as every error of ours (README: exit status)
  EXPECT_EQ(evl.err, "error: unknown command 'evl'; did you mean 'eval'?\n");
}

TEST(CliVersion, AWordNearNoCommandGetsTheListInstead) {
  const testing::ProcessResult r = run_tandem("xylophone");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: unknown command 'xylophone'; the commands are train, translate"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace tandem
