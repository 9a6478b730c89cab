// Shape, indexing and creation ops. Python values (ints, lists, TensorShapes, integer tensors
// and arrays, __getitem__ keys) are converted here; ops/shape.h, ops/index.h and
// ops/creation.h validate. Copying ops release the GIL; O(1) views keep it (cheaper).
#include <pybind11/stl.h>

#include "bindings/init.h"
#include "ops/common.h"
#include "ops/creation.h"
#include "ops/device.h"
#include "ops/index.h"
#include "ops/shape.h"

namespace tapeflow::bindings {
namespace {

using ops::IndexItem;
using ops::IntList;
using Kind = IndexItem::Kind;

std::string describe(py::handle obj) {
  std::string text = py::repr(obj);
  return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

// Tensors as they are; Variables and everything else through convert_to_tensor.
Tensor to_tensor(py::handle obj) {
  if (py::isinstance<Tensor>(obj)) return obj.cast<Tensor>();
  static py::object* convert =
      new py::object(py::module_::import("tapeflow._convert").attr("convert_to_tensor"));
  return (*convert)(obj).cast<Tensor>();
}

bool is_tensor_like(py::handle obj) {
  PyObject* p = obj.ptr();
  if (PyLong_CheckExact(p) || PyList_CheckExact(p) || PyTuple_CheckExact(p) || p == Py_None)
    return false;  // the common arguments, without an attribute lookup
  return py::isinstance<Tensor>(obj) || py::hasattr(obj, "__tf_tensor__");
}

int64_t exact_int(PyObject* p, const char* what) {
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(p, &overflow);
  TF_CHECK_ARG(!overflow, what, " ", describe(p), " does not fit in int64");
  return value;
}

// Integer arguments are read on the host: a tensor elsewhere comes over first.
Tensor on_host(const Tensor& t) {
  return ops::to_device(t, Device{});
}

int64_t read_int(const Tensor& t, int64_t i) {
  graph::note_host_read();  // the value steers the op: a recording cannot replay it
  TF_CHECK(t.device().is_cpu(), TypeError, "cannot read integer arguments from a tensor on ",
           t.device().name());
  return t.dtype() == DType::Int32 ? int64_t(t.data<int32_t>()[i]) : t.data<int64_t>()[i];
}

// A Python int, NumPy integer or 0-d integer tensor; bools and floats raise TypeError.
int64_t to_int(py::handle obj, const char* what) {
  if (PyLong_CheckExact(obj.ptr())) return exact_int(obj.ptr(), what);
  if (is_tensor_like(obj)) {
    const Tensor t = on_host(to_tensor(obj));
    TF_CHECK(is_integer(t.dtype()) && t.rank() == 0, TypeError, what,
             " must be an integer or a 0-d integer tensor, got a ", dtype_name(t.dtype()),
             " tensor of shape ", shape_str(t.shape()));
    return read_int(t, 0);
  }
  TF_CHECK(!PyBool_Check(obj.ptr()), TypeError, what, " must be an integer, got ", describe(obj));
  PyObject* index = PyNumber_Index(obj.ptr());
  if (index == nullptr) {
    PyErr_Clear();
    throw TypeError(str_cat(what, " must be an integer, got ", Py_TYPE(obj.ptr())->tp_name, " ",
                            describe(obj)));
  }
  const py::object owned = py::reinterpret_steal<py::object>(index);
  return exact_int(owned.ptr(), what);
}

// A list/tuple/TensorShape/array of integers or a 0-d/1-D integer tensor.
IntList to_int_list(py::handle obj, const char* what) {
  IntList values;
  if (is_tensor_like(obj)) {
    const Tensor t = ops::contiguous(on_host(to_tensor(obj)));
    TF_CHECK_ARG(is_integer(t.dtype()) && t.rank() <= 1, what,
                 " must be a 1-D integer tensor, got a ", dtype_name(t.dtype()),
                 " tensor of shape ", shape_str(t.shape()));
    for (int64_t i = 0; i < t.numel(); ++i) values.push_back(read_int(t, i));
    return values;
  }
  if (PyList_CheckExact(obj.ptr()) || PyTuple_CheckExact(obj.ptr())) {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(obj.ptr());
    PyObject** items = PySequence_Fast_ITEMS(obj.ptr());
    for (Py_ssize_t i = 0; i < n; ++i) {
      TF_CHECK_ARG(items[i] != Py_None, what, " must be fully known, got ", describe(obj));
      values.push_back(to_int(items[i], what));
    }
    return values;
  }
  TF_CHECK(PySequence_Check(obj.ptr()) && !py::isinstance<py::str>(obj), TypeError, what,
           " must be a list of integers or a 1-D integer tensor, got ", describe(obj));
  for (py::object item :  // owned: a sequence may build each item on access
       py::reinterpret_borrow<py::sequence>(obj)) {
    TF_CHECK_ARG(!item.is_none(), what, " must be fully known, got ", describe(obj));
    values.push_back(to_int(item, what));
  }
  return values;
}

// An int alone or a list of ints (squeeze's and reverse's axis).
IntList to_axes(py::handle obj, const char* what) {
  if (!is_tensor_like(obj) && !PySequence_Check(obj.ptr())) return {to_int(obj, what)};
  if (is_tensor_like(obj) && to_tensor(obj).rank() == 0) return {to_int(obj, what)};
  return to_int_list(obj, what);
}

std::optional<int64_t> slice_bound(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  PyObject* index = PyNumber_Index(obj.ptr());
  if (index == nullptr) {
    PyErr_Clear();
    throw TypeError(str_cat("slice indices must be integers or None, got ", describe(obj)));
  }
  const Py_ssize_t value = PyNumber_AsSsize_t(index, nullptr);  // clips huge values
  Py_DECREF(index);
  return int64_t(value);
}

// A non-empty list of Python ints as an int64 tensor (the common x[[2, 0]]), without the
// round trip through NumPy; an undefined Tensor for anything else.
Tensor flat_int_list(PyObject* list) {
  if (!PyList_CheckExact(list) || PyList_GET_SIZE(list) == 0) return Tensor();
  const Py_ssize_t n = PyList_GET_SIZE(list);
  for (Py_ssize_t i = 0; i < n; ++i)
    if (!PyLong_CheckExact(PyList_GET_ITEM(list, i))) return Tensor();
  Tensor t = Tensor::empty(Dims{int64_t(n)}, DType::Int64);
  for (Py_ssize_t i = 0; i < n; ++i)
    t.data<int64_t>()[i] = exact_int(PyList_GET_ITEM(list, i), "index");
  return t;
}

[[noreturn]] void bad_index(py::handle obj) {
  throw TypeError(
      str_cat("only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
              "and integer or boolean arrays are valid indices, got ",
              describe(obj)));
}

IndexItem to_index_item(py::handle obj) {
  IndexItem item;
  if (obj.is_none()) {
    item.kind = Kind::NewAxis;
  } else if (obj.ptr() == Py_Ellipsis) {
    item.kind = Kind::Ellipsis;
  } else if (PySlice_Check(obj.ptr())) {
    auto* s = reinterpret_cast<PySliceObject*>(obj.ptr());
    item.kind = Kind::Slice;
    item.start = slice_bound(s->start);
    item.stop = slice_bound(s->stop);
    item.step = slice_bound(s->step).value_or(1);
  } else if (PyLong_CheckExact(obj.ptr())) {
    int overflow = 0;
    item.index = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    TF_CHECK(!overflow, IndexError, "index ", describe(obj), " is out of bounds");
  } else if (PyBool_Check(obj.ptr())) {
    throw TypeError(
        "a boolean scalar index (True/False) is not supported; use a boolean mask "
        "tensor of rank >= 1");
  } else if (PyFloat_Check(obj.ptr()) || PyUnicode_Check(obj.ptr())) {
    bad_index(obj);
  } else if (!is_tensor_like(obj) && PyIndex_Check(obj.ptr()) && !PySequence_Check(obj.ptr())) {
    item.index = to_int(obj, "index");  // NumPy integers and other __index__ objects
  } else {
    Tensor t = flat_int_list(obj.ptr());
    try {
      if (!t.defined()) t = to_tensor(obj);
    } catch (const py::error_already_set&) {
      bad_index(obj);
    }
    if (t.dtype() == DType::Bool) {
      TF_CHECK(t.rank() > 0, TypeError,
               "a boolean scalar index is not supported; use a "
               "boolean mask tensor of rank >= 1");
      item.kind = Kind::Mask;
    } else if (is_integer(t.dtype()) && t.rank() == 0) {
      item.index = read_int(on_host(t), 0);
    } else if (is_integer(t.dtype())) {
      item.kind = Kind::Array;
    } else if (t.numel() == 0 && !is_tensor_like(obj)) {  // x[[]]: an empty list of indices
      item.kind = Kind::Array;
      t = Tensor::empty(t.shape(), DType::Int64);
    } else {
      throw IndexError(
          str_cat("arrays used as indices must be of integer (or boolean) type, "
                  "got ",
                  dtype_name(t.dtype())));
    }
    item.tensor = t;
  }
  return item;
}

std::vector<IndexItem> to_key(py::handle key) {
  std::vector<IndexItem> items;
  if (PyTuple_Check(key.ptr())) {
    for (py::handle part : py::reinterpret_borrow<py::tuple>(key))
      items.push_back(to_index_item(part));
  } else {
    items.push_back(to_index_item(key));
  }
  return items;
}

}  // namespace

void init_shape(py::module_& m) {
  using py::arg;
  // Views: O(1), the GIL stays held.
  m.def(
      "reshape",
      [](const Tensor& x, py::handle shape) {
        return graph::call("reshape", ops::reshape, x, to_int_list(shape, "reshape: shape"));
      },
      arg("x"), arg("shape"));
  m.def(
      "transpose",
      [](const Tensor& x, py::handle perm) {
        if (perm.is_none()) return graph::call("transpose", ops::transpose, x, std::nullopt);
        return graph::call("transpose", ops::transpose, x, to_int_list(perm, "transpose: perm"));
      },
      arg("x"), arg("perm"));
  m.def(
      "expand_dims",
      [](const Tensor& x, py::handle axis) {
        return graph::call("expand_dims", ops::expand_dims, x, to_int(axis, "expand_dims: axis"));
      },
      arg("x"), arg("axis"));
  m.def(
      "squeeze",
      [](const Tensor& x, py::handle axis) {
        if (axis.is_none()) return graph::call("squeeze", ops::squeeze, x, std::nullopt);
        return graph::call("squeeze", ops::squeeze, x, to_axes(axis, "squeeze: axis"));
      },
      arg("x"), arg("axis"));
  m.def(
      "broadcast_to",
      [](const Tensor& x, py::handle shape) {
        return graph::call("broadcast_to", ops::broadcast_to, x,
                           to_int_list(shape, "broadcast_to: shape"));
      },
      arg("x"), arg("shape"));
  m.def(
      "reverse",
      [](const Tensor& x, py::handle axis) {
        return graph::call("reverse", ops::reverse, x, to_axes(axis, "reverse: axis"));
      },
      arg("x"), arg("axis"));
  m.def("identity", traced("identity", &ops::identity_on_scope_device), arg("x"));
  m.def(
      "split",
      [](const Tensor& x, py::handle sizes, py::handle axis) {
        const int64_t a = to_int(axis, "split: axis");
        const bool scalar =
            is_tensor_like(sizes) ? to_tensor(sizes).rank() == 0 : !PySequence_Check(sizes.ptr());
        if (scalar)
          return graph::call("split_evenly", ops::split_evenly, x,
                             to_int(sizes, "split: num_or_size_splits"), a);
        return graph::call("split", ops::split, x, to_int_list(sizes, "split: num_or_size_splits"),
                           a);
      },
      arg("x"), arg("num_or_size_splits"), arg("axis"));
  m.def(
      "unstack",
      [](const Tensor& x, py::handle num, py::handle axis) {
        std::optional<int64_t> n;
        if (!num.is_none()) n = to_int(num, "unstack: num");
        return graph::call("unstack", ops::unstack, x, n, to_int(axis, "unstack: axis"));
      },
      arg("x"), arg("num"), arg("axis"));
  m.def(
      "getitem",
      [](const Tensor& x, py::handle key) {
        const std::vector<IndexItem> items = to_key(key);
        for (const IndexItem& item : items)
          if (item.tensor.defined()) graph::poison("indexing with a tensor of indices or a mask");
        return graph::call("getitem", ops::getitem, x, items);
      },
      arg("x"), arg("key"));
  m.def("shape_of", traced("shape_of", &ops::shape_of), arg("x"), arg("out_type"));
  m.def("size_of", traced("size_of", &ops::size_of), arg("x"), arg("out_type"));
  m.def("rank_of", traced("rank_of", &ops::rank_of), arg("x"));

  // Copies: the GIL is released around the op.
  m.def(
      "concat",
      [](const std::vector<Tensor>& values, py::handle axis) {
        const int64_t a = to_int(axis, "concat: axis");
        py::gil_scoped_release release;
        return graph::call("concat", ops::concat, values, a);
      },
      arg("values"), arg("axis"));
  m.def(
      "stack",
      [](const std::vector<Tensor>& values, py::handle axis) {
        const int64_t a = to_int(axis, "stack: axis");
        py::gil_scoped_release release;
        return graph::call("stack", ops::stack, values, a);
      },
      arg("values"), arg("axis"));
  m.def(
      "tile",
      [](const Tensor& x, py::handle multiples) {
        const IntList m = to_int_list(multiples, "tile: multiples");
        py::gil_scoped_release release;
        return graph::call("tile", ops::tile, x, m);
      },
      arg("x"), arg("multiples"));
  m.def(
      "gather",
      [](const Tensor& params, const Tensor& indices, py::handle axis, py::handle batch_dims) {
        const int64_t a = to_int(axis, "gather: axis"),
                      b = to_int(batch_dims, "gather: batch_dims");
        py::gil_scoped_release release;
        return graph::call("gather", ops::gather, params, indices, a, b);
      },
      arg("params"), arg("indices"), arg("axis"), arg("batch_dims"));
  m.def(
      "one_hot",
      [](const Tensor& indices, py::handle depth, const Tensor& on, const Tensor& off,
         py::handle axis) {
        const int64_t d = to_int(depth, "one_hot: depth"), a = to_int(axis, "one_hot: axis");
        py::gil_scoped_release release;
        return graph::call("one_hot", ops::one_hot, indices, d, on, off, a);
      },
      arg("indices"), arg("depth"), arg("on_value"), arg("off_value"), arg("axis"));

  // Creation.
  m.def(
      "fill",
      [](py::handle dims, const Tensor& value) {
        const IntList d = to_int_list(dims, "fill: dims");
        py::gil_scoped_release release;
        return graph::call("fill", ops::fill, d, value);
      },
      arg("dims"), arg("value"));
  m.def(
      "zeros",
      [](py::handle shape, DType dtype) {
        const IntList d = to_int_list(shape, "zeros: shape");
        py::gil_scoped_release release;
        return graph::call("zeros", ops::zeros, d, dtype);
      },
      arg("shape"), arg("dtype"));
  m.def(
      "ones",
      [](py::handle shape, DType dtype) {
        const IntList d = to_int_list(shape, "ones: shape");
        py::gil_scoped_release release;
        return graph::call("ones", ops::ones, d, dtype);
      },
      arg("shape"), arg("dtype"));
  m.def(
      "eye",
      [](py::handle rows, py::handle columns, py::handle batch_shape, DType dtype) {
        const int64_t r = to_int(rows, "eye: num_rows");
        std::optional<int64_t> c;
        if (!columns.is_none()) c = to_int(columns, "eye: num_columns");
        IntList batch;
        if (!batch_shape.is_none()) batch = to_int_list(batch_shape, "eye: batch_shape");
        py::gil_scoped_release release;
        return graph::call("eye", ops::eye, r, c, batch, dtype);
      },
      arg("num_rows"), arg("num_columns"), arg("batch_shape"), arg("dtype"));
  m.def(
      "range",
      [](const Tensor& start, const Tensor& limit, const Tensor& delta) {
        graph::note_shape_from_values({start, limit, delta});
        return graph::call("range", ops::range, start, limit, delta);
      },
      arg("start"), arg("limit"), arg("delta"), ReleaseGil());
  m.def(
      "linspace",
      [](const Tensor& start, const Tensor& stop, py::handle num, py::handle axis) {
        return graph::call("linspace", ops::linspace, start, stop, to_int(num, "linspace: num"),
                           to_int(axis, "linspace: axis"));
      },
      arg("start"), arg("stop"), arg("num"), arg("axis"));
}

}  // namespace tapeflow::bindings
