// pyneural._core.gemm / gemm_bias_act / matmul: the bindings behind
// pyneural.linalg.matmul and the GEMM tests.
#include <algorithm>
#include <cstdint>

#include "bindings.hpp"
#include "pyneural/gemm.hpp"
#include "pyneural/gemm/gemm_config.hpp"

namespace pyneural::bindings {

namespace {

// Below this many multiply-adds (a product of up to ~4 µs on one core) the GIL
// is kept: releasing and re-taking it cost 2.6 % of a 128x35 @ 35x35 product
// (paired A/B, median of 31 rounds, three runs), and another thread could do
// little with it in that time.
constexpr double kReleaseGilWork = 1 << 19;

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
                      py::array& c, int n_threads, bool bias_per_row) {
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
    const index_t length = bias_per_row ? av.rows : bv.cols;
    if (bias_arr.ndim() != 1 || bias_arr.shape(0) != length ||
        (length > 1 && bias_arr.strides(0) != py::ssize_t(sizeof(T))))
      throw EngineError("bias: expected a contiguous 1-D array of length " + std::to_string(length));
    bias_ptr = static_cast<const T*>(bias_arr.data());
  }
  py::gil_scoped_release release;
  gemm_bias_act<T>(av.trans, bv.trans, av.rows, bv.cols, av.cols, av.data, av.ld, bv.data, bv.ld,
                   bias_ptr, static_cast<Activation>(act), cv.data, cv.ld, n_threads, bias_per_row);
}

// ------------------------------------------------------------------ matmul fast path
//
// pyneural.linalg.matmul is a builtin made by _core.make_matmul: it runs the fast
// path below and calls the checked Python function for anything the fast path
// declines. The fast path accepts only the plain case (2-D ndarrays of one native
// float dtype, each C-ordered or a transposed view, out None or a matching
// writable C-contiguous array not overlapping the inputs, n_threads None or a
// positive int); the default thread count (`threads()`) is only asked for when
// the product is big enough to use threads. The engine-sized products take ~3 us,
// so argument handling has to stay around 0.1 us. _core.matmul exposes the fast
// path alone (it returns None where the checked path would run).

constexpr int kNpyFloat = 11, kNpyDouble = 12;      // NPY_FLOAT, NPY_DOUBLE
constexpr int kNpyCContiguous = 0x0001, kNpyWriteable = 0x0400;

struct Operand {
  const char* data;
  index_t rows, cols, ld;
  bool trans;
};

bool native_byteorder(char order) {
  const std::uint16_t one = 1;
  const char native = *reinterpret_cast<const char*>(&one) == 1 ? '<' : '>';
  return order == '=' || order == '|' || order == native;
}

// 4 or 8 for a native-endian float32/float64 ndarray, else 0.
int float_kind(PyObject* obj) {
  if (!py::detail::npy_api::get().PyArray_Check_(obj)) return 0;
  const auto* d = py::detail::array_descriptor_proxy(py::detail::array_proxy(obj)->descr);
  if (!native_byteorder(d->byteorder)) return 0;
  return d->type_num == kNpyFloat ? 4 : d->type_num == kNpyDouble ? 8 : 0;
}

