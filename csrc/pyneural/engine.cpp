// Implementation of the training loop and inference declared in engine.hpp.
#include "engine.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <utility>

#include "activations.hpp"
#include "dropout.hpp"
#include "gemm.hpp"
#include "losses.hpp"
#include "threads.hpp"

namespace pyneural {

namespace {

// Rows per inference block: big enough to amortise the GEMM set-up, small enough
// that a block's activations stay in L2 (192 was the fastest of 64..1024 on the
// King County model, interleaved timings of the engine's predict).
constexpr index_t kPredictBlock = 192;

// Z = X @ W + b then A = act(Z); softmax needs whole rows so it runs after.
template <typename T>
void dense_forward(const T* x, index_t ldx, index_t rows, const LayerConfig& layer,
                   const LayerParams<T>& p, T* out, int n_threads) {
  const bool fuse = layer.activation != Activation::Softmax;
  gemm_bias_act<T>(false, false, rows, layer.units, layer.inputs, x, ldx, p.weights,
                   layer.units, p.biases, fuse ? layer.activation : Activation::Linear, out,
                   layer.units, n_threads);
  if (!fuse) softmax_rows(rows, layer.units, out, layer.units);
}

}  // namespace

template <typename T>
Engine<T>::Engine(index_t inputs, std::vector<LayerConfig> layers, Loss loss)
    : inputs_(inputs), layers_(std::move(layers)), loss_(loss), max_width_(inputs) {
  require(inputs > 0, "inputs: must be > 0");
  require(!layers_.empty(), "layers: a network needs at least one layer");
  index_t prev = inputs;
  for (size_t l = 0; l < layers_.size(); ++l) {
    auto& L = layers_[l];
    require(L.inputs == prev, "layers[" + std::to_string(l) + "]: inputs do not chain");
    require(L.units > 0, "layers[" + std::to_string(l) + "].units: must be > 0");
    require(L.dropout >= 0.0 && L.dropout < 1.0,
            "layers[" + std::to_string(l) + "].dropout: must be in [0, 1)");
    max_width_ = std::max(max_width_, L.units);
    prev = L.units;
  }
}

template <typename T>
EpochResult Engine<T>::train_epoch(const T* x, index_t ldx, const T* y, index_t ldy,
                                   index_t rows, const std::int64_t* perm, index_t n,
                                   index_t batch_size, const std::vector<LayerParams<T>>& params,
                                   const double* lr, std::int64_t step, std::uint64_t seed,
                                   std::int64_t epoch, int n_threads) {
  std::lock_guard<std::mutex> lock(train_mutex_);
  require(params.size() == layers_.size(), "params: one entry per layer expected");
  require(batch_size > 0, "batch_size: must be > 0");
  require(n >= 0, "perm: negative length");
  for (index_t i = 0; i < n; ++i)
    require(perm[i] >= 0 && perm[i] < rows, "perm: index out of range");
  if (n == 0) return {0.0, step};
  FlushDenormalsGuard ftz;
  const ElementwiseKernels<T>& kernels = elementwise_kernels<T>();

  const size_t L = layers_.size();
  const index_t outs = outputs();
  const Activation out_act = layers_.back().activation;
  const bool fused = fused_output(loss_, out_act);
  const index_t bs_max = std::min(batch_size, n);

  // Workspace for the whole epoch: nothing is allocated inside the batch loop.
  std::vector<T> xb(bs_max * inputs_), yb(bs_max * outs), logits(bs_max * outs);
  std::vector<std::vector<T>> acts(L), masks(L), dropped(L);
  index_t max_params = 0;
  for (size_t l = 0; l < L; ++l) {
    acts[l].resize(bs_max * layers_[l].units);
    if (layers_[l].dropout > 0) {
      masks[l].resize(bs_max * layers_[l].inputs);
      dropped[l].resize(bs_max * layers_[l].inputs);
    }
    max_params = std::max(max_params, layers_[l].inputs * layers_[l].units);
  }
  std::vector<T> g_cur(bs_max * max_width_), g_next(bs_max * max_width_);
  std::vector<T> dw(max_params), db(max_width_);

  std::vector<const T*> layer_in(L);  // each layer's (dropped-out) input
  double total = 0.0;
  std::int64_t batch_index = 0;
  for (index_t start = 0; start < n; start += batch_size, ++batch_index) {
    const index_t bs = std::min(batch_size, n - start);
    // Gather the batch's rows, split between threads when wide (a 256 x 784 batch
    // copied by one thread would leave the others waiting).
    parallel_ranges(bs, n_threads, kElementwiseMinPerThread / (inputs_ + outs) + 1,
                    [&](index_t r0, index_t r1) {
                      for (index_t r = r0; r < r1; ++r) {
                        const index_t src = perm[start + r];
                        std::copy_n(x + src * ldx, inputs_, &xb[r * inputs_]);
                        std::copy_n(y + src * ldy, outs, &yb[r * outs]);
                      }
                    });

    // Forward, keeping each layer's (dropped-out) input and output.
    const T* in = xb.data();
    for (size_t l = 0; l < L; ++l) {
      const LayerConfig& cfg = layers_[l];
      if (cfg.dropout > 0) {
        const index_t size = bs * cfg.inputs;
        dropout_mask(dropout_key(seed, std::uint64_t(epoch), std::uint64_t(batch_index), l),
                     cfg.dropout, size, masks[l].data());
        for (index_t i = 0; i < size; ++i) dropped[l][i] = in[i] * masks[l][i];
        in = dropped[l].data();
      }
      layer_in[l] = in;
      if (l + 1 == L && cfg.activation != Activation::Linear) {
        // The loss needs the logits as well as the outputs.
        LayerConfig linear = cfg;
        linear.activation = Activation::Linear;
        dense_forward(in, cfg.inputs, bs, linear, params[l], logits.data(), n_threads);
        std::copy(logits.begin(), logits.begin() + bs * outs, acts[l].begin());
        activate_inplace(cfg.activation, bs, outs, acts[l].data(), outs);
      } else {
        dense_forward(in, cfg.inputs, bs, cfg, params[l], acts[l].data(), n_threads);
      }
      in = acts[l].data();
    }

    const T* z_out = out_act == Activation::Linear ? acts[L - 1].data() : logits.data();
    total += sample_losses(loss_, out_act, bs, outs, z_out, acts[L - 1].data(), yb.data(), outs, nullptr);
    loss_gradient(loss_, out_act, bs, outs, acts[L - 1].data(), yb.data(), outs, g_cur.data());

    // Backward and update, last layer first; dX uses W before its update.
    const std::int64_t t = ++step;
    for (size_t li = L; li-- > 0;) {
      const LayerConfig& cfg = layers_[li];
      const LayerParams<T>& p = params[li];
      if (!(li + 1 == L && fused)) {
        if (cfg.activation == Activation::Softmax)
          softmax_backward_inplace(bs, cfg.units, acts[li].data(), cfg.units, g_cur.data(), cfg.units);
        else
          parallel_ranges(bs * cfg.units, n_threads, kElementwiseMinPerThread, [&](index_t b, index_t e) {
            kernels.activation_backward(int(cfg.activation), e - b, acts[li].data() + b, g_cur.data() + b);
          });
      }
      gemm<T>(true, false, cfg.inputs, cfg.units, bs, T(1), layer_in[li], cfg.inputs,
              g_cur.data(), cfg.units, T(0), dw.data(), cfg.units, n_threads);
      // Bias gradient: column sums, split by columns (each sum keeps its order).
      parallel_ranges(cfg.units, n_threads, kElementwiseMinPerThread / bs + 1, [&](index_t b, index_t e) {
        kernels.column_sums(bs, e - b, g_cur.data() + b, cfg.units, db.data() + b);
      });
      if (li > 0) {
        gemm<T>(false, true, bs, cfg.inputs, cfg.units, T(1), g_cur.data(), cfg.units,
                p.weights, cfg.units, T(0), g_next.data(), cfg.inputs, n_threads);
        if (cfg.dropout > 0)
          for (index_t i = 0; i < bs * cfg.inputs; ++i) g_next[i] *= masks[li][i];
      }
      optimizer_update(kernels, cfg.optimizer, cfg.inputs * cfg.units, p.weights, dw.data(), p.weight_state,
                       lr[li], t, n_threads);
      optimizer_update(kernels, cfg.optimizer, cfg.units, p.biases, db.data(), p.bias_state, lr[li], t);
      std::swap(g_cur, g_next);
    }
  }
  return {total / double(n), step};
}

template <typename T>
const T* Engine<T>::forward_block(const T* x, index_t ldx, index_t rows,
                                  const std::vector<LayerParams<T>>& params, T* buf_a, T* buf_b,
                                  T* logits, T* out, int n_threads) const {
  // Layers alternate between two buffers; the last one writes to `out` (and its
  // logits to `logits` when the caller needs them for the loss).
  const size_t L = layers_.size();
  const T* in = x;
  index_t ld = ldx;
  for (size_t l = 0; l < L; ++l) {
    const LayerConfig& cfg = layers_[l];
    T* dst = l + 1 == L ? out : (l % 2 == 0 ? buf_a : buf_b);
    if (l + 1 == L && logits && cfg.activation != Activation::Linear) {
      LayerConfig linear = cfg;
      linear.activation = Activation::Linear;
      dense_forward(in, ld, rows, linear, params[l], logits, n_threads);
      std::copy(logits, logits + rows * cfg.units, dst);
      activate_inplace(cfg.activation, rows, cfg.units, dst, cfg.units);
    } else {
      dense_forward(in, ld, rows, cfg, params[l], dst, n_threads);
    }
    in = dst;
    ld = cfg.units;
  }
  return logits && layers_.back().activation != Activation::Linear ? logits : out;
}

namespace {

// The first element of v at or after a 64-byte boundary: the feature-major rows of
// a block (192 elements) then start on cache lines, so no vector load or store
// straddles two (malloc only promises 16 bytes). v needs 64 / sizeof(T) spare.
template <typename T>
T* cache_aligned(std::vector<T>& v) {
  const auto p = reinterpret_cast<std::uintptr_t>(v.data());
  return reinterpret_cast<T*>((p + 63) & ~std::uintptr_t(63));
}

// Blocks of kPredictBlock rows; threads take whole blocks (a row's result does not
// depend on which block or thread computed it), each with one cache-aligned
// workspace of `workspace` elements allocated once. With one block the GEMMs get
// the threads. Blocks are handed out guided (runs of consecutive blocks, shorter
// towards the end), not in fixed halves: when the host slows one core, the other
// takes more blocks instead of waiting (2 threads, 21,608 rows: 3-4 % faster,
// paired); the runs keep the prefetch of the next block mostly on target.
template <typename T, typename BlockFn>
void for_each_block(index_t n, int n_threads, size_t workspace, BlockFn&& fn) {
  const index_t blocks = (n + kPredictBlock - 1) / kPredictBlock;
  const int outer = int(std::min<index_t>(blocks, std::max(n_threads, 1)));
  const size_t padded = workspace + 64 / sizeof(T);
  if (outer <= 1) {
    std::vector<T> ws(padded);
    for (index_t bi = 0; bi < blocks; ++bi) fn(bi, n_threads, cache_aligned(ws));
    return;
  }
  // An exception must not leave an OpenMP region (that would terminate the
  // process): the first one is kept and rethrown on the calling thread.
  std::exception_ptr error;
  std::mutex error_mutex;
  auto keep = [&](std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (!error) error = e;
  };
#ifdef PYNEURAL_OPENMP
#pragma omp parallel num_threads(outer)
#endif
  {
    std::vector<T> ws;
    try {
      ws.resize(padded);
    } catch (...) {
      keep(std::current_exception());
    }
#ifdef PYNEURAL_OPENMP
#pragma omp for schedule(guided)
#endif
    for (index_t bi = 0; bi < blocks; ++bi) {
      if (ws.size() != padded) continue;
      try {
        fn(bi, 1, cache_aligned(ws));
      } catch (...) {
        keep(std::current_exception());
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

template <typename T>
void Engine<T>::forward_block_transposed(const T* x, index_t ldx, index_t rows,
                                         const std::vector<LayerParams<T>>& params, T* buf_a, T* buf_b,
                                         T* out, int n_threads, const char* ahead,
                                         size_t ahead_bytes) const {
  // Feature-major activations (units x rows): Zᵀ = Wᵀ Xᵀ puts the rows of the
  // block along the vector lanes, which fill them far better than narrow layers
  // (35 units pad to 48 lanes of AVX-512; 192 rows pad to nothing).
  // The first layer reads x row-major as op(B) = xᵀ (the GEMM transposes it in
  // vector blocks); later layers read the previous feature-major block. Bias and
  // activation are fused into the GEMM's write-out (one bias per row of Zᵀ).
  const T* in = x;
  T* dst = buf_a;
  T* spare = buf_b;
  const size_t lines = (ahead_bytes + 63) / 64, per_layer = (lines + layers_.size() - 1) / layers_.size();
  for (size_t l = 0; l < layers_.size(); ++l) {
    const LayerConfig& cfg = layers_[l];
    // A share of the next block's input towards L2 while this layer computes: spread
    // out so the few outstanding-miss slots are never flooded.
    for (size_t i = l * per_layer; i < std::min(lines, (l + 1) * per_layer); ++i)
      prefetch_l2(ahead + 64 * i);
    const Activation act = cfg.activation == Activation::Softmax ? Activation::Linear : cfg.activation;
    gemm_bias_act<T>(true, l == 0, cfg.units, rows, cfg.inputs, params[l].weights, cfg.units, in,
                     l == 0 ? ldx : rows, params[l].biases, act, dst, rows, n_threads,
                     /*bias_per_row=*/true);
    in = dst;
    std::swap(dst, spare);
  }
  const index_t outs = outputs();
  for (index_t r = 0; r < rows; ++r)
    for (index_t j = 0; j < outs; ++j) out[r * outs + j] = in[j * rows + r];
  if (layers_.back().activation == Activation::Softmax) softmax_rows(rows, outs, out, outs);
}

template <typename T>
bool Engine<T>::predict(const T* x, index_t ldx, index_t n,
                        const std::vector<LayerParams<T>>& params, T* out,
                        int n_threads, bool check_finite) const {
  require(params.size() == layers_.size(), "params: one entry per layer expected");
  if (n <= 0) return true;
  const index_t outs = outputs();
  const size_t half = size_t(kPredictBlock * max_width_);
  std::atomic<bool> finite{true};
  const ElementwiseKernels<T>& kernels = elementwise_kernels<T>();
  for_each_block<T>(n, n_threads, 2 * half, [&](index_t bi, int inner_threads, T* ws) {
    FlushDenormalsGuard ftz;
    const index_t start = bi * kPredictBlock, rows = std::min(kPredictBlock, n - start);
    if (check_finite && !kernels.all_finite(rows, inputs_, x + start * ldx, ldx)) finite = false;
    if (!finite) return;
    // Prefetch the next block when its rows are (nearly) contiguous.
    const index_t next = start + rows, next_rows = std::min(kPredictBlock, n - next);
    const bool ahead = next_rows > 0 && ldx <= 2 * inputs_;
    forward_block_transposed(x + start * ldx, ldx, rows, params, ws, ws + half, out + start * outs,
                             inner_threads, ahead ? reinterpret_cast<const char*>(x + next * ldx) : nullptr,
                             ahead ? size_t(((next_rows - 1) * ldx + inputs_) * sizeof(T)) : 0);
  });
  return finite;
}

template <typename T>
EvalResult Engine<T>::evaluate(const T* x, index_t ldx, const T* y, index_t ldy, index_t n,
                               const std::vector<LayerParams<T>>& params, T* out,
                               int n_threads) const {
  require(params.size() == layers_.size(), "params: one entry per layer expected");
  require(n > 0, "x: evaluate needs at least one row");
  const index_t outs = outputs();
  const Activation out_act = layers_.back().activation;
  std::vector<double> losses(n);
  const size_t half = size_t(kPredictBlock * max_width_);
  for_each_block<T>(n, n_threads, 3 * half, [&](index_t bi, int inner_threads, T* ws) {
    FlushDenormalsGuard ftz;
    const index_t start = bi * kPredictBlock, rows = std::min(kPredictBlock, n - start);
    T* block_out = out + start * outs;
    const T* z = forward_block(x + start * ldx, ldx, rows, params, ws, ws + half, ws + 2 * half, block_out,
                               inner_threads);
    sample_losses(loss_, out_act, rows, outs, z, block_out, y + start * ldy, ldy, losses.data() + start);
  });

  // Mean and population standard deviation of the per-sample losses.
  double mean = 0.0;
  for (index_t i = 0; i < n; ++i) mean += losses[i];
  mean /= double(n);
  double var = 0.0;
  for (index_t i = 0; i < n; ++i) var += (losses[i] - mean) * (losses[i] - mean);
  var /= double(n);

  // R² per output, uniformly averaged; a constant target scores 1 if predicted
  // exactly and 0 otherwise (scikit-learn's force_finite convention).
  // R² is undefined for a single row.
  if (n < 2) return {mean, std::sqrt(var), std::numeric_limits<double>::quiet_NaN()};
  double r2_sum = 0.0;
  for (index_t j = 0; j < outs; ++j) {
    double ybar = 0.0;
    for (index_t i = 0; i < n; ++i) ybar += double(y[i * ldy + j]);
    ybar /= double(n);
    double ss_res = 0.0, ss_tot = 0.0;
    for (index_t i = 0; i < n; ++i) {
      const double yi = y[i * ldy + j], d = yi - double(out[i * outs + j]);
      ss_res += d * d;
      ss_tot += (yi - ybar) * (yi - ybar);
    }
    r2_sum += ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  }
  return {mean, std::sqrt(var), r2_sum / double(outs)};
}

template class Engine<float>;
template class Engine<double>;

}  // namespace pyneural
