// pyneural._core.EngineF32 / EngineF64: the native backend's training loop.
//
// Arrays are validated (dtype, shape, contiguity, writability, index ranges) while
// the GIL is held; the GIL is released for the computation itself.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "pyneural/engine.hpp"
#include "pyneural/kernels/elementwise.hpp"

namespace pyneural::bindings {

namespace {

std::string shape_str(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

// A caller-owned, writable, C-contiguous buffer of exactly `shape`.
template <typename T>
T* owned_buffer(const py::handle& h, std::vector<index_t> shape, const std::string& name) {
  if (!py::isinstance<py::array_t<T>>(h)) throw EngineError(name + ": wrong dtype or not an array");
  auto a = py::reinterpret_borrow<py::array>(h);
  if (a.ndim() != py::ssize_t(shape.size())) throw EngineError(name + ": wrong number of dimensions");
  for (size_t i = 0; i < shape.size(); ++i)
    if (a.shape(i) != shape[i]) throw EngineError(name + ": wrong shape " + shape_str(a));
  if (!(a.flags() & py::array::c_style)) throw EngineError(name + ": must be C-contiguous");
  if (!a.writeable()) throw EngineError(name + ": must be writable");
  return static_cast<T*>(a.mutable_data());
}

// Row-major input matrix with unit inner stride; returns data and row stride.
template <typename T>
std::pair<const T*, index_t> input_matrix(const py::array& a, index_t cols, const std::string& name) {
  if (!py::isinstance<py::array_t<T>>(a)) throw EngineError(name + ": wrong dtype");
  if (a.ndim() != 2) throw EngineError(name + ": expected a 2-D array, got shape " + shape_str(a));
  if (a.shape(1) != cols)
    throw EngineError(name + ": expected " + std::to_string(cols) + " columns, got shape " +
                      shape_str(a));
  const index_t item = sizeof(T);
  if (a.shape(0) == 0) return {static_cast<const T*>(a.data()), cols};  // nothing is read
  if (a.shape(0) > 1 && (a.strides(0) % item != 0 || a.strides(0) < cols * item))
    throw EngineError(name + ": rows must be stored one after another");
  if (cols > 1 && a.strides(1) != item) throw EngineError(name + ": rows must be contiguous");
  const index_t ld = a.shape(0) > 1 ? a.strides(0) / item : cols;
  return {static_cast<const T*>(a.data()), ld};
}

template <typename T>
std::vector<LayerParams<T>> layer_params(const Engine<T>& e, const py::sequence& params) {
  const auto& layers = e.layers();
  if (py::len(params) != layers.size())
    throw EngineError("params: expected " + std::to_string(layers.size()) + " layers, got " +
                      std::to_string(py::len(params)));
  std::vector<LayerParams<T>> out(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& cfg = layers[l];
    const std::string where = "params[" + std::to_string(l) + "]";
    auto item = params[l].cast<py::sequence>();
    if (py::len(item) != 4) throw EngineError(where + ": expected (W, b, W state, b state)");
    out[l].weights = owned_buffer<T>(item[0], {cfg.inputs, cfg.units}, where + ".weights");
    out[l].biases = owned_buffer<T>(item[1], {cfg.units}, where + ".biases");
    auto ws = item[2].cast<py::sequence>(), bs = item[3].cast<py::sequence>();
    const size_t k = size_t(cfg.optimizer.state_count());
    if (py::len(ws) != k || py::len(bs) != k)
      throw EngineError(where + ": expected " + std::to_string(k) + " optimizer state buffers");
    for (size_t s = 0; s < k; ++s) {
      out[l].weight_state[s] = owned_buffer<T>(ws[s], {cfg.inputs, cfg.units}, where + ".state");
      out[l].bias_state[s] = owned_buffer<T>(bs[s], {cfg.units}, where + ".state");
    }
  }
  return out;
}

std::vector<LayerConfig> layer_configs(index_t inputs, const py::sequence& specs) {
  std::vector<LayerConfig> layers;
  index_t prev = inputs;
  for (size_t l = 0; l < py::len(specs); ++l) {
    auto d = specs[l].cast<py::dict>();
    LayerConfig c;
    c.inputs = prev;
    c.units = d["units"].cast<index_t>();
    const int act = d["activation"].cast<int>();
    if (act < 0 || act > 4) throw EngineError("activation: unknown code");
    c.activation = Activation(act);
    c.dropout = d["dropout"].cast<double>();
    const int kind = d["optimizer"].cast<int>();
    if (kind < 0 || kind > 1) throw EngineError("optimizer: unknown code");
    c.optimizer.kind = OptimizerKind(kind);
    c.optimizer.momentum = d["momentum"].cast<double>();
    c.optimizer.beta_1 = d["beta_1"].cast<double>();
    c.optimizer.beta_2 = d["beta_2"].cast<double>();
    c.optimizer.epsilon = d["epsilon"].cast<double>();
    layers.push_back(c);
    prev = c.units;
  }
  return layers;
}

template <typename T>
void bind_engine(py::module_& m, const char* name) {
  using E = Engine<T>;
  py::class_<E>(m, name)
      .def(py::init([](index_t inputs, const py::sequence& layers, int loss) {
             if (loss < 0 || loss > 3) throw EngineError("loss: unknown code");
             return new E(inputs, layer_configs(inputs, layers), Loss(loss));
           }),
           py::arg("inputs"), py::arg("layers"), py::arg("loss"))
      .def_property_readonly("inputs", &E::inputs)
      .def_property_readonly("outputs", &E::outputs)
      .def(
          "train_epoch",
          [](E& e, const py::array& x, const py::array& y, const py::array& perm,
             index_t batch_size, const py::sequence& params, const py::array& lr,
             std::int64_t step, std::uint64_t seed, std::int64_t epoch, int n_threads) {
            auto [xp, ldx] = input_matrix<T>(x, e.inputs(), "x");
            auto [yp, ldy] = input_matrix<T>(y, e.outputs(), "y");
            if (y.shape(0) != x.shape(0)) throw EngineError("y: row count differs from x");
            if (!py::isinstance<py::array_t<std::int64_t>>(perm) || perm.ndim() != 1 ||
                !(perm.flags() & py::array::c_style))
              throw EngineError("perm: expected a contiguous 1-D int64 array");
            if (!py::isinstance<py::array_t<double>>(lr) || lr.ndim() != 1 ||
                lr.shape(0) != py::ssize_t(e.layers().size()) ||
                !(lr.flags() & py::array::c_style))
              throw EngineError("lr: expected one float64 learning rate per layer");
            if (batch_size < 1) throw EngineError("batch_size: must be >= 1");
            if (n_threads < 1) throw EngineError("n_threads: must be >= 1");
            auto p = layer_params(e, params);
            const auto* pp = static_cast<const std::int64_t*>(perm.data());
            const auto* lrp = static_cast<const double*>(lr.data());
            const index_t rows = x.shape(0), n = perm.shape(0);
            EpochResult r;
            {
              py::gil_scoped_release release;
              r = e.train_epoch(xp, ldx, yp, ldy, rows, pp, n, batch_size, p, lrp, step, seed,
                                epoch, n_threads);
            }
            return py::make_tuple(r.mean_loss, r.step);
          },
          py::arg("x"), py::arg("y"), py::arg("perm"), py::arg("batch_size"), py::arg("params"),
          py::arg("lr"), py::arg("step"), py::arg("seed"), py::arg("epoch"),
          py::arg("n_threads"))
      .def(
          "predict",
          [](const E& e, const py::array& x, const py::sequence& params, int n_threads,
             bool check_finite) -> py::object {
            auto [xp, ldx] = input_matrix<T>(x, e.inputs(), "x");
            if (n_threads < 1) throw EngineError("n_threads: must be >= 1");
            auto p = layer_params(e, params);
            const index_t n = x.shape(0);
            py::array_t<T> out({n, e.outputs()});
            T* op = out.mutable_data();
            bool finite;
            {
              py::gil_scoped_release release;
              finite = e.predict(xp, ldx, n, p, op, n_threads, check_finite);
            }
            if (!finite) return py::none();
            return std::move(out);
          },
          py::arg("x"), py::arg("params"), py::arg("n_threads"), py::arg("check_finite") = false,
          "Outputs (n, outputs); None when check_finite and x holds a NaN or an infinity.")
      .def(
          "evaluate",
          [](const E& e, const py::array& x, const py::array& y, const py::sequence& params,
             int n_threads) {
            auto [xp, ldx] = input_matrix<T>(x, e.inputs(), "x");
            auto [yp, ldy] = input_matrix<T>(y, e.outputs(), "y");
            if (y.shape(0) != x.shape(0)) throw EngineError("y: row count differs from x");
            if (n_threads < 1) throw EngineError("n_threads: must be >= 1");
            auto p = layer_params(e, params);
            const index_t n = x.shape(0);
            py::array_t<T> out({n, e.outputs()});
            T* op = out.mutable_data();
            EvalResult r;
            {
              py::gil_scoped_release release;
              r = e.evaluate(xp, ldx, yp, ldy, n, p, op, n_threads);
            }
            return py::make_tuple(r.loss_mean, r.loss_std, r.r2, out);
          },
          py::arg("x"), py::arg("y"), py::arg("params"), py::arg("n_threads"));
}

// True when no element of the 2-D float array x is NaN or ±inf: the vectorised
// bit test the engine uses, without NumPy's temporary boolean array.
template <typename T>
bool all_finite_py(const py::array& x) {
  const auto v = matrix_view<T>(x, "x", false);
  // A transposed view is checked as stored: finiteness does not depend on order.
  const index_t rows = v.trans ? v.cols : v.rows, cols = v.trans ? v.rows : v.cols;
  if (rows == 0 || cols == 0) return true;
  const ElementwiseKernels<T>& kernels = elementwise_kernels<T>();
  if (double(rows) * double(cols) < double(1 << 16)) return kernels.all_finite(rows, cols, v.data, v.ld);
  py::gil_scoped_release release;
  return kernels.all_finite(rows, cols, v.data, v.ld);
}

}  // namespace

void init_engine(py::module_& m) {
  bind_engine<float>(m, "EngineF32");
  bind_engine<double>(m, "EngineF64");
  m.def(
      "all_finite",
      [](const py::array& x) {
        if (py::isinstance<py::array_t<float>>(x)) return all_finite_py<float>(x);
        if (py::isinstance<py::array_t<double>>(x)) return all_finite_py<double>(x);
        throw EngineError("x: expected a float32 or float64 array");
      },
      py::arg("x"), "all_finite(x): True when the 2-D float32 or float64 array x holds no NaN or infinity.");
}

}  // namespace pyneural::bindings
