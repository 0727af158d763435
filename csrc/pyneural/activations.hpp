// Element-wise activations and their backward passes on row-major blocks.
//
// Backward passes use the activation's *output* A, which is all the engine keeps:
// relu' = [A > 0] (so relu'(0) = 0), tanh' = 1 - A^2, sigmoid' = A (1 - A) (those
// three are in kernels/elementwise_impl.inc); softmax: dZ = A ⊙ (dA - rowsum(dA ⊙ A)).
#pragma once

#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace pyneural {

template <typename T>
inline T sigmoid_scalar(T z) {
  // Two branches so exp never overflows.
  if (z >= T(0)) {
    const T e = std::exp(-z);
    return T(1) / (T(1) + e);
  }
  const T e = std::exp(z);
  return e / (T(1) + e);
}

template <typename T>
inline T activate_scalar(Activation act, T z) {
  switch (act) {
    case Activation::ReLU: return z > T(0) ? z : T(0);
    case Activation::Tanh: return std::tanh(z);
    case Activation::Sigmoid: return sigmoid_scalar(z);
    default: return z;
  }
}

// Row-wise softmax in place: a[r, :] = exp(a - max) / sum(exp(a - max)).
template <typename T>
void softmax_rows(index_t rows, index_t cols, T* a, index_t lda) {
  for (index_t r = 0; r < rows; ++r) {
    T* row = a + r * lda;
    T mx = row[0];
    for (index_t j = 1; j < cols; ++j) mx = std::max(mx, row[j]);
    T sum = 0;
    for (index_t j = 0; j < cols; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    const T inv = T(1) / sum;
    for (index_t j = 0; j < cols; ++j) row[j] *= inv;
  }
}

// a = act(a) in place (softmax included).
template <typename T>
void activate_inplace(Activation act, index_t rows, index_t cols, T* a, index_t lda) {
  if (act == Activation::Linear) return;
  if (act == Activation::Softmax) {
    softmax_rows(rows, cols, a, lda);
    return;
  }
  for (index_t r = 0; r < rows; ++r) {
    T* row = a + r * lda;
    switch (act) {
      case Activation::ReLU:
        for (index_t j = 0; j < cols; ++j) row[j] = row[j] > T(0) ? row[j] : T(0);
        break;
      case Activation::Tanh:
        for (index_t j = 0; j < cols; ++j) row[j] = std::tanh(row[j]);
        break;
      case Activation::Sigmoid:
        for (index_t j = 0; j < cols; ++j) row[j] = sigmoid_scalar(row[j]);
        break;
      default: break;
    }
  }
}

// Softmax backward in place: d = a ⊙ (d - rowsum(d ⊙ a)). (ReLU, tanh and sigmoid
// are element-wise: see kernels/elementwise_impl.inc.)
template <typename T>
void softmax_backward_inplace(index_t rows, index_t cols, const T* a, index_t lda, T* d, index_t ldd) {
  for (index_t r = 0; r < rows; ++r) {
    const T* ar = a + r * lda;
    T* dr = d + r * ldd;
    T dot = 0;
    for (index_t j = 0; j < cols; ++j) dot += dr[j] * ar[j];
    for (index_t j = 0; j < cols; ++j) dr[j] = ar[j] * (dr[j] - dot);
  }
}

}  // namespace pyneural
