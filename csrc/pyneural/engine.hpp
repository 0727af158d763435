// The whole-epoch training loop and batched inference of a dense network.
//
// Parameters and optimizer state live in buffers the caller owns (NumPy arrays on
// the Python side); the engine only keeps its workspace, so one engine can train
// the parameters handed to it and nothing is copied back and forth.
//
// Layer l computes  Z = X_l @ W_l + b_l,  A_l = act_l(Z),  with X_0 the (optionally
// dropped-out) batch and X_{l+1} = dropout_{l+1}(A_l). Backward:
//   dZ = dA ⊙ act'(A) (or the fused loss gradient at the output),
//   dW = X_lᵀ dZ,  db = Σ_rows dZ,  dX_l = dZ W_lᵀ (before W_l is updated).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "common.hpp"
#include "optimizers.hpp"

namespace pyneural {

struct LayerConfig {
  index_t inputs = 0, units = 0;
  Activation activation = Activation::Linear;
  double dropout = 0.0;  // rate of inverted dropout on the layer's input
  OptimizerConfig optimizer;
};

// Caller-owned buffers of one layer: W (inputs x units, row-major), b (units),
// and optimizer.state_count() state buffers for each of them.
template <typename T>
struct LayerParams {
  T* weights = nullptr;
  T* biases = nullptr;
  T* weight_state[2] = {nullptr, nullptr};
  T* bias_state[2] = {nullptr, nullptr};
};

struct EpochResult {
  double mean_loss;
  std::int64_t step;  // optimizer updates done after the epoch
};

struct EvalResult {
  double loss_mean, loss_std, r2;
};

template <typename T>
class Engine {
 public:
  Engine(index_t inputs, std::vector<LayerConfig> layers, Loss loss);

  index_t inputs() const { return inputs_; }
  index_t outputs() const { return layers_.back().units; }
  const std::vector<LayerConfig>& layers() const { return layers_; }

  // One epoch over the rows perm[0..n) of x (rows, inputs) / y (rows, outputs), in
  // batches of batch_size; lr[l] is layer l's learning rate for this epoch; step
  // is the number of updates done so far (Adam's t is step + 1 for the next one).
  EpochResult train_epoch(const T* x, index_t ldx, const T* y, index_t ldy, index_t rows,
                          const std::int64_t* perm, index_t n, index_t batch_size,
                          const std::vector<LayerParams<T>>& params, const double* lr,
                          std::int64_t step, std::uint64_t seed, std::int64_t epoch,
                          int n_threads);

  // out (n, outputs) = network(x); no dropout. With check_finite, x is scanned
  // block by block while it is in cache; returns false (out unspecified) when x
  // holds a NaN or an infinity.
  bool predict(const T* x, index_t ldx, index_t n, const std::vector<LayerParams<T>>& params,
               T* out, int n_threads, bool check_finite = false) const;

  // Predictions into out, then mean and standard deviation of the per-sample
  // losses and R² (uniform average over outputs, scikit-learn's definition).
  EvalResult evaluate(const T* x, index_t ldx, const T* y, index_t ldy, index_t n,
                      const std::vector<LayerParams<T>>& params, T* out, int n_threads) const;

 private:
  // Inference on `rows` rows: outputs to `out` (rows x outputs); buf_a and buf_b
  // hold rows x max_width each; with `logits` (rows x outputs) the output layer's
  // pre-activation is kept there. Returns the logits of the output layer.
  const T* forward_block(const T* x, index_t ldx, index_t rows, const std::vector<LayerParams<T>>& params,
                         T* buf_a, T* buf_b, T* logits, T* out, int n_threads) const;
  // The same outputs computed feature-major (faster for narrow layers): buf_a and
  // buf_b hold max_width x rows each. The `ahead_bytes` bytes at `ahead` (the next
  // block's input) are prefetched towards L2 a share per layer meanwhile.
  void forward_block_transposed(const T* x, index_t ldx, index_t rows, const std::vector<LayerParams<T>>& params,
                                T* buf_a, T* buf_b, T* out, int n_threads, const char* ahead = nullptr,
                                size_t ahead_bytes = 0) const;

  index_t inputs_;
  std::vector<LayerConfig> layers_;
  Loss loss_;
  index_t max_width_;
  mutable std::mutex train_mutex_;  // one training call at a time per engine
};

}  // namespace pyneural
