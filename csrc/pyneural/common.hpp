// Shared vocabulary of the C++ engine: index type, enums and small helpers.
// No Python headers here (see csrc/bindings/ for the only place that knows Python).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_IX86))
#include <xmmintrin.h>
#endif

namespace pyneural {

using index_t = std::int64_t;

enum class Activation : int { Linear = 0, ReLU = 1, Tanh = 2, Sigmoid = 3, Softmax = 4 };
enum class Loss : int { MSE = 0, MAE = 1, BCE = 2, CrossEntropy = 3 };
enum class OptimizerKind : int { SGD = 0, Adam = 1 };  // momentum is SGD with momentum > 0

// Thrown by the engine for any size or argument it cannot accept; the bindings
// turn it into a Python ValueError.
struct EngineError : std::invalid_argument {
  explicit EngineError(const std::string& what) : std::invalid_argument(what) {}
};

inline void require(bool ok, const std::string& what) {
  if (!ok) throw EngineError(what);
}

// A hint to bring the cache line at p towards L2 (a no-op where unsupported;
// never faults).
inline void prefetch_l2(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 2);
#elif defined(_M_X64) || defined(_M_IX86)
  _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T1);
#else
  (void)p;
#endif
}

}  // namespace pyneural
