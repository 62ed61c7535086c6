// The run-time kernel choice: what CPUID finds agrees with /proc/cpuinfo, the process uses it
// (or what TANDEM_CPU lowers it to), and bad TANDEM_CPU values are errors that name it.
#include "kernels/cpu/cpu_dispatch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/packed_gemm.h"
#include "support/temp_dir.h"

namespace tandem::kernels {
namespace {

using testing::error_message;

// The flags of the first processor in /proc/cpuinfo (the kernel's names: avx512_bf16, not
// the compiler's avx512bf16); empty where there is none.
std::set<std::string> cpuinfo_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::set<std::string> flags;
    for (std::string w; words >> w;) flags.insert(w);
    return flags;
  }
  return {};
}

TEST(CpuDispatch, DetectsWhatCpuinfoLists) {
  const std::set<std::string> flags = cpuinfo_flags();
  if (flags.empty()) GTEST_SKIP() << "no /proc/cpuinfo flags here";
  const bool avx512 = flags.count("avx512f") && flags.count("avx512bw") &&
                      flags.count("avx512dq") && flags.count("avx512vl") && flags.count("fma") &&
                      flags.count("avx2");
  const CpuKernels expected = !avx512                      ? CpuKernels::kGeneric
                              : flags.count("avx512_bf16") ? CpuKernels::kAvx512Bf16
                                                           : CpuKernels::kAvx512;
  EXPECT_EQ(cpu_kernels_name(detected_cpu_kernels()), cpu_kernels_name(expected));
#if defined(__x86_64__)
  EXPECT_EQ(detected_cpu_kernels() >= CpuKernels::kAvx512, __builtin_cpu_supports("avx512f") != 0);
#endif
}

// The process runs what was detected, or what TANDEM_CPU asked for (the portable CI suite sets
// generic), and the GEMM's choices follow.
TEST(CpuDispatch, TheProcessUsesTheChosenSet) {
  const char* setting = std::getenv("TANDEM_CPU");
  const CpuKernels chosen = choose_cpu_kernels(setting ? setting : "", detected_cpu_kernels());
  EXPECT_EQ(cpu_kernels(), chosen);
  EXPECT_EQ(has_packed_gemm(), chosen >= CpuKernels::kAvx512);
  EXPECT_EQ(has_bf16_gemm(), chosen == CpuKernels::kAvx512Bf16);
  // bf16 products exactly where the bf16 kernel is; fp32 is always there.
  EXPECT_EQ(bf16_gemm_available(), chosen == CpuKernels::kAvx512Bf16);
  {
    const ScopedGemmSettings bf16(1, GemmPrecision::kBfloat16);
    EXPECT_EQ(gemm_precision() == GemmPrecision::kBfloat16, chosen == CpuKernels::kAvx512Bf16);
  }
  const ScopedGemmSettings fp32(1, GemmPrecision::kFloat32);
  EXPECT_EQ(gemm_precision(), GemmPrecision::kFloat32);
}

TEST(CpuDispatch, SettingsLowerTheSetAndNeverRaiseIt) {
  for (CpuKernels cpu : {CpuKernels::kGeneric, CpuKernels::kAvx512, CpuKernels::kAvx512Bf16}) {
    EXPECT_EQ(choose_cpu_kernels("", cpu), cpu);
    EXPECT_EQ(choose_cpu_kernels("auto", cpu), cpu);
    EXPECT_EQ(choose_cpu_kernels("generic", cpu), CpuKernels::kGeneric);
  }
  EXPECT_EQ(choose_cpu_kernels("avx512", CpuKernels::kAvx512Bf16), CpuKernels::kAvx512);
  EXPECT_EQ(choose_cpu_kernels("avx512bf16", CpuKernels::kAvx512Bf16), CpuKernels::kAvx512Bf16);
  const std::string more =
      error_message([] { choose_cpu_kernels("avx512bf16", CpuKernels::kAvx512); });
  EXPECT_NE(more.find("TANDEM_CPU=avx512bf16"), std::string::npos) << more;
  EXPECT_NE(more.find("only the 'avx512'"), std::string::npos) << more;
  const std::string none =
      error_message([] { choose_cpu_kernels("avx512", CpuKernels::kGeneric); });
  EXPECT_NE(none.find("only the 'generic'"), std::string::npos) << none;
  const std::string unknown =
      error_message([] { choose_cpu_kernels("AVX512", CpuKernels::kAvx512Bf16); });
  EXPECT_NE(unknown.find("TANDEM_CPU=AVX512: expected auto, generic, avx512 or avx512bf16"),
            std::string::npos)
      << unknown;
}

}  // namespace
}  // namespace tandem::kernels
