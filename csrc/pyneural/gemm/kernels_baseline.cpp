// Baseline kernels: SSE2 on x86 (part of x86-64 itself, 16 xmm registers), plain
// C++ with one-lane "vectors" on other architectures. Always available.
#include "gemm_config.hpp"
#include "gemm_internal.hpp"

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define PYNEURAL_GEMM_SSE2 1
#endif

namespace pyneural {
namespace gemm_baseline {

constexpr gemm_config::Isa kIsa = gemm_config::Isa::Baseline;
constexpr char kName[] = "baseline";

template <typename T>
struct V;

#ifdef PYNEURAL_GEMM_SSE2

// SSE2 has no masked loads/stores: partial ones go through a small buffer.
template <>
struct V<float> {
  using reg = __m128;
  static constexpr int W = 4;
  static inline reg zero() { return _mm_setzero_ps(); }
  static inline reg set1(float x) { return _mm_set1_ps(x); }
  static inline reg load(const float* p) { return _mm_loadu_ps(p); }
  static inline reg load_partial(const float* p, int n) {
    alignas(16) float t[4] = {0.f, 0.f, 0.f, 0.f};
    for (int i = 0; i < n && i < 4; ++i) t[i] = p[i];
    return _mm_load_ps(t);
  }
  static inline void store(float* p, reg x) { _mm_storeu_ps(p, x); }
  static inline void store_partial(float* p, reg x, int n) {
    alignas(16) float t[4];
    _mm_store_ps(t, x);
    for (int i = 0; i < n && i < 4; ++i) p[i] = t[i];
  }
  static inline reg fma(reg a, reg b, reg c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static inline reg add(reg a, reg b) { return _mm_add_ps(a, b); }
  static inline reg mul(reg a, reg b) { return _mm_mul_ps(a, b); }
  static inline reg max(reg a, reg b) { return _mm_max_ps(a, b); }
  static inline float hsum(reg x) {  // 4 -> 2 -> 1
    __m128 q = _mm_add_ps(x, _mm_movehl_ps(x, x));
    q = _mm_add_ss(q, _mm_shuffle_ps(q, q, 1));
    return _mm_cvtss_f32(q);
  }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  static constexpr bool kGather = false;
  static constexpr bool kGroupDot = false;
  static constexpr bool kRowDots = false;
  static inline reg gather(const float*, index_t, int) { return zero(); }
  static constexpr bool kTranspose = false;
  static inline void transpose_block(const float*, index_t, float*, index_t, int, int) {}
};

template <>
struct V<double> {
  using reg = __m128d;
  static constexpr int W = 2;
  static inline reg zero() { return _mm_setzero_pd(); }
  static inline reg set1(double x) { return _mm_set1_pd(x); }
  static inline reg load(const double* p) { return _mm_loadu_pd(p); }
  static inline reg load_partial(const double* p, int n) {
    return n >= 2 ? _mm_loadu_pd(p) : (n == 1 ? _mm_load_sd(p) : _mm_setzero_pd());
  }
  static inline void store(double* p, reg x) { _mm_storeu_pd(p, x); }
  static inline void store_partial(double* p, reg x, int n) {
    if (n >= 2)
      _mm_storeu_pd(p, x);
    else if (n == 1)
      _mm_store_sd(p, x);
  }
  static inline reg fma(reg a, reg b, reg c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
  static inline reg add(reg a, reg b) { return _mm_add_pd(a, b); }
  static inline reg mul(reg a, reg b) { return _mm_mul_pd(a, b); }
  static inline reg max(reg a, reg b) { return _mm_max_pd(a, b); }
  static inline double hsum(reg x) { return _mm_cvtsd_f64(_mm_add_sd(x, _mm_unpackhi_pd(x, x))); }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  static constexpr bool kGather = false;
  static constexpr bool kGroupDot = false;
  static constexpr bool kRowDots = false;
  static inline reg gather(const double*, index_t, int) { return zero(); }
  static constexpr bool kTranspose = false;
  static inline void transpose_block(const double*, index_t, double*, index_t, int, int) {}
};

#else  // portable C++: one lane per "vector"

template <typename T>
struct ScalarV {
  using reg = T;
  static constexpr int W = 1;
  static inline reg zero() { return T(0); }
  static inline reg set1(T x) { return x; }
  static inline reg load(const T* p) { return *p; }
  static inline reg load_partial(const T* p, int n) { return n > 0 ? *p : T(0); }
  static inline void store(T* p, reg x) { *p = x; }
  static inline void store_partial(T* p, reg x, int n) {
    if (n > 0) *p = x;
  }
  static inline reg fma(reg a, reg b, reg c) { return a * b + c; }
  static inline reg add(reg a, reg b) { return a + b; }
  static inline reg mul(reg a, reg b) { return a * b; }
  static inline reg max(reg a, reg b) { return a > b ? a : b; }
  static inline T hsum(reg x) { return x; }
  static inline void prefetch(const void*) {}
  static constexpr bool kGather = false;
  static constexpr bool kGroupDot = false;
  static constexpr bool kRowDots = false;
  static inline reg gather(const T*, index_t, int) { return zero(); }
  static constexpr bool kTranspose = false;
  static inline void transpose_block(const T*, index_t, T*, index_t, int, int) {}
};
template <>
struct V<float> : ScalarV<float> {};
template <>
struct V<double> : ScalarV<double> {};

#endif

#include "gemm_driver.inc"

}  // namespace gemm_baseline

namespace gemm_detail {
const KernelTable<float>* baseline_table_f32() { return &gemm_baseline::Table<float>::value; }
const KernelTable<double>* baseline_table_f64() { return &gemm_baseline::Table<double>::value; }
}  // namespace gemm_detail

}  // namespace pyneural
