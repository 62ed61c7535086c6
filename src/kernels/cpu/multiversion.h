// TANDEM_MULTIVERSION: an element-wise kernel compiled for three x86-64 levels, the best one for
// this CPU picked when the program loads.
#pragma once

#include <string_view>

// The release build assumes plain x86-64 (SSE2), so that one binary runs on every such CPU. Its
// element-wise loops (cells, attention, softmax, the optimiser) then run 4 floats wide instead of
// 8 or 16, which cost greedy decoding ~13% against -march=native (bench/RESULTS.md, 2026-12-08).
// target_clones compiles a marked function three times — baseline, AVX2 and AVX-512F — and the
// dynamic loader binds its calls to the best one through an ifunc (CPUID). AVX-512F brings FMA,
// and a contracted a·b + c rounds otherwise: src/CMakeLists.txt compiles these files with
// -ffp-contract=off, so that no clone fuses a product into an addition. Element by element every
// clone then computes the baseline's bits, 8 or 16 floats at a time (the vector body equals the
// scalar functions, which tests/kernels/vec_math_test.cc checks). Reductions do not: a
// `#pragma omp simd reduction` loop (softmax, layer norm, cross-entropy, the attention scores and
// context) keeps 4, 8 or 16 partial sums and adds them in a different order per clone, so such
// sums — and what follows from them — may differ in the last bits between instruction sets.
// scripts/test.sh portable runs the tests under qemu as a CPU without AVX2, so the baseline
// clones are tested too. Only the marked function (and what is inlined into
// it) is cloned; inline and template functions it calls out of line stay baseline, so the
// one-copy-per-program hazard that packed_gemm_parts.h describes cannot arise. Unlike the GEMM
// kernels (cpu_dispatch.h), this choice is the loader's, before main: TANDEM_CPU does not change
// it. A -march=native build needs no clones.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__AVX512F__)
#define TANDEM_MULTIVERSION __attribute__((target_clones("default", "avx2", "avx512f")))
#define TANDEM_MULTIVERSION_CLONES
#else
#define TANDEM_MULTIVERSION
#endif

namespace tandem::kernels {

// The clone set the loader bound in this process: "avx512f", "avx2" or "baseline" (the
// "default" clone), or a note that this build has no clones.
std::string_view elementwise_clones_name();

}  // namespace tandem::kernels
