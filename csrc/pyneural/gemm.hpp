// General matrix multiply, the engine's one hot kernel.
//
//   C = alpha * op(A) @ op(B) + beta * C        (row-major; op(X) is X or X^T)
//
// op(A) is m x k, op(B) is k x n, C is m x n with row stride ldc. A is read as
// A[i*lda + p] (trans_a = false) or A[p*lda + i] (trans_a = true); B likewise.
// beta == 0 never reads C (it may hold garbage or NaN). Each element of C is
// accumulated in the same order whatever n_threads is, so results do not depend
// on the thread count. Safe to call from several threads at once.
#pragma once

#include <string>
#include <vector>

#include "common.hpp"

namespace pyneural {

template <typename T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* a,
          index_t lda, const T* b, index_t ldb, T beta, T* c, index_t ldc, int n_threads);

// C = act(op(A) @ op(B) + bias), bias of length n, one per column (may be null),
// or with bias_per_row of length m, one per row (layers computed feature-major,
// Zᵀ = Wᵀ Xᵀ). act must be Linear, ReLU, Tanh or Sigmoid (softmax needs whole
// rows; apply it afterwards).
template <typename T>
void gemm_bias_act(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, const T* a,
                   index_t lda, const T* b, index_t ldb, const T* bias, Activation act, T* c,
                   index_t ldc, int n_threads, bool bias_per_row = false);

// Name of the instruction set the kernels run with ("baseline", "avx2", "avx512"):
// the best one this CPU and OS support, unless PYNEURAL_CPU_FEATURES or
// gemm_set_isa chose another.
const char* gemm_isa_name();

// Instruction sets this CPU supports, from "baseline" up.
std::vector<std::string> gemm_available_isas();

// Switch every later GEMM call to `name`; false (nothing changed) if the name is
// unknown or the CPU cannot run it. Not meant to race with running GEMMs.
bool gemm_set_isa(const std::string& name);

// Why PYNEURAL_CPU_FEATURES was not followed (empty when it was, or is unset).
std::string gemm_isa_warning();

// Register tile and cache blocks of the active kernels (for tests and reports).
struct GemmBlocking {
  int mr, nr;
  index_t mc, kc, nc;
};
GemmBlocking gemm_blocking(bool double_precision);

}  // namespace pyneural