// A 2-D array read as a row-major matrix or its transpose; false if neither.
bool operand(PyObject* obj, index_t item, Operand& op) {
  const auto* x = py::detail::array_proxy(obj);
  if (x->nd != 2) return false;
  const index_t rows = x->dimensions[0], cols = x->dimensions[1];
  const index_t s0 = x->strides[0], s1 = x->strides[1];
  op.data = x->data;
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
void extent(const Operand& op, index_t item, std::uintptr_t& lo, std::uintptr_t& hi) {
  lo = reinterpret_cast<std::uintptr_t>(op.data);
  const index_t outer = op.trans ? op.cols : op.rows, inner = op.trans ? op.rows : op.cols;
  hi = lo + std::uintptr_t(((outer - 1) * op.ld + inner) * item);
}

bool overlaps(const Operand& x, const Operand& y, index_t item) {
  if (x.rows == 0 || x.cols == 0 || y.rows == 0 || y.cols == 0) return false;
  std::uintptr_t xl, xh, yl, yh;
  extent(x, item, xl, xh);
  extent(y, item, yl, yh);
  return xl < yh && yl < xh;
}

template <typename T>
PyObject* matmul_typed(PyObject* a, PyObject* b, PyObject* out_obj, PyObject* n_threads,
                       PyObject* threads) {
  constexpr index_t item = sizeof(T);
  Operand A, B;
  if (!operand(a, item, A) || !operand(b, item, B) || A.cols != B.rows) Py_RETURN_NONE;
  const index_t m = A.rows, n = B.cols, k = A.cols;
  py::object out;
  if (out_obj == Py_None) {
    auto& api = py::detail::npy_api::get();
    Py_intptr_t dims[2] = {Py_intptr_t(m), Py_intptr_t(n)};
    PyObject* arr = api.PyArray_NewFromDescr_(  // steals the descriptor reference
        api.PyArray_Type_, api.PyArray_DescrFromType_(item == 4 ? kNpyFloat : kNpyDouble), 2,
        dims, nullptr, nullptr, 0, nullptr);
    if (!arr) return nullptr;
    out = py::reinterpret_steal<py::object>(arr);
  } else {
    if (float_kind(out_obj) != int(item)) Py_RETURN_NONE;
    const auto* o = py::detail::array_proxy(out_obj);
    if (o->nd != 2 || o->dimensions[0] != m || o->dimensions[1] != n ||
        (o->flags & (kNpyCContiguous | kNpyWriteable)) != (kNpyCContiguous | kNpyWriteable))
      Py_RETURN_NONE;
    const Operand C{o->data, m, n, n, false};
    if (overlaps(C, A, item) || overlaps(C, B, item)) Py_RETURN_NONE;
    out = py::reinterpret_borrow<py::object>(out_obj);
  }
  const double work = double(m) * double(n) * double(k);
  long nt = 1;
  if (n_threads != Py_None) {
    nt = PyLong_AsLong(n_threads);
    if (nt == -1 && PyErr_Occurred()) return nullptr;
  } else if (work >= gemm_config::kParallelMinWork) {
    PyObject* r = PyObject_CallNoArgs(threads);
    if (!r) return nullptr;
    nt = PyLong_AsLong(r);
    Py_DECREF(r);
    if (nt == -1 && PyErr_Occurred()) return nullptr;
  }
  const int nti = nt < 1 ? 1 : (nt > 4096 ? 4096 : int(nt));
  const T* ap = reinterpret_cast<const T*>(A.data);
  const T* bp = reinterpret_cast<const T*>(B.data);
  T* cp = reinterpret_cast<T*>(py::detail::array_proxy(out.ptr())->data);
  if (work >= kReleaseGilWork) {
    py::gil_scoped_release release;
    gemm<T>(A.trans, B.trans, m, n, k, T(1), ap, A.ld, bp, B.ld, T(0), cp, n, nti);
  } else {
    gemm<T>(A.trans, B.trans, m, n, k, T(1), ap, A.ld, bp, B.ld, T(0), cp, n, nti);
  }
  return out.release().ptr();
}

// The fast path proper: the product, or None when the checked path must run.
PyObject* matmul_fast(PyObject* a, PyObject* b, PyObject* out, PyObject* n_threads,
                      PyObject* threads) {
  if (n_threads != Py_None && !(PyLong_CheckExact(n_threads) && PyLong_AsLong(n_threads) > 0)) {
    PyErr_Clear();  // e.g. an int too big for a long: let the checked path report it
    Py_RETURN_NONE;
  }
  try {
    const int kind = float_kind(a);
    if (kind == 0 || float_kind(b) != kind) Py_RETURN_NONE;
    return kind == 4 ? matmul_typed<float>(a, b, out, n_threads, threads)
                     : matmul_typed<double>(a, b, out, n_threads, threads);
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

// _core.matmul(a, b, out, n_threads, threads): the fast path alone (tests, benchmarks).
PyObject* matmul_fastcall(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 5) {
    PyErr_SetString(PyExc_TypeError, "matmul(a, b, out, n_threads, threads): 5 arguments");
    return nullptr;
  }
  return matmul_fast(args[0], args[1], args[2], args[3], args[4]);
}

PyMethodDef matmul_def = {
    "matmul", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&matmul_fastcall)),
    METH_FASTCALL,
    "matmul(a, b, out, n_threads, threads)\n--\n\nFast path of pyneural.linalg.matmul: a @ b "
    "for plain inputs, or None when the arguments need the checked Python path."};

