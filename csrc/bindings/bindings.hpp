// Declarations shared by the binding translation units of pyneural._core.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "pyneural/common.hpp"

namespace pyneural::bindings {

namespace py = pybind11;

void init_linalg(py::module_& m);
void init_engine(py::module_& m);
void init_config(py::module_& m);

// A 2-D array viewed as a row-major matrix, possibly transposed (a Fortran-ordered
// array is the transpose of a C-ordered one). Validated against its buffer.
template <typename T>
struct MatrixView {
  T* data;
  index_t rows, cols;  // of the logical matrix
  index_t ld;          // row stride of the stored matrix, in elements
  bool trans;          // stored as cols x rows
};

template <typename T>
MatrixView<T> matrix_view(const py::array& arr, const char* name, bool writable) {
  if (arr.ndim() != 2)
    throw pyneural::EngineError(std::string(name) + ": expected a 2-D array, got " +
                                std::to_string(arr.ndim()) + "-D");
  if (!py::isinstance<py::array_t<T>>(arr) || arr.itemsize() != static_cast<py::ssize_t>(sizeof(T)))
    throw pyneural::EngineError(std::string(name) + ": wrong dtype");
  if (writable && !arr.writeable())
    throw pyneural::EngineError(std::string(name) + ": array is read-only");
  const index_t rows = arr.shape(0), cols = arr.shape(1);
  const index_t s0 = arr.strides(0), s1 = arr.strides(1), item = sizeof(T);
  T* data = static_cast<T*>(const_cast<void*>(arr.data()));
  if (rows == 0 || cols == 0) return {data, rows, cols, std::max<index_t>(cols, 1), false};
  if ((s1 == item || cols == 1) && s0 % item == 0 && s0 >= 0 && (rows == 1 || s0 >= cols * item))
    return {data, rows, cols, rows == 1 ? cols : s0 / item, false};
  if ((s0 == item || rows == 1) && s1 % item == 0 && s1 >= 0 && (cols == 1 || s1 >= rows * item))
    return {data, rows, cols, cols == 1 ? rows : s1 / item, true};
  throw pyneural::EngineError(std::string(name) +
                              ": array must be C- or Fortran-contiguous along one axis");
}

}  // namespace pyneural::bindings
