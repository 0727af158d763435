// CPU feature detection and the choice of GEMM kernels at run time.
//
// Detected once (cpuid for the instructions, xgetbv for the OS saving the
// AVX / AVX-512 register state); PYNEURAL_CPU_FEATURES=baseline|avx2|avx512
// forces a variant, and anything the CPU cannot run falls back to the best one
// with a warning (never a crash). set_isa() switches at run time (tests).
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "../gemm.hpp"
#include "gemm_internal.hpp"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define PYNEURAL_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace pyneural {
namespace gemm_detail {

namespace {

constexpr int kNumIsa = 3;
constexpr const char* kIsaNames[kNumIsa] = {"baseline", "avx2", "avx512"};

#ifdef PYNEURAL_X86
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER) && !defined(__clang__)
  int x[4];
  __cpuidex(x, int(leaf), int(sub));
  for (int i = 0; i < 4; ++i) r[i] = unsigned(x[i]);
#else
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
#endif
}
#endif

// supported[i]: kernels of kIsaNames[i] can run here.
struct Cpu {
  bool supported[kNumIsa] = {true, false, false};
};

Cpu detect_cpu() {
  Cpu cpu;
#ifdef PYNEURAL_X86
  unsigned r[4];
  cpuid(0, 0, r);
  const unsigned max_leaf = r[0];
  if (max_leaf < 7) return cpu;
  cpuid(1, 0, r);
  const bool fma = (r[2] >> 12) & 1, osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
  if (!osxsave) return cpu;
  const unsigned long long xcr0 = xgetbv0();
  const bool os_avx = (xcr0 & 0x6) == 0x6;        // SSE and AVX state
  const bool os_avx512 = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM_Hi256, Hi16_ZMM
  cpuid(7, 0, r);
  const bool avx2 = (r[1] >> 5) & 1, avx512f = (r[1] >> 16) & 1;
  cpu.supported[1] = avx && fma && avx2 && os_avx && avx2_table_f32() != nullptr;
  cpu.supported[2] = cpu.supported[1] && avx512f && os_avx512 && avx512_table_f32() != nullptr;
#endif
  return cpu;
}

int best(const Cpu& cpu) {
  int b = 0;
  for (int i = 0; i < kNumIsa; ++i)
    if (cpu.supported[i]) b = i;
  return b;
}

int isa_index(const std::string& name) {
  for (int i = 0; i < kNumIsa; ++i)
    if (name == kIsaNames[i]) return i;
  return -1;
}

struct State {
  Cpu cpu;
  std::atomic<int> isa{0};
  std::string warning;

  State() : cpu(detect_cpu()) {
    int choice = best(cpu);
    if (const char* env = std::getenv("PYNEURAL_CPU_FEATURES")) {
      std::string want;
      for (const char* p = env; *p; ++p)
        if (!std::isspace(static_cast<unsigned char>(*p)))
          want += char(std::tolower(static_cast<unsigned char>(*p)));
      const int i = isa_index(want);
      if (!want.empty() && i < 0)
        warning = "PYNEURAL_CPU_FEATURES='" + std::string(env) +
                  "' is not one of baseline, avx2, avx512; using " + kIsaNames[choice];
      else if (i >= 0 && !cpu.supported[i])
        warning = "PYNEURAL_CPU_FEATURES=" + want + " is not supported by this CPU; using " +
                  kIsaNames[choice];
      else if (i >= 0)
        choice = i;
    }
    isa.store(choice);
  }
};

State& state() {
  static State s;
  return s;
}

}  // namespace

int active_isa() { return state().isa.load(std::memory_order_relaxed); }

}  // namespace gemm_detail

const char* gemm_isa_name() { return gemm_detail::kIsaNames[gemm_detail::active_isa()]; }

std::vector<std::string> gemm_available_isas() {
  std::vector<std::string> out;
  for (int i = 0; i < gemm_detail::kNumIsa; ++i)
    if (gemm_detail::state().cpu.supported[i]) out.emplace_back(gemm_detail::kIsaNames[i]);
  return out;
}

bool gemm_set_isa(const std::string& name) {
  auto& s = gemm_detail::state();
  const int i = gemm_detail::isa_index(name);
  if (i < 0 || !s.cpu.supported[i]) return false;
  s.isa.store(i);
  return true;
}

std::string gemm_isa_warning() { return gemm_detail::state().warning; }

}  // namespace pyneural
