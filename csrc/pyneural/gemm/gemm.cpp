// GEMM front end: argument checks, trivial cases, the direct/blocked choice,
// splitting C among OpenMP threads, and per-thread workspaces. The arithmetic
// lives in the per-ISA kernels (kernels_*.cpp, gemm_driver.inc).
#include "../gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>

#include "../activations.hpp"
#include "../threads.hpp"
#include "gemm_config.hpp"
#include "gemm_internal.hpp"

namespace pyneural {
namespace gemm_detail {

int active_isa();  // dispatch.cpp

namespace {

// ------------------------------------------------------------ workspaces

struct Workspace {
  void* ptr[2] = {nullptr, nullptr};
  std::size_t cap[2] = {0, 0};
  ~Workspace() {
    for (int s = 0; s < 2; ++s)
      if (ptr[s]) ::operator delete(ptr[s], std::align_val_t(64));
  }
};

// One per thread (each OpenMP worker has its own), so concurrent calls never
// share a buffer; reused across calls so small GEMMs allocate nothing.
thread_local Workspace tls_workspace;

template <typename T>
const KernelTable<T>* table(int isa);
template <>
const KernelTable<float>* table<float>(int isa) {
  return isa == 2 ? avx512_table_f32() : isa == 1 ? avx2_table_f32() : baseline_table_f32();
}
template <>
const KernelTable<double>* table<double>(int isa) {
  return isa == 2 ? avx512_table_f64() : isa == 1 ? avx2_table_f64() : baseline_table_f64();
}

template <typename T>
void act_tile(int act, T* c, index_t ldc, index_t rows, index_t cols) {
  activate_inplace(static_cast<Activation>(act), rows, cols, c, ldc);
}

// k == 0 or alpha == 0: C = act(beta * C + bias) without touching A or B.
template <typename T>
void trivial(const Args<T>& g) {
  for (index_t i = 0; i < g.m; ++i) {
    T* c = g.c + i * g.ldc;
    for (index_t j = 0; j < g.n; ++j) {
      T z = g.beta == T(0) ? T(0) : g.beta * c[j];
      if (g.bias) z += g.bias[g.bias_per_row ? i : j];
      c[j] = activate_scalar(static_cast<Activation>(g.act), z);
    }
  }
}

// [begin, end) of part `t` of `parts` near-equal pieces of n, in units of `unit`.
inline void split(index_t n, index_t unit, int parts, int t, index_t& begin, index_t& end) {
  const index_t units = (n + unit - 1) / unit;
  const index_t base = units / parts, extra = units % parts;
  const index_t u0 = t * base + std::min<index_t>(t, extra);
  const index_t u1 = u0 + base + (t < extra ? 1 : 0);
  begin = std::min(n, u0 * unit);
  end = std::min(n, u1 * unit);
}

// Column panels of C shared by a team with work stealing (blocked_chunks). Each
// thread owns a near-equal run of whole NR panels, as a fixed split would give
// it, and takes them from the front a few at a time, fewer as its run shrinks
// (half of what is left, down to one panel), so that at the end no thread waits
// long for another's last chunk; a thread that has finished its own takes half
// of what is left of another's from the back. Unless the host stalls a thread,
// everyone does its own share; when it does, the others take over the rest of
// it instead of waiting. A one-panel chunk goes in row parts (blocked_chunks):
// a thread with no panels left takes parts of a panel another has opened, so the
// end of a product waits for one part of a panel at most instead of a whole one.
struct ChunkQueue {
  static constexpr int kMaxThreads = 64;
  struct Slot {
    alignas(64) std::atomic<std::uint64_t> range{0};  // front << 32 | back, in panels
    // The one-panel chunk the owner computes in row parts:
    // (panel + 1) << 32 | next part, 0 before the first.
    alignas(64) std::atomic<std::uint64_t> open{0};
  };
  Slot slot[kMaxThreads];
  int threads = 0;
  index_t nr = 0, n = 0, max_panels = 0, own_step = 0;

  static std::uint64_t pack(index_t front, index_t back) {
    return std::uint64_t(front) << 32 | std::uint64_t(back);
  }

  static bool take(void* ctx, index_t* j0, index_t* j1) {
    auto* q = static_cast<ChunkQueue*>(ctx);
    const int t = thread_id();
    index_t p0 = 0, p1 = 0;
    if (!q->claim(t, true, p0, p1)) {
      bool stolen = false;
      for (int d = 1; d < q->threads && !stolen; ++d) stolen = q->claim((t + d) % q->threads, false, p0, p1);
      if (!stolen) return false;
    }
    *j0 = p0 * q->nr;
    *j1 = std::min(q->n, p1 * q->nr);
    return true;
  }

  // The high half of an `open` word: which panel (starting at column j0) it is.
  std::uint64_t panel_tag(index_t j0) const { return std::uint64_t(j0 / nr + 1) << 32; }

  static void open_panel(void* ctx, index_t j0) {
    auto* q = static_cast<ChunkQueue*>(ctx);
    q->slot[thread_id()].open.store(q->panel_tag(j0), std::memory_order_relaxed);
  }

