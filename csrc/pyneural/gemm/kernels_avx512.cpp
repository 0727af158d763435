// AVX-512F kernels (32 zmm registers, 16 floats / 8 doubles per vector).
//
// Everything standard is included first; the target switch comes after it and
// covers only code in pyneural::gemm_avx512 (see gemm_driver.inc for why).
#include <cstdint>

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
// GCC 12 reports the _mm512_undefined_* inside _mm512_max_* and _mm512_permute*
// as uninitialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
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
  static inline float hsum(reg x) {  // halves added pairwise: 16 -> 8 -> 4 -> 2 -> 1
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(x),
                             _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_shuffle_ps(q, q, 1));
    return _mm_cvtss_f32(q);
  }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  // dst[c * ldd + r] = src[r * lds + c] for r < rows <= 16, c < cols <= 16.
  static constexpr bool kTranspose = true;
  static inline void transpose_block(const float* src, index_t lds, float* dst, index_t ldd,
                                     int rows, int cols) {
    const __mmask16 cm = mask(cols), rm = mask(rows);
    __m512 r[16], t[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i)
      r[i] = i < rows ? _mm512_maskz_loadu_ps(cm, src + i * lds) : _mm512_setzero_ps();
    // Pairs of rows interleaved, then 4-row columns inside each 128-bit lane...
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {  // u[4j + c], lane L: rows 4j..4j+3 of column 4L + c
      r[4 * j] = _mm512_shuffle_ps(t[4 * j], t[4 * j + 2], 0x44);
      r[4 * j + 1] = _mm512_shuffle_ps(t[4 * j], t[4 * j + 2], 0xEE);
      r[4 * j + 2] = _mm512_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0x44);
      r[4 * j + 3] = _mm512_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0xEE);
    }
    // ...then a 4 x 4 transpose of 128-bit lanes among u[c], u[4+c], u[8+c], u[12+c].
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) {
      const __m512 y0 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x44);
      const __m512 y1 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xEE);
      const __m512 y2 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x44);
      const __m512 y3 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xEE);
      t[c] = _mm512_shuffle_f32x4(y0, y2, 0x88);       // column c
      t[4 + c] = _mm512_shuffle_f32x4(y0, y2, 0xDD);   // column 4 + c
      t[8 + c] = _mm512_shuffle_f32x4(y1, y3, 0x88);   // column 8 + c
      t[12 + c] = _mm512_shuffle_f32x4(y1, y3, 0xDD);  // column 12 + c
    }
