// OpenMP helpers. The build may have no OpenMP (PYNEURAL_OPENMP undefined): then
// everything runs serially and these helpers say so.
#pragma once

#include <algorithm>

#include "common.hpp"

#ifdef PYNEURAL_OPENMP
#include <omp.h>
#endif

#if defined(__SSE__) || defined(_M_X64) || defined(_M_IX86)
#include <xmmintrin.h>
#define PYNEURAL_HAS_MXCSR 1
#endif

namespace pyneural {

inline bool openmp_enabled() {
#ifdef PYNEURAL_OPENMP
  return true;
#else
  return false;
#endif
}

// Threads OpenMP would use by default (respects OMP_NUM_THREADS).
inline int default_threads() {
#ifdef PYNEURAL_OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

inline int thread_id() {
#ifdef PYNEURAL_OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// Flush-to-zero and denormals-are-zero for the lifetime of the guard, on the
// calling thread. Adam's second-moment buffers decay geometrically into the
// subnormal range late in training, where every arithmetic operation on them is
// ~100x slower; treating subnormals as zero changes no result that matters
// (values below 1.2e-38 in float32, 2.2e-308 in float64) and keeps epochs fast.
class FlushDenormalsGuard {
 public:
  FlushDenormalsGuard() {
#ifdef PYNEURAL_HAS_MXCSR
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
#endif
  }
  ~FlushDenormalsGuard() {
#ifdef PYNEURAL_HAS_MXCSR
    _mm_setcsr(saved_);
#endif
  }
  FlushDenormalsGuard(const FlushDenormalsGuard&) = delete;
  FlushDenormalsGuard& operator=(const FlushDenormalsGuard&) = delete;

 private:
  unsigned saved_ = 0;
};

// Elements per thread below which an element-wise pass (optimizer update,
// activation backward) stays on one thread: such passes are memory-bound, and
// waking a worker costs about as much as 64k elements.
constexpr index_t kElementwiseMinPerThread = index_t(1) << 16;

// fn(begin, end) over [0, n) in contiguous chunks, one per thread, each a
// multiple of 16 elements (whole cache lines) and at least min_per_thread long;
// serial when that leaves one chunk. For element-wise kernels, whose results do
// not depend on the split; fn must not throw. Workers take the caller's MXCSR,
// so they flush denormals (or not) as the caller does.
template <typename Fn>
void parallel_ranges(index_t n, int n_threads, index_t min_per_thread, Fn&& fn) {
  const index_t most = std::max<index_t>(1, n / std::max<index_t>(min_per_thread, 1));
  const int nt = int(std::min<index_t>(std::max(n_threads, 1), most));
#ifdef PYNEURAL_OPENMP
  if (nt > 1) {
#ifdef PYNEURAL_HAS_MXCSR
    const unsigned csr = _mm_getcsr();
#endif
#pragma omp parallel num_threads(nt)
    {
#ifdef PYNEURAL_HAS_MXCSR
      const unsigned saved = _mm_getcsr();
      _mm_setcsr(csr);
#endif
      // From the team OpenMP actually gave (OMP_DYNAMIC or a thread limit may give
      // fewer than nt), so every element is covered.
      const index_t team = omp_get_num_threads();
      const index_t chunk = ((n + team - 1) / team + 15) / 16 * 16;
      const index_t begin = std::min<index_t>(n, index_t(omp_get_thread_num()) * chunk);
      const index_t end = std::min<index_t>(n, begin + chunk);
      if (begin < end) fn(begin, end);
#ifdef PYNEURAL_HAS_MXCSR
      _mm_setcsr(saved);
#endif
    }
    return;
  }
#endif
  (void)nt;
  fn(index_t(0), n);
}

}  // namespace pyneural
