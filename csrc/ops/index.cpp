#include "ops/index.h"

#include <algorithm>

#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/elementwise.h"
#include "ops/shape.h"

namespace tapeflow::ops {
namespace {

using Kind = IndexItem::Kind;

bool is_int(DType d) { return d == DType::Int32 || d == DType::Int64; }

// "indices[1,2]" for flat position `pos` in a tensor of `shape`.
std::string position_str(const Dims& shape, int64_t pos) {
  std::string s;
  for (int d = shape.size() - 1; d >= 0; --d) {
    const int64_t size = std::max<int64_t>(shape[d], 1);
    s = std::to_string(pos % size) + (s.empty() ? "" : ",") + s;
    pos /= size;
  }
  return "indices[" + s + "]";
}

// int32/int64 `indices` validated against an axis of `size`, as a contiguous int64 tensor.
Tensor checked_indices(const Tensor& indices, int64_t size, bool numpy_style, int axis,
                       const char* op) {
  Tensor out = Tensor::empty(indices.shape(), DType::Int64, indices.device());
  if (out.numel() == 0) return out;
  int64_t bad_value = 0;
  const int64_t bad = kernels::normalize_indices(indices, size, numpy_style, out, &bad_value);
  if (bad >= 0) {
    TF_CHECK(!numpy_style, IndexError, "index ", bad_value, " is out of bounds for axis ", axis,
             " with size ", size);
    TF_CHECK_ARG(false, op, ": ", position_str(indices.shape(), bad), " = ", bad_value,
                 " is not in [0, ", size, ")");
  }
  return out;
}

// params (B..., O..., N, I...) gathered along `axis` with validated contiguous int64
// indices (B..., J...) -> (B..., O..., J..., I...).
Tensor gather_checked(const Tensor& params, const Tensor& indices, int axis, int batch_dims) {
  Dims shape;
  int64_t batch = 1, outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) {
    shape.push_back(params.dim(i));
    (i < batch_dims ? batch : outer) *= params.dim(i);
  }
  for (int i = batch_dims; i < indices.rank(); ++i) shape.push_back(indices.dim(i));
  for (int i = axis + 1; i < params.rank(); ++i) {
    shape.push_back(params.dim(i));
    inner *= params.dim(i);
  }
  Tensor out = Tensor::empty(shape, params.dtype(), params.device());
  if (out.numel() == 0) return out;
  kernels::gather(contiguous(params), indices, batch, outer, params.dim(axis), inner, out);
  return out;
}

// NumPy's slice clamping: (start, length, step) of `item` over an axis of `size`.
void resolve_slice(const IndexItem& item, int64_t size, int64_t* start, int64_t* length,
                   int64_t* step) {
  int64_t s = item.step.value_or(1);
  TF_CHECK_ARG(s != 0, "slice step cannot be zero");
  s = std::max<int64_t>(s, -INT64_MAX);
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v) return fallback;
    int64_t x = *v;
    if (x < 0) x = x < -size ? (s < 0 ? -1 : 0) : x + size;
    else if (x >= size) x = s < 0 ? size - 1 : size;
    return x;
  };
  const int64_t b = clamp(item.start, s < 0 ? size - 1 : 0);
  const int64_t e = clamp(item.stop, s < 0 ? -1 : size);
  if (s > 0)
    *length = e > b ? (e - b - 1) / s + 1 : 0;
  else
    *length = b > e ? (b - e - 1) / -s + 1 : 0;
  *start = b;
  *step = s;
}