  static bool claim_part(void* ctx, int s, index_t j0, index_t parts, index_t* part) {
    auto* q = static_cast<ChunkQueue*>(ctx);
    std::atomic<std::uint64_t>& w = q->slot[s == gemm_detail::kOwnSlot ? thread_id() : s].open;
    const std::uint64_t panel = q->panel_tag(j0);
    std::uint64_t cur = w.load(std::memory_order_relaxed);
    for (;;) {
      if ((cur & ~std::uint64_t(0xffffffffu)) != panel) return false;
      const index_t next = index_t(cur & 0xffffffffu);
      if (next >= parts) return false;
      if (w.compare_exchange_weak(cur, cur + 1, std::memory_order_relaxed)) {
        *part = next;
        return true;
      }
    }
  }

  static bool help(void* ctx, index_t parts, int* s, index_t* j0) {
    auto* q = static_cast<ChunkQueue*>(ctx);
    const int t = thread_id();
    for (int d = 1; d < q->threads; ++d) {
      const int o = (t + d) % q->threads;
      const std::uint64_t cur = q->slot[o].open.load(std::memory_order_relaxed);
      if ((cur >> 32) != 0 && index_t(cur & 0xffffffffu) < parts) {
        *s = o;
        *j0 = index_t((cur >> 32) - 1) * q->nr;
        return true;
      }
    }
    return false;
  }

  // Claims panels of slot `s`: its owner from the front, half of what is left
  // (at least one, at most own_step); a thief from the back, half of what is
  // left (at least one, at most NC columns).
  bool claim(int s, bool owner, index_t& p0, index_t& p1) {
    std::atomic<std::uint64_t>& r = slot[s].range;
    std::uint64_t cur = r.load(std::memory_order_relaxed);
    for (;;) {
      const index_t front = index_t(cur >> 32), back = index_t(cur & 0xffffffffu);
      if (front >= back) return false;
      const index_t left = back - front;
      const index_t count = owner ? std::min(own_step, (left + 1) / 2)
                                  : std::min(max_panels, std::max<index_t>(1, left / 2));
      const std::uint64_t next = owner ? pack(front + count, back) : pack(front, back - count);
      if (r.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
        p0 = owner ? front : back - count;
        p1 = p0 + count;
        return true;
      }
    }
  }
};

// Work stealing over column panels when the product is wide enough for a few
// panels per thread and op(A) is short enough to pack whole, once per thread
// (what a fixed column share packs too).
template <typename T>
bool use_chunks(const KernelTable<T>* kt, const Args<T>& g, int nt) {
  const index_t panels = (g.n + kt->nr - 1) / kt->nr;
  return nt > 1 && nt <= ChunkQueue::kMaxThreads && g.m <= kt->mc && g.n >= g.m &&
         panels >= index_t(nt) * gemm_config::kMinPanelsPerThread && panels < (index_t(1) << 31) &&
         double(g.m) * double(g.k) * sizeof(T) <= gemm_config::kChunkMaxABytes;
}

template <typename T>
void init_chunks(const KernelTable<T>* kt, const Args<T>& g, int nt, ChunkQueue& q) {
  const index_t panels = (g.n + kt->nr - 1) / kt->nr;
  q.threads = nt;
  q.nr = kt->nr;
  q.n = g.n;
  q.max_panels = std::max<index_t>(1, kt->nc / kt->nr);
  q.own_step = std::min<index_t>(q.max_panels, gemm_config::kOwnPanelsPerTake);
  for (int t = 0; t < nt; ++t) {
    index_t p0, p1;
    split(panels, 1, nt, t, p0, p1);
    q.slot[t].range.store(ChunkQueue::pack(p0, p1), std::memory_order_relaxed);
    q.slot[t].open.store(0, std::memory_order_relaxed);
  }
}

// The part of the work thread `t` of `nt` does.
template <typename T>
void run_part(const KernelTable<T>* kt, const Args<T>& g, bool direct, int t, int nt,
              ChunkQueue* chunks) {
  if (direct) {
    index_t i0, i1;
    split(g.m, 1, nt, t, i0, i1);
    kt->direct(g, i0, i1);
    return;
  }
  if (chunks) {
    const ColumnTasks tasks{chunks, &ChunkQueue::take, &ChunkQueue::open_panel, &ChunkQueue::claim_part,
                            &ChunkQueue::help};
    kt->blocked_chunks(g, 0, g.m, tasks);
    return;
  }
  // A tm x tn grid of C blocks, split along the longer side first: threads own
  // disjoint blocks and pack their own panels (no barriers, no shared buffers).
  int tm = nt, tn = 1;
  double best = -1;
  for (int d = 1; d <= nt; ++d) {
    if (nt % d) continue;
    const double bm = double(g.m) / d, bn = double(g.n) / (nt / d);
    const double score = std::min(bm, bn) / std::max(bm, bn);  // squarest blocks
    if (score > best) best = score, tm = d, tn = nt / d;
  }
  index_t i0, i1, j0, j1;
  split(g.m, kt->mr, tm, t / tn, i0, i1);
  split(g.n, kt->nr, tn, t % tn, j0, j1);
  kt->blocked(g, i0, i1, j0, j1);
}

template <typename T>
void run(const Args<T>& g, int n_threads) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0 || g.alpha == T(0)) {
    trivial(g);
    return;
  }
  const KernelTable<T>* kt = table<T>(active_isa());
  const double work = double(g.m) * double(g.n) * double(g.k);
  const bool direct =
      g.n <= gemm_config::kDirectMaxN ||
      (g.k <= kt->kc && double(g.m) * double(g.k) * sizeof(T) <= gemm_config::kDirectMaxABytes &&
       double(g.n) * sizeof(T) <= gemm_config::kDirectMaxRowBytes);
  int nt = n_threads < 1 ? 1 : n_threads;
  if (work < gemm_config::kParallelMinWork) nt = 1;
  if (direct) nt = int(std::min<index_t>(nt, std::max<index_t>(1, g.m / gemm_config::kMinRowsPerThread)));
  else nt = int(std::min<index_t>(nt, ((g.m + kt->mr - 1) / kt->mr) * ((g.n + kt->nr - 1) / kt->nr)));
#ifdef PYNEURAL_OPENMP
  if (nt > 1) {
    ChunkQueue queue;
    ChunkQueue* chunks = nullptr;
    if (!direct && use_chunks(kt, g, nt)) {
      init_chunks(kt, g, nt, queue);
      chunks = &queue;
    }
#ifdef PYNEURAL_HAS_MXCSR
    const unsigned csr = _mm_getcsr();  // workers round (and flush) like the caller
#endif
    std::exception_ptr error;
#pragma omp parallel num_threads(nt)
    {
#ifdef PYNEURAL_HAS_MXCSR
      const unsigned saved = _mm_getcsr();
      _mm_setcsr(csr);
#endif
      try {
        run_part(kt, g, direct, omp_get_thread_num(), omp_get_num_threads(), chunks);
      } catch (...) {
#pragma omp critical(pyneural_gemm_error)
        error = std::current_exception();
      }
#ifdef PYNEURAL_HAS_MXCSR
      _mm_setcsr(saved);
#endif
    }
    if (error) std::rethrow_exception(error);
    return;
  }
#endif
  run_part(kt, g, direct, 0, 1, nullptr);
}

}  // namespace

