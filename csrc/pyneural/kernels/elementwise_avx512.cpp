// Element-wise kernels compiled for AVX512. The target switch comes after every
// standard include and covers only this namespace (no inline std template is
// instantiated with these instructions).
#include "elementwise.hpp"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define PYNEURAL_ELEMENTWISE_AVX512 1
#endif

#ifdef PYNEURAL_ELEMENTWISE_AVX512
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx2,fma")
#endif

namespace pyneural {
namespace elementwise_avx512 {

constexpr char kName[] = "avx512";
#include "elementwise_impl.inc"

}  // namespace elementwise_avx512
}  // namespace pyneural

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace pyneural {
namespace elementwise_detail {
#ifdef PYNEURAL_ELEMENTWISE_AVX512
const ElementwiseKernels<float>* avx512_f32() { return &elementwise_avx512::kTable<float>; }
const ElementwiseKernels<double>* avx512_f64() { return &elementwise_avx512::kTable<double>; }
#else
const ElementwiseKernels<float>* avx512_f32() { return nullptr; }
const ElementwiseKernels<double>* avx512_f64() { return nullptr; }
#endif
}  // namespace elementwise_detail
}  // namespace pyneural
