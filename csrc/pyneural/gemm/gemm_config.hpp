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
  static constexpr long MC = 1536, KC = 256, NC = 128;
};
template <>
struct Blocking<Isa::Baseline, double> {
  static constexpr int MR = 6, NR = 4, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 1536, KC = 256, NC = 128;
};

// AVX2 + FMA (16 ymm registers).
template <>
struct Blocking<Isa::Avx2, float> {
  static constexpr int MR = 6, NR = 16, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 1536, KC = 256, NC = 256;
};
template <>
struct Blocking<Isa::Avx2, double> {
  static constexpr int MR = 6, NR = 8, REGS = 16, DIRECT_NV = 3;
  static constexpr long MC = 1536, KC = 256, NC = 128;
};

// AVX-512F (32 zmm registers).
template <>
struct Blocking<Isa::Avx512, float> {
  static constexpr int MR = 8, NR = 48, REGS = 32, DIRECT_NV = 4;
  static constexpr long MC = 3072, KC = 384, NC = 480;
};
// KC = 512 halves the passes over C of KC = 256 while the packed KC x NC block
// of B stays at 768 KiB (L2 is 2 MiB per core here), and MC = 768 keeps the
// packed A block at 3 MiB: against OpenBLAS at 2048^3 on one thread, paired in
// one process, 0.99x (median of five runs) where MC, KC, NC = 1536, 256, 384
// gave 0.96x. KC = 512 with NC = 384 (a 1.5 MiB B block) gave 0.83x.
template <>
struct Blocking<Isa::Avx512, double> {
  static constexpr int MR = 8, NR = 24, REGS = 32, DIRECT_NV = 5;
  static constexpr long MC = 768, KC = 512, NC = 192;
};

}  // namespace gemm_config
}  // namespace pyneural

namespace pyneural {
namespace gemm_config {

// Front-end policy, the same for every instruction set (so the path an element
// takes never depends on the thread count). The direct (unpacked) path runs when
// C is narrow (n <= kDirectMaxN, any k, in blocks of KC), or when k <= KC, op(A)
// is small enough to stay in L2 while it is re-read for every block of columns
// and rows of C are at most 1 KiB; then packing costs more than it saves. (Packing
// all of op(A) for a narrow C is the slow part of the blocked path: at
// 256x1024 @ 1024xn the direct path is 14x faster for n = 1, 3.4x for n = 10,
// 1.4x for n = 64.) (Wider C streams the unpacked k x 64 column
// block of B from L2 for every row tile: at 1024 x 256 @ 256 x 1024, the weight
// gradient of a 1024-unit layer, the packed path is 1.3-1.7x faster.)
// Both paths accumulate each element in the same order (see gemm_driver.inc).
// Threads only when m*n*k >= kParallelMinWork (~13 us on one AVX-512 core; waking
// a sleeping OpenMP worker costs 10-50 us, milliseconds on a busy machine), and
// with at least kMinRowsPerThread rows per thread on the direct path.
constexpr long kDirectMaxN = 64;
constexpr double kDirectMaxABytes = 1 << 20;
constexpr double kDirectMaxRowBytes = 1024;
constexpr double kParallelMinWork = 128.0 * 128.0 * 128.0;
constexpr long kMinRowsPerThread = 32;
// Blocked products shared by threads with work stealing over column panels
// (gemm.cpp, use_chunks): when each thread gets at least kMinPanelsPerThread NR
// panels and op(A) packed whole is at most kChunkMaxABytes; a thread takes
// half of its own panels left at a time, at most kOwnPanelsPerTake.
constexpr long kMinPanelsPerThread = 4;
constexpr long kOwnPanelsPerTake = 4;
constexpr double kChunkMaxABytes = 1 << 20;
// The last one-panel chunks go in up to kPanelParts row parts that threads out
// of chunks help with (when the panel's op(B) packed for all of k, which each
// helper packs too, is at most kSharedPanelMaxBytes).
constexpr long kPanelParts = 8;
constexpr double kSharedPanelMaxBytes = 1 << 19;

}  // namespace gemm_config
}  // namespace pyneural