void* workspace(int slot, std::size_t bytes) {
  Workspace& w = tls_workspace;
  if (bytes > w.cap[slot]) {
    const std::size_t grown = std::max(bytes, w.cap[slot] + w.cap[slot] / 2);
    const std::size_t size = (grown + 4095) / 4096 * 4096;
    if (w.ptr[slot]) ::operator delete(w.ptr[slot], std::align_val_t(64));
    w.ptr[slot] = nullptr;
    w.cap[slot] = 0;
    w.ptr[slot] = ::operator new(size, std::align_val_t(64));
    w.cap[slot] = size;
  }
  return w.ptr[slot];
}

}  // namespace gemm_detail

template <typename T>
void gemm(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, T alpha, const T* a,
          index_t lda, const T* b, index_t ldb, T beta, T* c, index_t ldc, int n_threads) {
  const gemm_detail::Args<T> g{trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                               beta,    c,       ldc, nullptr, 0, nullptr, false};
  gemm_detail::run(g, n_threads);
}

template <typename T>
void gemm_bias_act(bool trans_a, bool trans_b, index_t m, index_t n, index_t k, const T* a,
                   index_t lda, const T* b, index_t ldb, const T* bias, Activation act, T* c,
                   index_t ldc, int n_threads, bool bias_per_row) {
  require(act == Activation::Linear || act == Activation::ReLU || act == Activation::Tanh ||
              act == Activation::Sigmoid,
          "gemm_bias_act: activation must be linear, relu, tanh or sigmoid");
  const gemm_detail::Args<T> g{trans_a, trans_b, m,    n,   k,    T(1),
                               a,       lda,     b,    ldb, T(0), c,
                               ldc,     bias,    int(act), &gemm_detail::act_tile<T>,
                               bias_per_row};
  gemm_detail::run(g, n_threads);
}

GemmBlocking gemm_blocking(bool double_precision) {
  const int isa = gemm_detail::active_isa();
  if (double_precision) {
    const auto* t = gemm_detail::table<double>(isa);
    return {t->mr, t->nr, t->mc, t->kc, t->nc};
  }
  const auto* t = gemm_detail::table<float>(isa);
  return {t->mr, t->nr, t->mc, t->kc, t->nc};
}

#define PYNEURAL_INSTANTIATE(T)                                                             \
  template void gemm<T>(bool, bool, index_t, index_t, index_t, T, const T*, index_t, const T*, \
                        index_t, T, T*, index_t, int);                                       \
  template void gemm_bias_act<T>(bool, bool, index_t, index_t, index_t, const T*, index_t,    \
                                 const T*, index_t, const T*, Activation, T*, index_t, int, bool);
PYNEURAL_INSTANTIATE(float)
PYNEURAL_INSTANTIATE(double)
#undef PYNEURAL_INSTANTIATE

}  // namespace pyneural
