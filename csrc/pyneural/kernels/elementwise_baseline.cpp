// Element-wise kernels for the baseline instruction set (what the compiler targets by default).
#include "elementwise.hpp"

namespace pyneural {
namespace elementwise_baseline {

constexpr char kName[] = "baseline";
#include "elementwise_impl.inc"

}  // namespace elementwise_baseline

namespace elementwise_detail {
const ElementwiseKernels<float>* baseline_f32() { return &elementwise_baseline::kTable<float>; }
const ElementwiseKernels<double>* baseline_f64() { return &elementwise_baseline::kTable<double>; }
}  // namespace elementwise_detail
}  // namespace pyneural
