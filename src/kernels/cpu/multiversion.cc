// Which of TANDEM_MULTIVERSION's clones the loader bound in this process, for tandem --version.
#include "kernels/cpu/multiversion.h"

namespace tandem::kernels {

std::string_view elementwise_clones_name() {
#if defined(TANDEM_MULTIVERSION_CLONES)
  // The ifunc resolver GCC emits for target_clones asks the same CPUID bits, best clone first.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2")) return "avx2";
  return "baseline";
#else
  return "not cloned (built for one instruction set)";
#endif
}

}  // namespace tandem::kernels
