// Internal interface between the GEMM front end (gemm.cpp: argument handling,
// threading, workspaces) and the per-instruction-set kernels (kernels_*.cpp).
//
// The kernel translation units include this header BEFORE switching the target
// instruction set, so nothing here may define a function or template that the
// kernels instantiate: plain structs and declarations only.
#pragma once

#include <cstddef>

#include "../common.hpp"

namespace pyneural {
namespace gemm_detail {

// Applies a scalar activation (Tanh, Sigmoid) to a rows x cols block of C.
template <typename T>
using ActTileFn = void (*)(int act, T* c, index_t ldc, index_t rows, index_t cols);

// One GEMM call: C = alpha * op(A) @ op(B) + beta * C, then, if bias or act are
// set (gemm_bias_act, alpha = 1, beta = 0), C = act(C + bias).
template <typename T>
struct Args {
  bool trans_a, trans_b;
  index_t m, n, k;
  T alpha;
  const T* a;
  index_t lda;
  const T* b;
  index_t ldb;
  T beta;
  T* c;
  index_t ldc;
  const T* bias;          // length n (one per column), or null
  int act;                // Activation code; 0 = linear
  ActTileFn<T> act_tile;  // for Tanh / Sigmoid
  bool bias_per_row;      // bias has length m, one per row of C (feature-major layers)
};

// The calling thread's own slot, for ColumnTasks::part.
constexpr int kOwnSlot = -1;

// The column work of a product shared by a team (gemm.cpp's work stealing).
// A block of one panel is computed in row parts that threads with nothing else
// left may take too, so that the end of a product waits for a part of a panel
// at most, not for a whole one. Slots are thread numbers.
struct ColumnTasks {
  void* ctx;
  // The calling thread's next block of columns [*j0, *j1) of C (whole NR
  // panels, at most NC wide); false when none are left.
  bool (*next)(void* ctx, index_t* j0, index_t* j1);
  // The caller starts the one-panel block at column j0, in row parts.
  void (*open)(void* ctx, index_t j0);
  // Claims the next of `parts` row parts of the panel at column j0 that thread
  // `slot` (kOwnSlot: the caller) opened; false when none are left.
  bool (*part)(void* ctx, int slot, index_t j0, index_t parts, index_t* part);
  // An opened panel (thread *slot, column *j0) that may have parts left; false if none.
  bool (*help)(void* ctx, index_t parts, int* slot, index_t* j0);
};

// Entry points of one instruction set for one element type.
template <typename T>
struct KernelTable {
  const char* name;
  int mr, nr;
  index_t mc, kc, nc;
  // Blocked (packed) GEMM over the block [i0, i1) x [j0, j1) of C, single thread.
  void (*blocked)(const Args<T>& g, index_t i0, index_t i1, index_t j0, index_t j1);
  // Blocked GEMM over rows [i0, i1) (at most mc of them) and the column work
  // `tasks` hands out, one thread of a team; op(A) is packed once for all of k.
  void (*blocked_chunks)(const Args<T>& g, index_t i0, index_t i1, const ColumnTasks& tasks);
  // Unpacked GEMM over rows [i0, i1) of C, single thread; any k (in blocks of kc).
  void (*direct)(const Args<T>& g, index_t i0, index_t i1);
};

// Per-thread, reusable, 64-byte aligned heap buffer (slot 0: packed A, slot 1:
// packed B). Grows on demand, never shrinks, freed when the thread exits.
void* workspace(int slot, std::size_t bytes);

// Tables of each instruction set (null when not compiled for this architecture).
const KernelTable<float>* baseline_table_f32();
const KernelTable<double>* baseline_table_f64();
const KernelTable<float>* avx2_table_f32();
const KernelTable<double>* avx2_table_f64();
const KernelTable<float>* avx512_table_f32();
const KernelTable<double>* avx512_table_f64();

}  // namespace gemm_detail
}  // namespace pyneural