// Selection by integer arrays and bool masks on `axes` of the basic-indexed view (one index
// tensor per axis, int64 and validated): NumPy's advanced indexing.
Tensor advanced_select(Tensor view, const std::vector<int>& axes,
                       const std::vector<Tensor>& index) {
  Dims common = index[0].shape();
  for (size_t k = 1; k < index.size(); ++k) {
    bool ok = true;
    try {
      common = broadcast_shapes(common, index[k].shape(), "getitem");
    } catch (const InvalidArgumentError&) {
      ok = false;
    }
    TF_CHECK(ok, IndexError, "shape mismatch: indexing arrays could not be broadcast together "
             "with shapes ", shape_str(index[0].shape()), " and ", shape_str(index[k].shape()));
  }
  const int m = int(axes.size());
  bool adjacent = true;
  for (int k = 1; k < m; ++k) adjacent &= axes[k] == axes[0] + k;
  int first = axes[0];
  if (!adjacent) {  // NumPy moves the selected axes to the front
    std::vector<int64_t> perm(axes.begin(), axes.end());
    for (int i = 0; i < view.rank(); ++i)
      if (std::find(axes.begin(), axes.end(), i) == axes.end()) perm.push_back(i);
    view = transpose(view, perm);
    first = 0;
  }
  // Merge the m selected axes into one and turn the index tuples into flat positions.
  Tensor flat = broadcast_view(index[m - 1], common);
  int64_t scale = view.dim(first + m - 1);
  for (int k = m - 2; k >= 0; --k) {
    Tensor term = binary(BinaryOp::Mul, broadcast_view(index[k], common),
                         scalar_like(double(scale), index[k]));
    flat = binary(BinaryOp::Add, flat, term);
    scale *= view.dim(first + k);
  }
  std::vector<int64_t> merged;
  for (int i = 0; i < view.rank(); ++i) {
    if (i == first) merged.push_back(scale);
    if (i < first || i >= first + m) merged.push_back(view.dim(i));
  }
  return gather_checked(reshape(view, merged), contiguous(flat), first, 0);
}

}  // namespace

