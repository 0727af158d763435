// Fused optimizer updates: one pass over a parameter buffer and its state.
//
// SGD with momentum μ (report / Keras form; μ = 0 is plain SGD, no state):
//   v ← μ v + lr g ;  θ ← θ - v
// Adam (Kingma & Ba 2014, Algorithm 1; t counts updates from 1):
//   m ← β1 m + (1-β1) g ;  v ← β2 v + (1-β2) g²
//   m̂ = m / (1-β1^t) ;  v̂ = v / (1-β2^t) ;  θ ← θ - lr m̂ / (√v̂ + ε)
#pragma once

#include <cmath>

#include "common.hpp"

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

template <typename T>
void sgd_update(index_t size, T* theta, const T* g, T* velocity, T lr, T momentum) {
  if (!velocity) {
    for (index_t i = 0; i < size; ++i) theta[i] -= lr * g[i];
    return;
  }
  for (index_t i = 0; i < size; ++i) {
    velocity[i] = momentum * velocity[i] + lr * g[i];
    theta[i] -= velocity[i];
  }
}

template <typename T>
void adam_update(index_t size, T* theta, const T* g, T* m, T* v, T lr, T beta_1, T beta_2,
                 T epsilon, std::int64_t t) {
  const T c1 = T(1.0 / (1.0 - std::pow(double(beta_1), double(t))));
  const T c2 = T(1.0 / (1.0 - std::pow(double(beta_2), double(t))));
  const T one_minus_b1 = T(1) - beta_1, one_minus_b2 = T(1) - beta_2;
  for (index_t i = 0; i < size; ++i) {
    m[i] = beta_1 * m[i] + one_minus_b1 * g[i];
    v[i] = beta_2 * v[i] + one_minus_b2 * (g[i] * g[i]);
    const T m_hat = m[i] * c1;
    const T v_hat = v[i] * c2;
    theta[i] -= lr * m_hat / (std::sqrt(v_hat) + epsilon);
  }
}

// Apply the configured update to one buffer; state holds state_count() buffers.
template <typename T>
void optimizer_update(const OptimizerConfig& cfg, index_t size, T* theta, const T* g,
                      T* const* state, double lr, std::int64_t t) {
  if (cfg.kind == OptimizerKind::Adam) {
    adam_update<T>(size, theta, g, state[0], state[1], T(lr), T(cfg.beta_1), T(cfg.beta_2),
                   T(cfg.epsilon), t);
  } else {
    sgd_update<T>(size, theta, g, cfg.momentum != 0.0 ? state[0] : nullptr, T(lr),
                  T(cfg.momentum));
  }
}

}  // namespace pyneural
