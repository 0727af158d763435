// Blocking constants of the GEMM, per instruction set and element type: the one
// place where MC/KC/NC/MR/NR live.
//
//   MR x NR  register tile of the micro-kernel (MR rows broadcast from packed A,
//            NR columns = NR / lanes vectors loaded from packed B)
//   KC       depth of one packed block; the KC x MR micro-panel of A stays in L1
//   MC       rows of the packed MC x KC block of A (L3, or L2 when small)
//   NC       columns of the packed KC x NC block of B, kept in L2
//
// The direct (unpacked) path for small problems uses up to DIRECT_NV vectors of
// columns; its row count per tile follows from the register file (REGS).
#pragma once

namespace pyneural {
namespace gemm_config {

enum class Isa : int { Baseline = 0, Avx2 = 1, Avx512 = 2 };

template <Isa I, typename T>
struct Blocking;

// x86-64 SSE2 (16 xmm registers) or portable C++.
template <>
struct Blocking<Isa::Baseline, float> {
  static constexpr int MR = 6, NR = 8, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 192, KC = 256, NC = 2048;
};
template <>
struct Blocking<Isa::Baseline, double> {
  static constexpr int MR = 6, NR = 4, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 192, KC = 256, NC = 2048;
};

// AVX2 + FMA (16 ymm registers).
template <>
struct Blocking<Isa::Avx2, float> {
  static constexpr int MR = 6, NR = 16, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 144, KC = 256, NC = 4080;
};
template <>
struct Blocking<Isa::Avx2, double> {
  static constexpr int MR = 6, NR = 8, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 96, KC = 256, NC = 4080;
};

// AVX-512F (32 zmm registers).
template <>
struct Blocking<Isa::Avx512, float> {
  static constexpr int MR = 12, NR = 32, REGS = 32, DIRECT_NV = 4;
  static constexpr long MC = 240, KC = 256, NC = 4096;
};
template <>
struct Blocking<Isa::Avx512, double> {
  static constexpr int MR = 12, NR = 16, REGS = 32, DIRECT_NV = 5;
  static constexpr long MC = 144, KC = 256, NC = 4096;
};

}  // namespace gemm_config
}  // namespace pyneural

namespace pyneural {
namespace gemm_config {

// Front-end policy, the same for every instruction set (so the path an element
// takes never depends on the thread count).
//   direct (unpacked) path when k <= KC and (n <= kDirectMaxN or m*n*k <= kDirectMaxWork)
//   threads only when m*n*k >= kParallelMinWork, and at least kMinRowsPerThread
//   rows (direct path) per thread
constexpr long kDirectMaxN = 64;
constexpr double kDirectMaxWork = 96.0 * 96.0 * 96.0;
constexpr double kParallelMinWork = 64.0 * 64.0 * 64.0;
constexpr long kMinRowsPerThread = 32;

}  // namespace gemm_config
}  // namespace pyneural
