// The one module that Python imports: pyneural._core.
#include "bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "pyneural's C++ engine (GEMM, fused layer kernels, whole-epoch training loop)";
  py::register_exception<pyneural::EngineError>(m, "EngineError", PyExc_ValueError);
  pyneural::bindings::init_config(m);
  pyneural::bindings::init_linalg(m);
  pyneural::bindings::init_engine(m);
}
