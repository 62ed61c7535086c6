// Run-time choice of the kernel set: CPUID through the compiler's __builtin_cpu_supports,
// lowered by TANDEM_CPU (e.g. TANDEM_CPU=generic tests the OpenBLAS path on an AVX-512 machine).
#include "kernels/cpu/cpu_dispatch.h"

#include <cstdlib>
#include <string>

#include "tensor/error.h"

namespace tandem::kernels {

CpuKernels detected_cpu_kernels() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  // libgcc's and compiler-rt's checks include the OS's support for the AVX-512 state (XCR0).
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
  if (!avx512) return CpuKernels::kGeneric;
  return __builtin_cpu_supports("avx512bf16") ? CpuKernels::kAvx512Bf16 : CpuKernels::kAvx512;
#else
  return CpuKernels::kGeneric;  // the AVX-512 kernels exist only on x86-64
#endif
}

std::string_view cpu_kernels_name(CpuKernels kernels) {
  switch (kernels) {
    case CpuKernels::kAvx512:
      return "avx512";
    case CpuKernels::kAvx512Bf16:
      return "avx512bf16";
    case CpuKernels::kGeneric:
      break;
  }
  return "generic";
}

CpuKernels choose_cpu_kernels(std::string_view setting, CpuKernels detected) {
  if (setting.empty() || setting == "auto") return detected;
  for (CpuKernels wanted : {CpuKernels::kGeneric, CpuKernels::kAvx512, CpuKernels::kAvx512Bf16}) {
    if (setting != cpu_kernels_name(wanted)) continue;
    check(wanted <= detected, [&] {
      return "TANDEM_CPU=" + std::string(setting) + ": this CPU has only the '" +
             std::string(cpu_kernels_name(detected)) + "' kernels";
    });
    return wanted;
  }
  throw Error("TANDEM_CPU=" + std::string(setting) +
              ": expected auto, generic, avx512 or avx512bf16");
}

CpuKernels cpu_kernels() {
  // A static's initialiser that throws is run again on the next call: a bad value is reported
  // every time, never half-applied.
  static const CpuKernels chosen = [] {
    const char* setting = std::getenv("TANDEM_CPU");
    return choose_cpu_kernels(setting ? setting : "", detected_cpu_kernels());
  }();
  return chosen;
}

}  // namespace tandem::kernels
