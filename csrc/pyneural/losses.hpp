// Losses: per-sample values and the gradient of the batch mean.
//
// Per-sample loss over `outs` outputs (mean over outputs except cross-entropy):
//   mse  (1/o) Σ (ŷ-y)²                 grad 2(ŷ-y) / (n·o)
//   mae  (1/o) Σ |ŷ-y|                  grad sign(ŷ-y) / (n·o)
//   bce  -(1/o) Σ y log p + (1-y) log(1-p), p clipped to [ε, 1-ε]
//   cross_entropy  -Σ y log p, p clipped to [ε, 1]
// With a sigmoid (bce) or softmax (cross_entropy) output the loss is computed
// from the logits z, which is stable, and the gradient is fused into dZ:
//   sigmoid+bce: dZ = (σ(z) - y) / (n·o)      softmax+ce: dZ = (p·Σy - y) / n
#pragma once

#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace pyneural {

// Keras' backend epsilon, used to clip probabilities.
constexpr double kProbabilityEpsilon = 1e-7;

template <typename T>
inline T softplus(T x) {  // log(1 + exp(x)) without overflow
  return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// Whether `loss` and the output activation form a fused pair.
inline bool fused_output(Loss loss, Activation act) {
  return (loss == Loss::BCE && act == Activation::Sigmoid) ||
         (loss == Loss::CrossEntropy && act == Activation::Softmax);
}

// Per-sample losses of rows [0, n): z are the logits, p = act(z) the outputs.
// Writes losses[r] (may be null) and returns their sum (in double).
template <typename T>
double sample_losses(Loss loss, Activation act, index_t n, index_t outs, const T* z, const T* p,
                     const T* y, index_t ldy, double* losses) {
  double total = 0;
  const bool fused = fused_output(loss, act);
  const T eps = T(kProbabilityEpsilon);
  for (index_t r = 0; r < n; ++r) {
    const T* zr = z + r * outs;
    const T* pr = p + r * outs;
    const T* yr = y + r * ldy;
    double s = 0;
    switch (loss) {
      case Loss::MSE:
        for (index_t j = 0; j < outs; ++j) {
          const double d = double(pr[j]) - double(yr[j]);
          s += d * d;
        }
        s /= double(outs);
        break;
      case Loss::MAE:
        for (index_t j = 0; j < outs; ++j) s += std::fabs(double(pr[j]) - double(yr[j]));
        s /= double(outs);
        break;
      case Loss::BCE:
        for (index_t j = 0; j < outs; ++j) {
          if (fused) {
            // max(z,0) - z y + log(1 + exp(-|z|))
            const double zz = zr[j];
            s += std::max(zz, 0.0) - zz * double(yr[j]) + std::log1p(std::exp(-std::fabs(zz)));
          } else {
            const double q = std::min(std::max(pr[j], eps), T(1) - eps);
            s -= double(yr[j]) * std::log(q) + (1.0 - double(yr[j])) * std::log(1.0 - q);
          }
        }
        s /= double(outs);
        break;
      case Loss::CrossEntropy:
        if (fused) {
          double mx = zr[0];
          for (index_t j = 1; j < outs; ++j) mx = std::max(mx, double(zr[j]));
          double se = 0;
          for (index_t j = 0; j < outs; ++j) se += std::exp(double(zr[j]) - mx);
          const double lse = mx + std::log(se);
          for (index_t j = 0; j < outs; ++j) s -= double(yr[j]) * (double(zr[j]) - lse);
        } else {
          for (index_t j = 0; j < outs; ++j) {
            const double q = std::max(pr[j], eps);
            s -= double(yr[j]) * std::log(q);
          }
        }
        break;
    }
    if (losses) losses[r] = s;
    total += s;
  }
  return total;
}

// Gradient of the mean loss over `n` rows with respect to the outputs p
// (or, for a fused pair, with respect to the logits z). Writes g (n x outs).
template <typename T>
void loss_gradient(Loss loss, Activation act, index_t n, index_t outs, const T* p, const T* y,
                   index_t ldy, T* g) {
  const bool fused = fused_output(loss, act);
  const T eps = T(kProbabilityEpsilon);
  const T inv_no = T(1) / T(double(n) * double(outs));
  const T inv_n = T(1) / T(n);
  for (index_t r = 0; r < n; ++r) {
    const T* pr = p + r * outs;
    const T* yr = y + r * ldy;
    T* gr = g + r * outs;
    switch (loss) {
      case Loss::MSE:
        for (index_t j = 0; j < outs; ++j) gr[j] = T(2) * (pr[j] - yr[j]) * inv_no;
        break;
      case Loss::MAE:
        for (index_t j = 0; j < outs; ++j) {
          const T d = pr[j] - yr[j];
          gr[j] = (d > T(0) ? T(1) : (d < T(0) ? T(-1) : T(0))) * inv_no;
        }
        break;
      case Loss::BCE:
        for (index_t j = 0; j < outs; ++j) {
          if (fused) {
            gr[j] = (pr[j] - yr[j]) * inv_no;
          } else if (pr[j] < eps || pr[j] > T(1) - eps) {
            gr[j] = T(0);  // clipped: the loss does not depend on p here
          } else {
            gr[j] = (pr[j] - yr[j]) / (pr[j] * (T(1) - pr[j])) * inv_no;
          }
        }
        break;
      case Loss::CrossEntropy:
        if (fused) {
          T ysum = 0;
          for (index_t j = 0; j < outs; ++j) ysum += yr[j];
          for (index_t j = 0; j < outs; ++j) gr[j] = (pr[j] * ysum - yr[j]) * inv_n;
        } else {
          for (index_t j = 0; j < outs; ++j)
            gr[j] = pr[j] < eps ? T(0) : -yr[j] / pr[j] * inv_n;
        }
        break;
    }
  }
}

}  // namespace pyneural