#pragma GCC unroll 16
    for (int c = 0; c < 16; ++c)
      if (c < cols) _mm512_mask_storeu_ps(dst + c * ldd, rm, t[c]);
  }
  // Group dot products: W / kGroup groups of kGroup lanes; bcast_group copies
  // p[0:kGroup] (the first n of them, the rest 0) into every group.
  static constexpr bool kGroupDot = true;
  static constexpr int kGroup = 4;
  static inline reg bcast_group(const float* p) { return _mm512_broadcast_f32x4(_mm_loadu_ps(p)); }
  static inline reg bcast_group_partial(const float* p, int n) {
    const __m512 x = _mm512_maskz_loadu_ps(mask(n), p);
    return _mm512_shuffle_f32x4(x, x, 0);
  }
  // Lane g < W / kGroup = the sum of group g, (x0 + x2) + (x1 + x3).
  static inline reg group_sums(reg x) {
    x = _mm512_add_ps(x, _mm512_shuffle_ps(x, x, _MM_SHUFFLE(1, 0, 3, 2)));
    x = _mm512_add_ps(x, _mm512_shuffle_ps(x, x, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), x);
  }
  // Row dot products: sum4(a, b, c, d) has, in lane 4q + e of 128-bit chunk q, a
  // partial sum of input e (a, b, c, d); sum_groups(t) adds those up across the
  // chunks: lane 4g + e = the whole sum of input e of t[g]. A fixed tree.
  static constexpr bool kRowDots = true;
  static inline reg sum4(reg a, reg b, reg c, reg d) {
    const reg ab = _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
    const reg cd = _mm512_add_ps(_mm512_unpacklo_ps(c, d), _mm512_unpackhi_ps(c, d));
    return _mm512_add_ps(_mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  static inline reg sum_groups(const reg (&t)[4]) {
    const reg u01 = _mm512_add_ps(_mm512_shuffle_f32x4(t[0], t[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm512_shuffle_f32x4(t[0], t[1], _MM_SHUFFLE(3, 1, 3, 1)));
    const reg u23 = _mm512_add_ps(_mm512_shuffle_f32x4(t[2], t[3], _MM_SHUFFLE(2, 0, 2, 0)),
                                  _mm512_shuffle_f32x4(t[2], t[3], _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_ps(_mm512_shuffle_f32x4(u01, u23, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(u01, u23, _MM_SHUFFLE(3, 1, 3, 1)));
  }
  // Two rows' k-chunks in one vector for pair_tail: lanes 0..n-1 = p0[0..n),
  // lanes 8..8+n-1 = p1[0..n) (n <= 8), zero elsewhere; sum_pairs(t0, t1): lane
  // 4c + e = chunk c of [t0, t1] (chunks 0+1, 2+3 of each) summed: sum4's
  // half-row partial sums joined into 16 whole rows.
  static inline reg load_halves(const float* p0, const float* p1, int n) {
    const __mmask16 m = mask(n);
    // Lanes 8.. read p1[0..n) through a base 8 floats lower, formed as an integer
    // (it may lie before A's first row; masked-off lanes are never read).
    const void* base =
        reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p1) - 8 * sizeof(float));
    return _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(m, p0), __mmask16(m << 8), base);
  }
  static inline reg dup_half(reg x) { return _mm512_shuffle_f32x4(x, x, _MM_SHUFFLE(1, 0, 1, 0)); }
  static inline reg sum_pairs(reg t0, reg t1) {
    return _mm512_add_ps(_mm512_shuffle_f32x4(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(t0, t1, _MM_SHUFFLE(3, 1, 3, 1)));
  }
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
  static inline double hsum(reg x) {  // 8 -> 4 -> 2 -> 1
    __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(x), _mm512_extractf64x4_pd(x, 1));
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    q = _mm_add_sd(q, _mm_unpackhi_pd(q, q));
    return _mm_cvtsd_f64(q);
  }
  static inline void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }
  // dst[c * ldd + r] = src[r * lds + c] for r < rows <= 8, c < cols <= 8.
  static constexpr bool kTranspose = true;
  static inline void transpose_block(const double* src, index_t lds, double* dst, index_t ldd,
                                     int rows, int cols) {
    const __mmask8 cm = mask(cols), rm = mask(rows);
    __m512d r[8], t[8];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i)
      r[i] = i < rows ? _mm512_maskz_loadu_pd(cm, src + i * lds) : _mm512_setzero_pd();
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {  // t[2i + c], lane L: rows 2i, 2i+1 of column 2L + c
      t[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 2
    for (int c = 0; c < 2; ++c) {  // 4 x 4 transpose of lanes among t[c], t[2+c], t[4+c], t[6+c]
      const __m512d y0 = _mm512_shuffle_f64x2(t[c], t[2 + c], 0x44);
      const __m512d y1 = _mm512_shuffle_f64x2(t[c], t[2 + c], 0xEE);
      const __m512d y2 = _mm512_shuffle_f64x2(t[4 + c], t[6 + c], 0x44);
      const __m512d y3 = _mm512_shuffle_f64x2(t[4 + c], t[6 + c], 0xEE);
      r[c] = _mm512_shuffle_f64x2(y0, y2, 0x88);      // column c
      r[2 + c] = _mm512_shuffle_f64x2(y0, y2, 0xDD);  // column 2 + c
      r[4 + c] = _mm512_shuffle_f64x2(y1, y3, 0x88);  // column 4 + c
      r[6 + c] = _mm512_shuffle_f64x2(y1, y3, 0xDD);  // column 6 + c
    }
#pragma GCC unroll 8
    for (int c = 0; c < 8; ++c)
      if (c < cols) _mm512_mask_storeu_pd(dst + c * ldd, rm, r[c]);
  }
  // Group dot products, as for float: two groups of four lanes.
  static constexpr bool kGroupDot = true;
  static constexpr int kGroup = 4;
  static inline reg bcast_group(const double* p) { return _mm512_broadcast_f64x4(_mm256_loadu_pd(p)); }
  static inline reg bcast_group_partial(const double* p, int n) {
    const __m512d x = _mm512_maskz_loadu_pd(mask(n), p);
    return _mm512_shuffle_f64x2(x, x, 0x44);  // 128-bit lanes 0, 1, 0, 1
  }
  static inline reg group_sums(reg x) {  // (x0 + x2) + (x1 + x3) into lanes 0 and 1
    x = _mm512_add_pd(x, _mm512_permutex_pd(x, _MM_SHUFFLE(1, 0, 3, 2)));
    x = _mm512_add_pd(x, _mm512_shuffle_pd(x, x, 0x55));
    return _mm512_permutexvar_pd(_mm512_setr_epi64(0, 4, 0, 0, 0, 0, 0, 0), x);
  }
  // Row dot products (dot_tail): measured 7-13% slower than the row layout's
  // last vector for doubles, whose 8 lanes waste less.
  static constexpr bool kRowDots = false;
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