Tensor getitem(const Tensor& t, const std::vector<IndexItem>& items) {
  const int rank = t.rank();
  int consumed = 0, ellipses = 0;
  for (const IndexItem& item : items) {
    if (item.kind == Kind::Int || item.kind == Kind::Slice) ++consumed;
    if (item.kind == Kind::Ellipsis) ++ellipses;
    if (item.kind == Kind::Array) {
      const Tensor& a = item.array;
      TF_CHECK(a.dtype() == DType::Bool || is_int(a.dtype()), IndexError,
               "only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and integer "
               "or boolean tensors are valid indices, got a ", dtype_name(a.dtype()), " tensor");
      TF_CHECK(a.dtype() != DType::Bool || a.rank() > 0, IndexError,
               "a 0-d boolean index is not supported");
      consumed += a.dtype() == DType::Bool ? a.rank() : 1;
    }
  }
  TF_CHECK(ellipses <= 1, IndexError, "an index can only have a single ellipsis ('...')");
  TF_CHECK(consumed <= rank, IndexError, "too many indices for tensor: tensor is ", rank,
           "-dimensional, but ", consumed, " were indexed");

  Dims shape, strides;
  int64_t offset = t.offset();
  int axis = 0;  // the next axis of t to consume
  std::vector<int> selected_axes;  // axes of the view that an array or mask selects along
  std::vector<Tensor> selected;    // one int64 index tensor per selected axis
  auto keep = [&](int count) {
    for (int i = 0; i < count; ++i, ++axis) {
      shape.push_back(t.dim(axis));
      strides.push_back(t.strides()[axis]);
    }
  };
  for (const IndexItem& item : items) {
    switch (item.kind) {
      case Kind::Int: {
        const int64_t size = t.dim(axis);
        TF_CHECK(item.index >= -size && item.index < size, IndexError, "index ", item.index,
                 " is out of bounds for axis ", axis, " with size ", size);
        offset += (item.index < 0 ? item.index + size : item.index) * t.strides()[axis];
        ++axis;
        break;
      }
      case Kind::Slice: {
        int64_t start, length, step;
        resolve_slice(item, t.dim(axis), &start, &length, &step);
        shape.push_back(length);
        strides.push_back(length > 1 ? t.strides()[axis] * step : t.strides()[axis]);
        if (length > 0) offset += start * t.strides()[axis];
        ++axis;
        break;
      }
      case Kind::NewAxis:
        shape.push_back(1);
        strides.push_back(0);
        break;
      case Kind::Ellipsis:
        keep(rank - consumed);
        break;
      case Kind::Array: {
        const Tensor& a = item.array;
        if (a.dtype() != DType::Bool) {
          selected_axes.push_back(shape.size());
          selected.push_back(checked_indices(a, t.dim(axis), true, axis, "getitem"));
          keep(1);
          break;
        }
        for (int d = 0; d < a.rank(); ++d)
          TF_CHECK(a.dim(d) == t.dim(axis + d), IndexError,
                   "boolean index did not match indexed tensor along axis ", axis + d,
                   "; size of axis is ", t.dim(axis + d),
                   " but size of corresponding boolean axis is ", a.dim(d));
        const Tensor mask = contiguous(a);
        Tensor coords = Tensor::empty(Dims{kernels::count_true(mask), a.rank()}, DType::Int64);
        if (coords.numel() > 0) kernels::nonzero(mask, coords);
        for (int d = 0; d < a.rank(); ++d) {
          selected_axes.push_back(shape.size());
          selected.push_back(Tensor::view_of(coords, Dims{coords.dim(0)}, Dims{a.rank()}, d));
          keep(1);
        }
        break;
      }
    }
  }
  keep(rank - axis);
  const Tensor view = Tensor::view_of(t, shape, strides, offset);
  if (selected.empty()) return view;
  return advanced_select(view, selected_axes, selected);
}

Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims) {
  TF_CHECK(is_int(indices.dtype()), TypeError, "gather: indices must be int32 or int64, got ",
           dtype_name(indices.dtype()));
  check_same_device("gather", params, indices);
  const int64_t given_batch_dims = batch_dims;
  if (batch_dims < 0) batch_dims += indices.rank();
  TF_CHECK_ARG(batch_dims >= 0 && batch_dims <= indices.rank(), "gather: batch_dims ",
               given_batch_dims, " must be in [", -indices.rank(), ", ", indices.rank(),
               "] for indices of rank ", indices.rank());
  TF_CHECK_ARG(params.rank() > 0, "gather: params must be at least 1-D, got a scalar");
  const int at = normalize_axis(axis, params.rank(), "gather");
  TF_CHECK_ARG(at >= batch_dims, "gather: batch_dims (", batch_dims,
               ") must be less than or equal to axis (", at, ")");
  for (int i = 0; i < batch_dims; ++i)
    TF_CHECK_ARG(params.dim(i) == indices.dim(i), "gather: params.shape[", i, "] = ",
                 params.dim(i), " should equal indices.shape[", i, "] = ", indices.dim(i),
                 " (batch_dims = ", batch_dims, ")");
  Dims out_shape;  // validated (rank and overflow) before the indices are read
  for (int i = 0; i < at; ++i) out_shape.push_back(params.dim(i));
  for (int i = batch_dims; i < indices.rank(); ++i) out_shape.push_back(indices.dim(i));
  for (int i = at + 1; i < params.rank(); ++i) out_shape.push_back(params.dim(i));
  checked_numel(out_shape);
  return gather_checked(params, checked_indices(indices, params.dim(at), false, at, "gather"),
                        at, int(batch_dims));
}

Tensor one_hot(const Tensor& indices, int64_t depth, const Tensor& on_value,
               const Tensor& off_value, int64_t axis) {
  TF_CHECK(is_int(indices.dtype()), TypeError, "one_hot: indices must be int32 or int64, got ",
           dtype_name(indices.dtype()));
  TF_CHECK_ARG(depth >= 0, "one_hot: depth must be non-negative, got ", depth);
  TF_CHECK_ARG(on_value.rank() == 0 && off_value.rank() == 0,
               "one_hot: on_value and off_value must be scalars, got shapes ",
               shape_str(on_value.shape()), " and ", shape_str(off_value.shape()));
  check_same_dtype("one_hot", on_value, off_value);
  const int at = normalize_axis(axis, indices.rank() + 1, "one_hot");
  Dims shape = indices.shape();
  shape.insert(at, depth);
  Tensor out = Tensor::empty(shape, on_value.dtype(), indices.device());
  if (out.numel() == 0) return out;
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < indices.rank(); ++i) (i < at ? outer : inner) *= indices.dim(i);
  const Tensor positions = contiguous(cast(indices, DType::Int64));
  kernels::one_hot(positions, outer, depth, inner, on_value, off_value, out);
  return out;
}

}  // namespace tapeflow::ops
