// Build and runtime facts for pyneural.show_config().
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
}

}  // namespace pyneural::bindings
