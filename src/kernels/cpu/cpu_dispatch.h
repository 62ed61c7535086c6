// Which kernel set this process runs: chosen once, at run time, from what the CPU has (CPUID).
#pragma once

#include <string_view>

namespace tandem::kernels {

// The kernel sets, each a superset of the one before. One build holds all of them: the AVX-512
// ones are compiled with target attributes (packed_gemm_parts.h says why not -mavx512f), so the
// build itself assumes only x86-64 and runs on any such CPU.
enum class CpuKernels {
  kGeneric,     // OpenBLAS for every product (any x86-64 CPU)
  kAvx512,      // our packed fp32 SGEMM (AVX-512 F, BW, DQ, VL)
  kAvx512Bf16,  // and its bf16 variant (AVX512_BF16)
};

// What this CPU (and its OS, which must save the zmm registers) supports.
CpuKernels detected_cpu_kernels();

// The set this process uses: detected_cpu_kernels(), lowered by the environment variable
// TANDEM_CPU when set (read once, on the first call). Throws Error for a value it does not know
// or a set the CPU lacks.
CpuKernels cpu_kernels();

// TANDEM_CPU's value against what the CPU has: "" or "auto" → detected; "generic", "avx512",
// "avx512bf16" → that set, when detected has it. Throws Error naming TANDEM_CPU otherwise.
CpuKernels choose_cpu_kernels(std::string_view setting, CpuKernels detected);

// "generic", "avx512" or "avx512bf16": the names TANDEM_CPU takes.
std::string_view cpu_kernels_name(CpuKernels kernels);

}  // namespace tandem::kernels
