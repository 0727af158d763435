// AVX2 + FMA kernels (16 ymm registers, 8 floats / 4 doubles per vector).
//
// Everything standard is included first; the target switch comes after it and
// covers only code in pyneural::gemm_avx2 (see gemm_driver.inc for why).
#include "gemm_config.hpp"
#include "gemm_internal.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define PYNEURAL_GEMM_AVX2 1
#endif

#ifdef PYNEURAL_GEMM_AVX2

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace pyneural {
namespace gemm_avx2 {

constexpr gemm_config::Isa kIsa = gemm_config::Isa::Avx2;
constexpr char kName[] = "avx2";

template <typename T>
struct V;

template <>
struct V<float> {
  using reg = __m256;
  static constexpr int W = 8;
  static inline __m256i mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static inline reg zero() { return _mm256_setzero_ps(); }
  static inline reg set1(float x) { return _mm256_set1_ps(x); }
  static inline reg load(const float* p) { return _mm256_loadu_ps(p); }
  static inline reg load_partial(const float* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
  static inline void store(float* p, reg x) { _mm256_storeu_ps(p, x); }
  static inline void store_partial(float* p, reg x, int n) { _mm256_maskstore_ps(p, mask(n), x); }
  static inline reg fma(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
  static inline reg add(reg a, reg b) { return _mm256_add_ps(a, b); }
  static inline reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
  static inline reg max(reg a, reg b) { return _mm256_max_ps(a, b); }
  static inline float hsum(reg x) {  // 8 -> 4 -> 2 -> 1
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
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
  using reg = __m256d;
  static constexpr int W = 4;
  static inline __m256i mask(int n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static inline reg zero() { return _mm256_setzero_pd(); }
  static inline reg set1(double x) { return _mm256_set1_pd(x); }
  static inline reg load(const double* p) { return _mm256_loadu_pd(p); }
  static inline reg load_partial(const double* p, int n) { return _mm256_maskload_pd(p, mask(n)); }
  static inline void store(double* p, reg x) { _mm256_storeu_pd(p, x); }
  static inline void store_partial(double* p, reg x, int n) { _mm256_maskstore_pd(p, mask(n), x); }
  static inline reg fma(reg a, reg b, reg c) { return _mm256_fmadd_pd(a, b, c); }
  static inline reg add(reg a, reg b) { return _mm256_add_pd(a, b); }
  static inline reg mul(reg a, reg b) { return _mm256_mul_pd(a, b); }
  static inline reg max(reg a, reg b) { return _mm256_max_pd(a, b); }
  static inline double hsum(reg x) {  // 4 -> 2 -> 1
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    q = _mm_add_sd(q, _mm_unpackhi_pd(q, q));
    return _mm_cvtsd_f64(q);
  }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  static constexpr bool kGather = false;
  static constexpr bool kGroupDot = false;
  static constexpr bool kRowDots = false;
  static inline reg gather(const double*, index_t, int) { return zero(); }
  static constexpr bool kTranspose = false;
  static inline void transpose_block(const double*, index_t, double*, index_t, int, int) {}
};

#include "gemm_driver.inc"

}  // namespace gemm_avx2
}  // namespace pyneural

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

#endif  // PYNEURAL_GEMM_AVX2

namespace pyneural {
namespace gemm_detail {

#ifdef PYNEURAL_GEMM_AVX2
const KernelTable<float>* avx2_table_f32() { return &gemm_avx2::Table<float>::value; }
const KernelTable<double>* avx2_table_f64() { return &gemm_avx2::Table<double>::value; }
#else
const KernelTable<float>* avx2_table_f32() { return nullptr; }
const KernelTable<double>* avx2_table_f64() { return nullptr; }
#endif

}  // namespace gemm_detail
}  // namespace pyneural
