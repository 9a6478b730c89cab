// The Tensor class as Python sees it (tapeflow.Tensor): geometry, the buffer protocol for
// zero-copy NumPy views, and copying in from any Python buffer. Python-level behaviour
// (operators, repr, numpy()) is added in pyfront/tapeflow/_tensor.py.
#include <pybind11/stl.h>

#include <cstring>

#include "bindings/init.h"
#include "core/allocator.h"
#include "core/tensor.h"
#include "kernels/dispatch.h"
#include "ops/device.h"
#include "ops/index.h"

namespace tapeflow::bindings {
namespace {

// The PEP 3118 format character of each dtype.
const char* buffer_format(DType t) {
  switch (t) {
    case DType::Float32:
      return "f";
    case DType::Float64:
      return "d";
    case DType::Int32:
      return "i";
    case DType::Int64:
      return "q";
    case DType::Bool:
      return "?";
  }
  return "B";
}

DType dtype_from_format(const std::string& format, ssize_t itemsize) {
  std::string f = format;
  if (!f.empty() && (f[0] == '<' || f[0] == '=' || f[0] == '@' || f[0] == '!' || f[0] == '>')) {
    TF_CHECK(f[0] != '>' && f[0] != '!', TypeError, "cannot read a big-endian buffer (format '",
             format, "'); convert it first");
    f = f.substr(1);
  }
  if (f.size() == 1) {
    switch (f[0]) {
      case 'f':
        if (itemsize == 4) return DType::Float32;
        break;
      case 'd':
        if (itemsize == 8) return DType::Float64;
        break;
      case 'i':
      case 'l':
      case 'q':
        if (itemsize == 4) return DType::Int32;
        if (itemsize == 8) return DType::Int64;
        break;
      case '?':
        if (itemsize == 1) return DType::Bool;
        break;
    }
  }
  throw TypeError(str_cat("cannot make a tensor from a buffer of format '", format,
                          "' and itemsize ", itemsize,
                          " (expected float32, float64, int32, int64 or bool)"));
}

// A non-owning tensor view of a Python buffer's memory: valid only while the caller holds the
// buffer (inside one binding call); `empty` when some dimension is 0.
Tensor buffer_view(const py::buffer_info& info, bool* empty) {
  const DType dtype = dtype_from_format(info.format, info.itemsize);
  TF_CHECK_ARG(info.ndim <= kMaxRank, "cannot make a tensor of rank ", info.ndim,
               " (the maximum is ", kMaxRank, ")");
  Dims shape, strides;
  int64_t lo = 0, hi = 0;  // byte extent relative to info.ptr
  *empty = false;
  for (ssize_t i = 0; i < info.ndim; ++i) {
    TF_CHECK_ARG(info.strides[i] % info.itemsize == 0, "buffer stride ", info.strides[i],
                 " is not a multiple of its itemsize ", info.itemsize);
    shape.push_back(info.shape[i]);
    strides.push_back(info.strides[i] / info.itemsize);
    if (info.shape[i] == 0) *empty = true;
    const int64_t span = (info.shape[i] - 1) * info.strides[i];
    (span < 0 ? lo : hi) += span;
  }
  if (*empty) return Tensor::empty(shape, dtype);
  char* first = static_cast<char*>(info.ptr) + lo;
  auto foreign =
      Storage::wrap_foreign(first, size_t(hi - lo) + size_t(info.itemsize), Device{}, [] {});
  return Tensor::from_storage(foreign, shape, strides, -lo / info.itemsize, dtype);
}

// Copies any (possibly strided) buffer into a new contiguous tensor on the placement device.
Tensor from_buffer(const py::buffer& source) {
  py::buffer_info info = source.request(/*writable=*/false);
  bool empty = false;
  const Tensor view = buffer_view(info, &empty);
  if (empty) return view;
  Tensor out = Tensor::empty(view.shape(), view.dtype());
  {
    py::gil_scoped_release release;
    kernels::copy(view, out);
  }
  if (!placement_device().is_cpu()) out = ops::place(out);
  return out;
}

// The rows `indices` (int32/int64, each checked) of a buffer as a new tensor on the placement
// device: fit's shuffled batches, gathered straight from the NumPy array in one copy.
Tensor from_buffer_rows(const py::buffer& source, const py::buffer& indices) {
  py::buffer_info info = source.request(/*writable=*/false);
  TF_CHECK_ARG(info.ndim >= 1, "from_buffer_rows: expected a buffer of rank >= 1, got a scalar");
  py::buffer_info index_info = indices.request(/*writable=*/false);
  bool empty = false, no_indices = false;
  const Tensor rows = buffer_view(index_info, &no_indices);
  const Tensor view = buffer_view(info, &empty);
  Tensor out;
  {
    py::gil_scoped_release release;
    out = ops::gather(view, rows, 0, 0);  // NOTE: `view` is untracked, so nothing records it
  }
  if (!placement_device().is_cpu()) out = ops::place(out);
  return out;
}

// A 0-d tensor of `dtype` on the placement device (int64 keeps Python ints exact).
template <class Number>
Tensor scalar(Number value, DType dtype) {
  Tensor t = Tensor::empty(Dims{}, dtype);
  TF_DISPATCH_ALL(dtype, "scalar", *t.data<scalar_t>() = scalar_t(value));
  if (!placement_device().is_cpu()) t = ops::place(t);
  return t;
}

// A creation binding whose tensor is a constant of a tf.function being traced.
template <class... A>
auto constant_of(Tensor (*make)(A...)) {
  return [make](A... args) {
    Tensor t = make(args...);
    graph::note_constant(t);
    return t;
  };
}

py::tuple to_tuple(const Dims& d) {
  py::tuple t(d.size());
  for (int i = 0; i < d.size(); ++i) t[i] = d[i];
  return t;
}

}  // namespace

void init_tensor(py::module_& m) {
  py::enum_<DType>(m, "DType")
      .value("float32", DType::Float32)
      .value("float64", DType::Float64)
      .value("int32", DType::Int32)
      .value("int64", DType::Int64)
      .value("bool", DType::Bool);

  py::class_<Tensor>(m, "Tensor", py::buffer_protocol())
      .def_property_readonly("_shape", [](const Tensor& t) { return to_tuple(t.shape()); })
      .def_property_readonly("_strides", [](const Tensor& t) { return to_tuple(t.strides()); })
      .def_property_readonly("_dtype", &Tensor::dtype)
      // (shape, dtype) in one call: a tf.function's signature of a tensor argument.
      .def_property_readonly(
          "_signature",
          [](const Tensor& t) { return py::make_tuple(to_tuple(t.shape()), int(t.dtype())); })
      .def_property_readonly("_id", &Tensor::id)
      .def_property_readonly("_offset", &Tensor::offset)
      .def_property_readonly("_data_ptr",
                             [](const Tensor& t) {
                               graph::note_host_read();
                               return reinterpret_cast<uintptr_t>(t.raw_data());
                             })
      .def_property_readonly("_storage_owners",
                             [](const Tensor& t) { return t.storage().use_count(); })
      .def_property_readonly("ndim", &Tensor::rank)
      .def_property_readonly("_numel", &Tensor::numel)
      .def_property_readonly("_is_contiguous", &Tensor::is_contiguous)
      .def_property_readonly("device", [](const Tensor& t) { return t.device().name(); })
      .def_property_readonly("_on_host", [](const Tensor& t) { return t.device().is_cpu(); })
      .def_buffer([](const Tensor& t) -> py::buffer_info {
        graph::note_host_read();
        TF_CHECK(t.device().is_cpu(), TypeError, "a tensor on ", t.device().name(),
                 " has no host buffer; copy it to the CPU first");
        std::vector<ssize_t> shape(t.shape().begin(), t.shape().end());
        std::vector<ssize_t> strides;
        for (int64_t s : t.strides()) strides.push_back(s * ssize_t(t.itemsize()));
        return py::buffer_info(t.raw_data(), ssize_t(t.itemsize()), buffer_format(t.dtype()),
                               t.rank(), shape, strides, /*readonly=*/true);
      });

  // Tensors made from Python values are constants of a tf.function being traced.
  m.def("from_buffer", constant_of(&from_buffer), py::arg("buffer"),
        "Copies a Python buffer (e.g. a NumPy array) into a new tensor on the placement device.");
  m.def("from_buffer_rows", constant_of(&from_buffer_rows), py::arg("buffer"), py::arg("indices"),
        "Copies the rows `indices` of a Python buffer into a new tensor (np.take(buffer, "
        "indices, axis=0)) on the placement device.");
  // 0-d tensors from Python numbers (the hot path of `x * 2`): no NumPy round trip.
  m.def("scalar_float", constant_of(&scalar<double>), py::arg("value"), py::arg("dtype"));
  m.def("scalar_int", constant_of(&scalar<int64_t>), py::arg("value"), py::arg("dtype"));
  m.def("allocator_stats", [] {
    const AllocatorStats s = cpu_allocator_stats();
    py::dict d;
    d["bytes_in_use"] = s.bytes_in_use;
    d["bytes_cached"] = s.bytes_cached;
    d["system_allocations"] = s.system_allocations;
    return d;
  });
}

}  // namespace tapeflow::bindings
