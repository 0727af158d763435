// Element-wise kernels compiled for AVX-512 (F, VL, DQ) + AVX2 + FMA.
#define PYNEURAL_EW_NAME avx512
#define PYNEURAL_EW_TARGET "avx512f,avx512vl,avx512dq,avx2,fma"
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define PYNEURAL_EW_ENABLED 1
#else
#define PYNEURAL_EW_ENABLED 0
#endif
#include "elementwise_isa.inc"
