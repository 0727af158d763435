// Selection of the element-wise kernels: the instruction set the GEMM runs with.
#include "elementwise.hpp"

#include <cstring>
#include <type_traits>

#include "../gemm.hpp"

namespace pyneural {

namespace {

template <typename T>
const ElementwiseKernels<T>* table_for(const char* isa);

template <>
const ElementwiseKernels<float>* table_for<float>(const char* isa) {
  if (std::strcmp(isa, "avx512") == 0) return elementwise_detail::avx512_f32();
  if (std::strcmp(isa, "avx2") == 0) return elementwise_detail::avx2_f32();
  return nullptr;
}

template <>
const ElementwiseKernels<double>* table_for<double>(const char* isa) {
  if (std::strcmp(isa, "avx512") == 0) return elementwise_detail::avx512_f64();
  if (std::strcmp(isa, "avx2") == 0) return elementwise_detail::avx2_f64();
  return nullptr;
}

}  // namespace

template <typename T>
const ElementwiseKernels<T>& elementwise_kernels() {
  // Looked up per call (cheap): the GEMM's instruction set can be switched at run
  // time (set_cpu_kernel), and both must agree.
  const ElementwiseKernels<T>* t = table_for<T>(gemm_isa_name());
  if (t) return *t;
  if constexpr (std::is_same_v<T, float>)
    return *elementwise_detail::baseline_f32();
  else
    return *elementwise_detail::baseline_f64();
}

template const ElementwiseKernels<float>& elementwise_kernels<float>();
template const ElementwiseKernels<double>& elementwise_kernels<double>();

}  // namespace pyneural
