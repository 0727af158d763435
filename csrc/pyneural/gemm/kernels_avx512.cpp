// AVX-512F kernels (32 zmm registers, 16 floats / 8 doubles per vector).
//
// Everything standard is included first; the target switch comes after it and
// covers only code in pyneural::gemm_avx512 (see gemm_driver.inc for why).
#include "gemm_config.hpp"
#include "gemm_internal.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define PYNEURAL_GEMM_AVX512 1
#endif

#ifdef PYNEURAL_GEMM_AVX512

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
// GCC 12 reports the _mm512_undefined_* inside _mm512_max_* as uninitialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace pyneural {
namespace gemm_avx512 {

constexpr gemm_config::Isa kIsa = gemm_config::Isa::Avx512;
constexpr char kName[] = "avx512";

template <typename T>
struct V;

template <>
struct V<float> {
  using reg = __m512;
  static constexpr int W = 16;
  static constexpr bool kCheapMask = true;
  static inline __mmask16 mask(int n) { return __mmask16((1u << n) - 1u); }
  static inline reg zero() { return _mm512_setzero_ps(); }
  static inline reg set1(float x) { return _mm512_set1_ps(x); }
  static inline reg load(const float* p) { return _mm512_loadu_ps(p); }
  static inline reg load_partial(const float* p, int n) { return _mm512_maskz_loadu_ps(mask(n), p); }
  static inline void store(float* p, reg x) { _mm512_storeu_ps(p, x); }
  static inline void store_partial(float* p, reg x, int n) { _mm512_mask_storeu_ps(p, mask(n), x); }
  static inline reg fma(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
  static inline reg add(reg a, reg b) { return _mm512_add_ps(a, b); }
  static inline reg mul(reg a, reg b) { return _mm512_mul_ps(a, b); }
  static inline reg max(reg a, reg b) { return _mm512_max_ps(a, b); }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  static constexpr bool kGather = true;  // needs (W - 1) * stride < 2^31
  static inline reg gather(const float* base, index_t stride, int n) {
    const __m512i idx = _mm512_mullo_epi32(
        _mm512_set1_epi32(int(stride)),
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask(n), idx, base, 4);
  }
};

template <>
struct V<double> {
  using reg = __m512d;
  static constexpr int W = 8;
  static constexpr bool kCheapMask = true;
  static inline __mmask8 mask(int n) { return __mmask8((1u << n) - 1u); }
  static inline reg zero() { return _mm512_setzero_pd(); }
  static inline reg set1(double x) { return _mm512_set1_pd(x); }
  static inline reg load(const double* p) { return _mm512_loadu_pd(p); }
  static inline reg load_partial(const double* p, int n) { return _mm512_maskz_loadu_pd(mask(n), p); }
  static inline void store(double* p, reg x) { _mm512_storeu_pd(p, x); }
  static inline void store_partial(double* p, reg x, int n) { _mm512_mask_storeu_pd(p, mask(n), x); }
  static inline reg fma(reg a, reg b, reg c) { return _mm512_fmadd_pd(a, b, c); }
  static inline reg add(reg a, reg b) { return _mm512_add_pd(a, b); }
  static inline reg mul(reg a, reg b) { return _mm512_mul_pd(a, b); }
  static inline reg max(reg a, reg b) { return _mm512_max_pd(a, b); }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  static constexpr bool kGather = true;  // needs (W - 1) * stride < 2^31
  static inline reg gather(const double* base, index_t stride, int n) {
    const __m256i idx = _mm256_mullo_epi32(_mm256_set1_epi32(int(stride)),
                                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm512_mask_i32gather_pd(_mm512_setzero_pd(), mask(n), idx, base, 8);
  }
};

#include "gemm_driver.inc"

}  // namespace gemm_avx512
}  // namespace pyneural

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif

#endif  // PYNEURAL_GEMM_AVX512

namespace pyneural {
namespace gemm_detail {

#ifdef PYNEURAL_GEMM_AVX512
const KernelTable<float>* avx512_table_f32() { return &gemm_avx512::Table<float>::value; }
const KernelTable<double>* avx512_table_f64() { return &gemm_avx512::Table<double>::value; }
#else
const KernelTable<float>* avx512_table_f32() { return nullptr; }
const KernelTable<double>* avx512_table_f64() { return nullptr; }
#endif

}  // namespace gemm_detail
}  // namespace pyneural