// pyneural.linalg.matmul(a, b, out=None, n_threads=None) itself, built by
// _core.make_matmul(checked, threads, doc): the fast path, else checked(a, b,
// out, n_threads). `self` is the tuple (checked, threads).
PyObject* matmul_public(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  static const char* const names[4] = {"a", "b", "out", "n_threads"};
  // Keyword names written in source code arrive interned: compare pointers first
  // (string comparisons were a third of the call overhead with two keywords).
  static PyObject* const interned[4] = {PyUnicode_InternFromString(names[0]),
                                        PyUnicode_InternFromString(names[1]),
                                        PyUnicode_InternFromString(names[2]),
                                        PyUnicode_InternFromString(names[3])};
  PyObject* v[4] = {nullptr, nullptr, Py_None, Py_None};
  if (nargs > 4) {
    PyErr_Format(PyExc_TypeError, "matmul() takes at most 4 arguments (%zd given)", nargs);
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) v[i] = args[i];
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t j = 0; j < nkw; ++j) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, j);
    int slot = -1;
    for (int i = 0; i < 4 && slot < 0; ++i)
      if (key == interned[i]) slot = i;
    for (int i = 0; i < 4 && slot < 0; ++i)
      if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0) slot = i;
    if (slot < 0) {
      PyErr_Format(PyExc_TypeError, "matmul() got an unexpected keyword argument '%U'", key);
      return nullptr;
    }
    if (slot < nargs) {
      PyErr_Format(PyExc_TypeError, "matmul() got multiple values for argument '%s'",
                   names[slot]);
      return nullptr;
    }
    v[slot] = args[nargs + j];
  }
  if (!v[0] || !v[1]) {
    PyErr_SetString(PyExc_TypeError, "matmul() missing required argument 'a' or 'b'");
    return nullptr;
  }
  PyObject* checked = PyTuple_GET_ITEM(self, 0);
  PyObject* threads = PyTuple_GET_ITEM(self, 1);
  PyObject* r = matmul_fast(v[0], v[1], v[2], v[3], threads);
  if (r != Py_None) return r;  // the product, or an error
  Py_DECREF(r);
  PyObject* call[4] = {v[0], v[1], v[2], v[3]};
  return PyObject_Vectorcall(checked, call, 4, nullptr);
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
         py::array& out, int n_threads, bool bias_per_row) {
        if (py::isinstance<py::array_t<float>>(a))
          gemm_bias_act_py<float>(a, b, bias, activation_code, out, n_threads, bias_per_row);
        else if (py::isinstance<py::array_t<double>>(a))
          gemm_bias_act_py<double>(a, b, bias, activation_code, out, n_threads, bias_per_row);
        else
          throw EngineError("a: dtype must be float32 or float64");
      },
      py::arg("a"), py::arg("b"), py::arg("bias"), py::arg("activation_code"), py::arg("out"),
      py::arg("n_threads") = 1, py::arg("bias_per_row") = false,
      "out = act(a @ b + bias) with the activation fused into the GEMM's write-out; codes: "
      "0 linear, 1 relu, 2 tanh, 3 sigmoid; bias may be None. bias has one entry per column "
      "of out, or with bias_per_row=True one per row.");

  m.add_object("matmul", py::reinterpret_steal<py::object>(
                             PyCFunction_NewEx(&matmul_def, nullptr, m.attr("__name__").ptr())));
  m.def(
      "make_matmul",
      [](py::function checked, py::function threads, const std::string& doc,
         const std::string& module) {
        // The definition and its docstring live as long as the process (one per call).
        auto* text = new std::string(doc);
        auto* def = new PyMethodDef{
            "matmul",
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&matmul_public)),
            METH_FASTCALL | METH_KEYWORDS, text->c_str()};
        py::tuple self = py::make_tuple(checked, threads);
        py::str mod(module);
        return py::reinterpret_steal<py::object>(PyCFunction_NewEx(def, self.ptr(), mod.ptr()));
      },
      py::arg("checked"), py::arg("threads"), py::arg("doc"), py::arg("module"),
      "Build pyneural.linalg.matmul: a builtin running the fast path and calling "
      "checked(a, b, out, n_threads) for anything else.");
}

}  // namespace pyneural::bindings
