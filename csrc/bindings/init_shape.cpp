#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/creation.h"
#include "ops/index.h"
#include "ops/shape.h"

namespace tapeflow::bindings {
namespace {

using ops::IndexItem;
using Kind = IndexItem::Kind;

// Python int (or anything with __index__, not bool) -> int64; None -> nullopt.
std::optional<int64_t> slice_bound(py::handle h) {
  if (h.is_none()) return std::nullopt;
  if (py::isinstance<py::bool_>(h) || !PyIndex_Check(h.ptr()))
    throw TypeError(str_cat("slice indices must be integers or None or have an __index__ "
                            "method, got ", std::string(py::repr(h))));
  // Python clamps huge slice bounds; do the same so that x[:2**100] still works.
  py::object value = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!value) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow) return overflow > 0 ? INT64_MAX : INT64_MIN + 1;
  return v;
}

// Lists and NumPy arrays (not NumPy integer scalars or 0-d arrays, which index like ints).
bool is_array_like(py::handle h) {
  if (py::isinstance<py::list>(h)) return true;
  if (!py::hasattr(h, "__array__") && !py::hasattr(h, "__array_interface__")) return false;
  return !PyIndex_Check(h.ptr()) || !py::hasattr(h, "ndim") || h.attr("ndim").cast<int>() != 0;
}

IndexItem to_item(py::handle h) {
  IndexItem item;
  if (h.is_none()) {
    item.kind = Kind::NewAxis;
  } else if (h.is(py::ellipsis())) {
    item.kind = Kind::Ellipsis;
  } else if (py::isinstance<py::slice>(h)) {
    item.kind = Kind::Slice;
    item.start = slice_bound(h.attr("start"));
    item.stop = slice_bound(h.attr("stop"));
    item.step = slice_bound(h.attr("step"));
  } else if (py::isinstance<Tensor>(h)) {
    const Tensor& t = h.cast<const Tensor&>();
    if (t.rank() == 0 && t.device().is_cpu() &&
        (t.dtype() == DType::Int32 || t.dtype() == DType::Int64)) {
      item.index = t.dtype() == DType::Int32 ? *t.data<int32_t>() : *t.data<int64_t>();
    } else {
      item.kind = Kind::Array;
      item.array = t;
    }
  } else if (py::isinstance<py::bool_>(h) || PyBool_Check(h.ptr()) ||
             std::string(py::str(py::type::of(h).attr("__name__"))) == "bool_") {
    throw TypeError("a boolean scalar is not a valid index; use a boolean tensor as a mask");
  } else if (is_array_like(h)) {
    item.kind = Kind::Array;
    py::object convert = py::module_::import("tapeflow._convert").attr("convert_to_tensor");
    if (py::isinstance<py::list>(h) && py::len(h) == 0)
      item.array = Tensor::empty(Dims{0}, DType::Int64);
    else
      item.array = convert(h).cast<Tensor>();
  } else if (PyIndex_Check(h.ptr())) {
    py::object value = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
    if (!value) throw py::error_already_set();
    int overflow = 0;
    item.index = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow)
      throw IndexError(str_cat("index ", std::string(py::str(value)), " is out of bounds"));
  } else {
    throw TypeError(str_cat(
        "only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`), integer or "
        "boolean tensors and lists of integers are valid indices, got ",
        std::string(py::repr(h))));
  }
  return item;
}

Tensor getitem(const Tensor& t, py::handle key) {
  std::vector<IndexItem> items;
  if (py::isinstance<py::tuple>(key)) {
    for (py::handle h : py::reinterpret_borrow<py::tuple>(key)) items.push_back(to_item(h));
  } else {
    items.push_back(to_item(key));
  }
  py::gil_scoped_release release;
  return ops::getitem(t, items);
}

}  // namespace

void init_shape(py::module_& m) {
  using V = std::vector<int64_t>;
  m.def("reshape", &ops::reshape, py::arg("tensor"), py::arg("shape"), ReleaseGil());
  m.def("transpose", &ops::transpose, py::arg("a"), py::arg("perm"), ReleaseGil());
  m.def("expand_dims", &ops::expand_dims, py::arg("input"), py::arg("axis"), ReleaseGil());
  m.def("squeeze", &ops::squeeze, py::arg("input"), py::arg("axis") = V{}, ReleaseGil());
  m.def("broadcast_to", &ops::broadcast_to, py::arg("input"), py::arg("shape"), ReleaseGil());
  m.def("identity", &ops::identity, py::arg("input"));
  m.def("shape", &ops::shape_of, py::arg("input"), py::arg("out_type"));
  m.def("concat", &ops::concat, py::arg("values"), py::arg("axis"), ReleaseGil());
  m.def("stack", &ops::stack, py::arg("values"), py::arg("axis"), ReleaseGil());
  m.def("unstack", &ops::unstack, py::arg("value"), py::arg("axis"), ReleaseGil());
  m.def("split", &ops::split, py::arg("value"), py::arg("sizes"), py::arg("axis"), ReleaseGil());
  m.def("split_even", &ops::split_even, py::arg("value"), py::arg("num"), py::arg("axis"),
        ReleaseGil());
  m.def("tile", &ops::tile, py::arg("input"), py::arg("multiples"), ReleaseGil());
  m.def("reverse", &ops::reverse, py::arg("tensor"), py::arg("axis"), ReleaseGil());

  m.def("getitem", &getitem, py::arg("tensor"), py::arg("key"));
  m.def("gather", &ops::gather, py::arg("params"), py::arg("indices"), py::arg("axis"),
        py::arg("batch_dims"), ReleaseGil());
  m.def("one_hot", &ops::one_hot, py::arg("indices"), py::arg("depth"), py::arg("on_value"),
        py::arg("off_value"), py::arg("axis"), ReleaseGil());

  m.def("fill", &ops::fill, py::arg("dims"), py::arg("value"), ReleaseGil());
  m.def("eye", &ops::eye, py::arg("num_rows"), py::arg("num_columns"), py::arg("batch_shape"),
        py::arg("dtype"), ReleaseGil());
  m.def("range", &ops::range, py::arg("start"), py::arg("limit"), py::arg("delta"),
        ReleaseGil());
  m.def("linspace", &ops::linspace, py::arg("start"), py::arg("stop"), py::arg("num"),
        py::arg("axis"), ReleaseGil());
}

}  // namespace tapeflow::bindings
