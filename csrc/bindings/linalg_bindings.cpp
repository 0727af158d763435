// pyneural._core.gemm: the binding behind pyneural.linalg.matmul.
#include "bindings.hpp"
#include "pyneural/gemm.hpp"

namespace pyneural::bindings {

namespace {

template <typename T>
void gemm_py(const py::array& a, const py::array& b, py::array& c, double alpha, double beta,
             int n_threads) {
  const auto av = matrix_view<T>(a, "a", false);
  const auto bv = matrix_view<T>(b, "b", false);
  auto cv = matrix_view<T>(c, "out", true);
  if (av.cols != bv.rows)
    throw EngineError("matmul: a has " + std::to_string(av.cols) + " columns but b has " +
                      std::to_string(bv.rows) + " rows");
  if (cv.rows != av.rows || cv.cols != bv.cols)
    throw EngineError("matmul: out has the wrong shape");
  if (cv.trans) throw EngineError("out: must be C-contiguous along its rows");
  if (n_threads < 1) throw EngineError("n_threads: must be >= 1");
  py::gil_scoped_release release;
  gemm<T>(av.trans, bv.trans, av.rows, bv.cols, av.cols, T(alpha), av.data, av.ld, bv.data,
          bv.ld, T(beta), cv.data, cv.ld, n_threads);
}

}  // namespace

void init_linalg(py::module_& m) {
  m.def(
      "gemm",
      [](const py::array& a, const py::array& b, py::array& out, double alpha, double beta,
         int n_threads) {
        if (py::isinstance<py::array_t<float>>(a))
          gemm_py<float>(a, b, out, alpha, beta, n_threads);
        else if (py::isinstance<py::array_t<double>>(a))
          gemm_py<double>(a, b, out, alpha, beta, n_threads);
        else
          throw EngineError("a: dtype must be float32 or float64");
      },
      py::arg("a"), py::arg("b"), py::arg("out"), py::arg("alpha") = 1.0,
      py::arg("beta") = 0.0, py::arg("n_threads") = 1,
      "out = alpha * a @ b + beta * out for 2-D float32/float64 arrays (views allowed).");
}

}  // namespace pyneural::bindings
