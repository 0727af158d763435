// pyneural._core.gemm / gemm_bias_act / matmul: the bindings behind
// pyneural.linalg.matmul and the GEMM tests.
#include <algorithm>
#include <cstdint>

#include "bindings.hpp"
#include "pyneural/gemm.hpp"

namespace pyneural::bindings {

namespace {

// Below this many multiply-adds the GIL is kept: releasing and re-taking it
// costs more than such a product (~1 µs on 2 cores).
constexpr double kReleaseGilWork = 1 << 17;

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

template <typename T>
void gemm_bias_act_py(const py::array& a, const py::array& b, const py::object& bias, int act,
                      py::array& c, int n_threads) {
  const auto av = matrix_view<T>(a, "a", false);
  const auto bv = matrix_view<T>(b, "b", false);
  auto cv = matrix_view<T>(c, "out", true);
  if (av.cols != bv.rows)
    throw EngineError("gemm_bias_act: a has " + std::to_string(av.cols) +
                      " columns but b has " + std::to_string(bv.rows) + " rows");
  if (cv.rows != av.rows || cv.cols != bv.cols || cv.trans)
    throw EngineError("out: expected a C-contiguous array of the product's shape");
  if (n_threads < 1) throw EngineError("n_threads: must be >= 1");
  if (act < 0 || act > 3)
    throw EngineError("activation_code: expected 0 (linear), 1 (relu), 2 (tanh) or 3 (sigmoid), got " +
                      std::to_string(act));
  const T* bias_ptr = nullptr;
  py::array bias_arr;
  if (!bias.is_none()) {
    if (!py::isinstance<py::array_t<T>>(bias)) throw EngineError("bias: wrong dtype");
    bias_arr = py::reinterpret_borrow<py::array>(bias);
    if (bias_arr.ndim() != 1 || bias_arr.shape(0) != bv.cols ||
        (bv.cols > 1 && bias_arr.strides(0) != py::ssize_t(sizeof(T))))
      throw EngineError("bias: expected a contiguous 1-D array of length " +
                        std::to_string(bv.cols));
    bias_ptr = static_cast<const T*>(bias_arr.data());
  }
  py::gil_scoped_release release;
  gemm_bias_act<T>(av.trans, bv.trans, av.rows, bv.cols, av.cols, av.data, av.ld, bv.data, bv.ld,
                   bias_ptr, static_cast<Activation>(act), cv.data, cv.ld, n_threads);
}

// ------------------------------------------------------------------ matmul fast path
//
// pyneural.linalg.matmul calls this first. It accepts only the plain case (2-D
// ndarrays of one native float dtype, each C-ordered or a transposed view, out
// absent or a matching C-contiguous writable array not overlapping the inputs)
// and returns None otherwise, so that the Python side produces the detailed
// error or copies the operands. The thread count is only asked for (through
// `threads`, a callable) when the product is big enough to use threads.

struct Operand {
  const char* data;
  index_t rows, cols, ld;
  bool trans;
};

// A 2-D float array read as a row-major matrix or its transpose; false if not.
bool operand(const py::array& x, py::ssize_t item, Operand& op) {
  if (x.ndim() != 2) return false;
  const index_t rows = x.shape(0), cols = x.shape(1);
  const index_t s0 = x.strides(0), s1 = x.strides(1);
  op.data = static_cast<const char*>(x.data());
  op.rows = rows;
  op.cols = cols;
  if (rows == 0 || cols == 0) {
    op.ld = std::max<index_t>(cols, 1);
    op.trans = false;
    return true;
  }
  if ((s1 == item || cols == 1) && s0 >= 0 && s0 % item == 0 && (rows == 1 || s0 >= cols * item)) {
    op.ld = rows == 1 ? cols : s0 / item;
    op.trans = false;
    return true;
  }
  if ((s0 == item || rows == 1) && s1 >= 0 && s1 % item == 0 && (cols == 1 || s1 >= rows * item)) {
    op.ld = cols == 1 ? rows : s1 / item;
    op.trans = true;
    return true;
  }
  return false;
}

// Bytes [lo, hi) an operand's elements span.
void extent(const Operand& op, py::ssize_t item, std::uintptr_t& lo, std::uintptr_t& hi) {
  lo = reinterpret_cast<std::uintptr_t>(op.data);
  const index_t outer = op.trans ? op.cols : op.rows, inner = op.trans ? op.rows : op.cols;
  hi = lo + std::uintptr_t(((outer - 1) * op.ld + inner) * item);
}

bool overlaps(const Operand& x, const Operand& y, py::ssize_t item) {
  if (x.rows == 0 || x.cols == 0 || y.rows == 0 || y.cols == 0) return false;
  std::uintptr_t xl, xh, yl, yh;
  extent(x, item, xl, xh);
  extent(y, item, yl, yh);
  return xl < yh && yl < xh;
}

template <typename T>
py::object matmul_typed(const py::array& a, const py::array& b, py::handle out_h,
                        py::handle n_threads, py::handle threads) {
  constexpr py::ssize_t item = sizeof(T);
  Operand A, B;
  if (!operand(a, item, A) || !operand(b, item, B) || A.cols != B.rows) return py::none();
  const index_t m = A.rows, n = B.cols, k = A.cols;
  py::array out;
  if (out_h.is_none()) {
    out = py::array_t<T>({py::ssize_t(m), py::ssize_t(n)});
  } else {
    if (!py::isinstance<py::array>(out_h)) return py::none();
    out = py::reinterpret_borrow<py::array>(out_h);
    const auto dt = out.dtype();
    if (dt.num() != py::dtype::of<T>().num() || (dt.byteorder() != '=' && dt.byteorder() != '<' &&
                                                  dt.byteorder() != '|'))
      return py::none();
    if (out.ndim() != 2 || out.shape(0) != m || out.shape(1) != n || !out.writeable() ||
        !(out.flags() & py::array::c_style))
      return py::none();
    const Operand C{static_cast<const char*>(out.data()), m, n, n, false};
    if (overlaps(C, A, item) || overlaps(C, B, item)) return py::none();
  }
  const double work = double(m) * double(n) * double(k);
  int nt = 1;
  if (!n_threads.is_none()) {
    nt = n_threads.cast<int>();
  } else if (work >= 64.0 * 64.0 * 64.0) {
    nt = threads().cast<int>();
  }
  if (nt < 1) nt = 1;
  const T* ap = reinterpret_cast<const T*>(A.data);
  const T* bp = reinterpret_cast<const T*>(B.data);
  T* cp = static_cast<T*>(out.mutable_data());
  if (work >= kReleaseGilWork) {
    py::gil_scoped_release release;
    gemm<T>(A.trans, B.trans, m, n, k, T(1), ap, A.ld, bp, B.ld, T(0), cp, n, nt);
  } else {
    gemm<T>(A.trans, B.trans, m, n, k, T(1), ap, A.ld, bp, B.ld, T(0), cp, n, nt);
  }
  return std::move(out);
}

// 11 = NPY_FLOAT, 12 = NPY_DOUBLE; 0 if not a native-endian float array.
int float_kind(const py::array& x) {
  const auto dt = x.dtype();
  const char bo = dt.byteorder();
  if (bo != '=' && bo != '<' && bo != '|') return 0;
  const int num = dt.num();
  return num == py::dtype::of<float>().num() ? 4 : num == py::dtype::of<double>().num() ? 8 : 0;
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

  m.def(
      "gemm_bias_act",
      [](const py::array& a, const py::array& b, const py::object& bias, int activation_code,
         py::array& out, int n_threads) {
        if (py::isinstance<py::array_t<float>>(a))
          gemm_bias_act_py<float>(a, b, bias, activation_code, out, n_threads);
        else if (py::isinstance<py::array_t<double>>(a))
          gemm_bias_act_py<double>(a, b, bias, activation_code, out, n_threads);
        else
          throw EngineError("a: dtype must be float32 or float64");
      },
      py::arg("a"), py::arg("b"), py::arg("bias"), py::arg("activation_code"), py::arg("out"),
      py::arg("n_threads") = 1,
      "out = act(a @ b + bias) with the activation fused into the GEMM's write-out; codes: "
      "0 linear, 1 relu, 2 tanh, 3 sigmoid; bias may be None.");

  m.def(
      "matmul",
      [](py::handle a, py::handle b, py::handle out, py::handle n_threads,
         py::handle threads) -> py::object {
        if (!py::isinstance<py::array>(a) || !py::isinstance<py::array>(b)) return py::none();
        const auto aa = py::reinterpret_borrow<py::array>(a);
        const auto ba = py::reinterpret_borrow<py::array>(b);
        const int kind = float_kind(aa);
        if (kind == 0 || float_kind(ba) != kind) return py::none();
        return kind == 4 ? matmul_typed<float>(aa, ba, out, n_threads, threads)
                         : matmul_typed<double>(aa, ba, out, n_threads, threads);
      },
      py::arg("a"), py::arg("b"), py::arg("out"), py::arg("n_threads"), py::arg("threads"),
      "Fast path of pyneural.linalg.matmul: a @ b for plain inputs, or None when the "
      "arguments need the checked Python path. n_threads: a positive int, or None to call "
      "threads() (only when the product is big enough to use threads).");
}

}  // namespace pyneural::bindings
