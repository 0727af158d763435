// Counter-based dropout masks: the keep/drop decision for element `index` of the
// input of layer `layer` in batch `batch` of epoch `epoch` is a pure function of
// (seed, epoch, batch, layer, index), so the NumPy backend reproduces it exactly
// and no generator state has to be carried between calls.
//
//   key  = mix(seed ^ mix(epoch ^ mix(batch ^ mix(layer))))
//   u    = (mix(key ^ index) >> 11) · 2^-53          uniform in [0, 1)
//   keep = u >= rate ; scale kept inputs by 1 / (1 - rate)   (inverted dropout)
#pragma once

#include <cstdint>

#include "common.hpp"

namespace pyneural {

// SplitMix64 finaliser (Steele, Lea & Flood 2014).
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline std::uint64_t dropout_key(std::uint64_t seed, std::uint64_t epoch, std::uint64_t batch,
                                 std::uint64_t layer) {
  return mix64(seed ^ mix64(epoch ^ mix64(batch ^ mix64(layer))));
}

// Fill mask[0, size) with 0 (dropped) or 1/(1-rate) (kept).
template <typename T>
void dropout_mask(std::uint64_t key, double rate, index_t size, T* mask) {
  const T scale = T(1.0 / (1.0 - rate));
  for (index_t i = 0; i < size; ++i) {
    const double u = double(mix64(key ^ std::uint64_t(i)) >> 11) * 0x1.0p-53;
    mask[i] = u >= rate ? scale : T(0);
  }
}

}  // namespace pyneural
