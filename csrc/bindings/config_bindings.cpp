// Build and runtime facts for pyneural.show_config(), and the CPU-kernel switch.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "pyneural/gemm.hpp"
#include "pyneural/threads.hpp"

namespace pyneural::bindings {

void init_config(py::module_& m) {
  m.def("openmp_enabled", &openmp_enabled, "Whether the extension was built with OpenMP.");
  m.def("default_threads", &default_threads,
        "Threads OpenMP uses by default (OMP_NUM_THREADS, else all cores).");
  m.def("cpu_kernel", []() { return std::string(gemm_isa_name()); },
        "Instruction set of the selected GEMM kernels.");
  m.def("available_cpu_kernels", &gemm_available_isas,
        "Instruction sets of GEMM kernels this CPU can run, from 'baseline' up.");
  m.def(
      "set_cpu_kernel",
      [](const std::string& name) {
        if (!gemm_set_isa(name)) {
          std::string have;
          for (const auto& s : gemm_available_isas()) have += (have.empty() ? "" : ", ") + s;
          throw EngineError("set_cpu_kernel: '" + name +
                            "' is not a CPU kernel this machine supports (available: " + have +
                            ")");
        }
      },
      py::arg("name"),
      "Use the GEMM kernels of instruction set `name` from now on (ValueError if unsupported).");
  m.def(
      "gemm_blocking",
      [](const std::string& dtype) {
        if (dtype != "float32" && dtype != "float64")
          throw EngineError("dtype: expected 'float32' or 'float64', got '" + dtype + "'");
        const GemmBlocking b = gemm_blocking(dtype == "float64");
        py::dict d;
        d["mr"] = b.mr;
        d["nr"] = b.nr;
        d["mc"] = b.mc;
        d["kc"] = b.kc;
        d["nc"] = b.nc;
        return d;
      },
      py::arg("dtype"), "Register tile (mr, nr) and cache blocks (mc, kc, nc) of the active kernel.");
  m.def("cpu_kernel_warning", &gemm_isa_warning,
        "Why PYNEURAL_CPU_FEATURES was ignored, or '' if it was followed or is unset.");
}

}  // namespace pyneural::bindings
