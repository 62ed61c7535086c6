// tandem --version names the version and the kernels; a mistyped command gets the nearest one
// suggested, with exit status 1.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "api/version.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/cpu/multiversion.h"
#include "support/tandem_process.h"

namespace tandem {
namespace {

using testing::ProcessResult;
using testing::run_tandem;

TEST(CommandLine, VersionNamesTheVersionAndTheKernels) {
  const ProcessResult r = run_tandem("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind(std::string("tandem ") + version() + "\n", 0), 0u) << r.out;
  const std::string cpu(kernels::cpu_kernels_name(kernels::detected_cpu_kernels()));
  EXPECT_NE(r.out.find("(this CPU: " + cpu + ")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kernels: "), std::string::npos) << r.out;
  // The loader's clone set, which TANDEM_CPU does not lower: a CPU with our AVX-512 kernels has
  // AVX-512F, so its element-wise clones are those too (under qemu without AVX2: "baseline").
  const std::string clones(kernels::elementwise_clones_name());
  EXPECT_NE(r.out.find("\nelement-wise kernels: " + clones), std::string::npos) << r.out;
  if (kernels::detected_cpu_kernels() != kernels::CpuKernels::kGeneric) {
    EXPECT_EQ(clones, "avx512f");
  }
}

TEST(CommandLine, AMistypedCommandGetsTheNearestOne) {
  for (const auto& [typed, meant] : std::vector<std::pair<std::string, std::string>>{
           {"trian", "train"}, {"translte", "translate"}, {"evl", "eval"}, {"serv", "serve"}}) {
    const ProcessResult r = run_tandem(typed + " --config x.yaml");
    EXPECT_EQ(r.status, 1) << typed;
    EXPECT_NE(
        r.err.find("error: '" + typed + "' is not a tandem command; did you mean '" + meant + "'?"),
        std::string::npos)
        << r.err;
  }
  const ProcessResult far = run_tandem("frobnicate");
  EXPECT_EQ(far.status, 1);
  EXPECT_NE(far.err.find("error: 'frobnicate' is not a tandem command (tandem --help lists them)"),
            std::string::npos)
      << far.err;
}

}  // namespace
}  // namespace tandem
