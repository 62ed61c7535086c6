// `tandem --version` and a mistyped subcommand, through the built command.
#include <gtest/gtest.h>

#include <string>

#include "support/tandem_process.h"

namespace tandem {
namespace {

using testing::run_tandem;

TEST(CliVersion, PrintsTheProjectVersion) {
  const testing::ProcessResult r = run_tandem("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tandem 0.1.0\n");
}

TEST(CliVersion, AMistypedCommandGetsTheNearestOne) {
  const testing::ProcessResult r = run_tandem("tranlate --model m");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "error: unknown command 'tranlate'; did you mean 'translate'?\n");
  EXPECT_EQ(run_tandem("evl").err, "error: unknown command 'evl'; did you mean 'eval'?\n");
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
