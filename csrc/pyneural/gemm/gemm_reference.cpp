// Portable GEMM used until the blocked, ISA-dispatched kernels land.
#include <vector>

#include "../activations.hpp"
#include "../gemm.hpp"
#include "../threads.hpp"

namespace pyneural {

template <typename T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* a,
          index_t lda, const T* b, index_t ldb, T beta, T* c, index_t ldc, int n_threads) {
  if (m <= 0 || n <= 0) return;
  const bool parallel = n_threads > 1 && m * n * k > (1 << 18);
  (void)parallel;
#ifdef PYNEURAL_OPENMP
#pragma omp parallel for num_threads(n_threads) if (parallel) schedule(static)
#endif
  for (index_t i = 0; i < m; ++i) {
    std::vector<T> acc(static_cast<size_t>(n), T(0));
    for (index_t p = 0; p < k; ++p) {
      const T aip = trans_a ? a[p * lda + i] : a[i * lda + p];
      if (!trans_b) {
        const T* brow = b + p * ldb;
        for (index_t j = 0; j < n; ++j) acc[j] += aip * brow[j];
      } else {
        for (index_t j = 0; j < n; ++j) acc[j] += aip * b[j * ldb + p];
      }
    }
    T* crow = c + i * ldc;
    if (beta == T(0)) {
      for (index_t j = 0; j < n; ++j) crow[j] = alpha * acc[j];
    } else {
      for (index_t j = 0; j < n; ++j) crow[j] = alpha * acc[j] + beta * crow[j];
    }
  }
}

template <typename T>
void gemm_bias_act(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, const T* a,
                   index_t lda, const T* b, index_t ldb, const T* bias, Activation act, T* c,
                   index_t ldc, int n_threads) {
  gemm<T>(trans_a, trans_b, m, n, k, T(1), a, lda, b, ldb, T(0), c, ldc, n_threads);
  for (index_t i = 0; i < m; ++i) {
    T* crow = c + i * ldc;
    if (bias)
      for (index_t j = 0; j < n; ++j) crow[j] += bias[j];
    for (index_t j = 0; j < n; ++j) crow[j] = activate_scalar(act, crow[j]);
  }
}

const char* gemm_isa_name() { return "baseline"; }

#define PYNEURAL_INSTANTIATE(T)                                                             \
  template void gemm<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, const T*, \
                        index_t, T, T*, index_t, int);                                       \
  template void gemm_bias_act<T>(bool, bool, index_t, index_t, index_t, const T*, index_t,    \
                                 const T*, index_t, const T*, Activation, T*, index_t, int);
PYNEURAL_INSTANTIATE(float)
PYNEURAL_INSTANTIATE(double)
#undef PYNEURAL_INSTANTIATE

}  // namespace pyneural
