// Element-wise kernels of the training loop (optimizer updates, activation
// backward, bias gradients), compiled once per instruction set like the GEMM
// kernels and selected with them (the set gemm_isa_name() reports).
#pragma once

#include <cmath>

#include "../common.hpp"

namespace pyneural {

template <typename T>
struct ElementwiseKernels {
  const char* isa;
  // Adam with precomputed bias corrections c1 = 1/(1-β1^t), c2 = 1/(1-β2^t).
  void (*adam)(index_t n, T* theta, const T* g, T* m, T* v, T lr, T beta_1, T beta_2, T epsilon, T c1,
               T c2);
  // SGD: θ -= lr g; with momentum (velocity non-null): v = μ v + lr g; θ -= v.
  void (*sgd)(index_t n, T* theta, const T* g, T* velocity, T lr, T momentum);
  // d *= act'(a) for ReLU, Tanh and Sigmoid (contiguous rows x cols blocks).
  void (*activation_backward)(int act, index_t size, const T* a, T* d);
  // out[j] = Σ_r d[r, j], each column summed in row order.
  void (*column_sums)(index_t rows, index_t cols, const T* d, index_t ld, T* out);
  // True when no element of the rows x cols block x (row stride ld) is NaN or ±inf.
  bool (*all_finite)(index_t rows, index_t cols, const T* x, index_t ld);
};

// The kernels of the instruction set the GEMM uses.
template <typename T>
const ElementwiseKernels<T>& elementwise_kernels();

namespace elementwise_detail {
const ElementwiseKernels<float>* baseline_f32();
const ElementwiseKernels<double>* baseline_f64();
const ElementwiseKernels<float>* avx2_f32();    // null where not compiled
const ElementwiseKernels<double>* avx2_f64();
const ElementwiseKernels<float>* avx512_f32();
const ElementwiseKernels<double>* avx512_f64();
}  // namespace elementwise_detail

}  // namespace pyneural
