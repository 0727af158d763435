// What this machine's cores give to two threads that wait for each other, against
// two threads that never do. No pyneural code: a fixed, compute-bound loop (12
// independent multiply-add chains, no memory traffic) timed three ways, in
// alternating rounds:
//   one     one thread runs `regions` pieces of work back to back;
//   synced  two OpenMP threads each run one piece per parallel region, so both
//           wait at the region's end for the slower one (as in every
//           multi-threaded GEMM or optimizer step of a training epoch);
//   free    two threads each run `regions` pieces with no waiting at all.
// (free runs before synced: OpenMP's workers keep spinning for a while after a
// region, and would take a core from the free threads.)
// Printed: medians over rounds of 2 x one / synced and 2 x one / free, the most a
// 2-thread run can gain when it synchronises that often, and when it never does.
// That loop is latency-bound scalar code; GEMMs are throughput-bound vector FMAs,
// and the host may give two of those less than two scalar loops. On x86-64 a
// last line times 12 independent FMA chains on the widest vectors the CPU has
// (AVX-512 or AVX2, chosen at run time) on one thread, then on two free threads:
// the ceiling for a 2-thread GEMM or epoch.
//
//   g++ -O2 -fopenmp benchmarks/sync_probe.cpp -o /tmp/sync_probe && /tmp/sync_probe
#include <omp.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PYNEURAL_PROBE_X86 1
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

// ~iters x 12 dependent-chain multiply-adds; noipa keeps the compiler from
// merging or hoisting calls whose result it could otherwise prove identical.
__attribute__((noipa)) double work(long iters) {
  double a[12];
  for (int i = 0; i < 12; ++i) a[i] = 1.0 + i * 1e-9;
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) a[i] = a[i] * 0.999999999 + 1e-9;
  double s = 0;
  for (double x : a) s += x;
  return s;
}

#ifdef PYNEURAL_PROBE_X86
// Throughput-bound: 12 independent vector FMA chains (more than FMA latency x
// ports), no memory traffic. Returns the flops done.
#define PYNEURAL_FMA_CHAINS(R, FMA, SET1, LANES)                      \
  R a[12];                                                             \
  for (int i = 0; i < 12; ++i) a[i] = SET1(1.0f + float(i) * 1e-7f);   \
  const R m = SET1(0.9999999f), c = SET1(1e-7f);                       \
  for (long it = 0; it < iters; ++it) {                                \
    _Pragma("GCC unroll 12")                                           \
    for (int i = 0; i < 12; ++i) a[i] = FMA(a[i], m, c);               \
  }                                                                    \
  R s = a[0];                                                          \
  for (int i = 1; i < 12; ++i) s = FMA(a[i], m, s);                    \
  float out[LANES];                                                    \
  std::memcpy(out, &s, sizeof(R));                                     \
  *sink = out[0];                                                      \
  return 2.0 * 12 * (LANES) * double(iters);

__attribute__((target("avx512f"), noipa)) double vector_work512(long iters, volatile float* sink) {
  PYNEURAL_FMA_CHAINS(__m512, _mm512_fmadd_ps, _mm512_set1_ps, 16)
}
__attribute__((target("avx2,fma"), noipa)) double vector_work256(long iters, volatile float* sink) {
  PYNEURAL_FMA_CHAINS(__m256, _mm256_fmadd_ps, _mm256_set1_ps, 8)
}
#endif

double seconds(const std::chrono::steady_clock::time_point& t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
  volatile double sink = 0;
  std::printf("%12s %10s %14s %12s\n", "region (us)", "regions", "synced gain", "free gain");
  for (long iters : {1000L, 10000L, 100000L}) {
    const int regions = int(std::max(20L, 20000000L / iters));
    std::vector<double> synced, free_;
    double region_s = 0;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < regions; ++i) sink = sink + work(iters);
      const double one = seconds(t0);
      region_s = one / regions;

      t0 = std::chrono::steady_clock::now();
      double other_sum = 0;  // each thread its own sum: no shared write while both run
      std::thread other([&] {
        for (int i = 0; i < regions; ++i) other_sum += work(iters);
      });
      for (int i = 0; i < regions; ++i) sink = sink + work(iters);
      other.join();
      sink = sink + other_sum;
      free_.push_back(2 * one / seconds(t0));
      t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < regions; ++i) {
#pragma omp parallel num_threads(2)
        {
          const double s = work(iters);
#pragma omp critical
          sink = sink + s;
        }
      }
      synced.push_back(2 * one / seconds(t0));

    }
    std::printf("%12.0f %10d %13.2fx %11.2fx\n", region_s * 1e6, regions, median(synced), median(free_));
  }

#ifdef PYNEURAL_PROBE_X86
  // The vector FMA ceiling: one thread alone, then two free threads, alternating.
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
  auto vector_work = [&](long iters, volatile float* out) {
    return avx512 ? vector_work512(iters, out) : vector_work256(iters, out);
  };
  const long iters = 20000000;
  std::vector<double> one_gf, gain;
  volatile float vsink[2] = {0, 0};
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    const double flops = vector_work(iters, &vsink[0]);
    const double one = seconds(t0);
    t0 = std::chrono::steady_clock::now();
    std::thread other([&] { vector_work(iters, &vsink[1]); });
    vector_work(iters, &vsink[0]);
    other.join();
    one_gf.push_back(flops / one / 1e9);
    gain.push_back(2 * one / seconds(t0));
  }
  std::printf("%s float FMA loop: one thread %.0f GFLOP/s; two free threads %.2fx one\n",
              avx512 ? "AVX-512" : "AVX2", median(one_gf), median(gain));
#endif
  return 0;
}
