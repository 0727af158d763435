// Fused optimizer updates: one pass over a parameter buffer and its state
// (the loops are in kernels/elementwise_impl.inc, compiled per instruction set).
//
// SGD with momentum μ (report / Keras form; μ = 0 is plain SGD, no state):
//   v ← μ v + lr g ;  θ ← θ - v
// Adam (Kingma & Ba 2014, Algorithm 1; t counts updates from 1):
//   m ← β1 m + (1-β1) g ;  v ← β2 v + (1-β2) g²
//   m̂ = m / (1-β1^t) ;  v̂ = v / (1-β2^t) ;  θ ← θ - lr m̂ / (√v̂ + ε)
#pragma once

#include <cmath>

#include "common.hpp"
#include "kernels/elementwise.hpp"
#include "threads.hpp"

namespace pyneural {

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::SGD;
  double momentum = 0.0;
  double beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7;

  // Number of state buffers per parameter buffer.
  int state_count() const {
    if (kind == OptimizerKind::Adam) return 2;
    return momentum != 0.0 ? 1 : 0;
  }
};

// Apply the configured update to one buffer; state holds state_count() buffers.
// Large buffers are split between n_threads (element-wise: same bits).
template <typename T>
void optimizer_update(const ElementwiseKernels<T>& k, const OptimizerConfig& cfg, index_t size, T* theta,
                      const T* g, T* const* state, double lr, std::int64_t t, int n_threads = 1) {
  if (cfg.kind == OptimizerKind::Adam) {
    const T c1 = T(1.0 / (1.0 - std::pow(cfg.beta_1, double(t))));
    const T c2 = T(1.0 / (1.0 - std::pow(cfg.beta_2, double(t))));
    T* m = state[0];
    T* v = state[1];
    parallel_ranges(size, n_threads, kElementwiseMinPerThread, [&](index_t b, index_t e) {
      k.adam(e - b, theta + b, g + b, m + b, v + b, T(lr), T(cfg.beta_1), T(cfg.beta_2), T(cfg.epsilon), c1, c2);
    });
  } else {
    T* velocity = cfg.momentum != 0.0 ? state[0] : nullptr;
    parallel_ranges(size, n_threads, kElementwiseMinPerThread, [&](index_t b, index_t e) {
      k.sgd(e - b, theta + b, g + b, velocity ? velocity + b : nullptr, T(lr), T(cfg.momentum));
    });
  }
}

}  // namespace pyneural
