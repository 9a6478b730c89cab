#include "ops/shape.h"

#include <algorithm>

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

// Strides that let (old_shape, old_strides) be read as new_shape without a copy, or false.
// Old axes are grouped with new axes of equal product; each old group must be contiguous
// within itself (stride[k] == stride[k+1] * shape[k+1]), and the new group's strides then
// follow from the group's innermost stride. Size-1 axes on either side take no part.
bool view_strides(const Dims& old_shape, const Dims& old_strides, const Dims& new_shape,
                  Dims* new_strides) {
  Dims shape, strides;
  for (int i = 0; i < old_shape.size(); ++i) {
    if (old_shape[i] != 1) {
      shape.push_back(old_shape[i]);
      strides.push_back(old_strides[i]);
    }
  }
  *new_strides = Dims::filled(new_shape.size(), 1);
  int oi = 0, ni = 0;
  while (ni < new_shape.size()) {
    if (new_shape[ni] == 1) {
      ++ni;
      continue;
    }
    int oj = oi + 1, nj = ni + 1;
    int64_t old_product = shape[oi], new_product = new_shape[ni];
    while (old_product != new_product) {
      if (new_product < old_product)
        new_product *= new_shape[nj++];
      else
        old_product *= shape[oj++];
    }
    for (int k = oi; k + 1 < oj; ++k)
      if (strides[k] != strides[k + 1] * shape[k + 1]) return false;
    int64_t stride = strides[oj - 1];
    for (int k = nj - 1; k >= ni; --k) {
      (*new_strides)[k] = stride;
      stride *= new_shape[k];
    }
    oi = oj;
    ni = nj;
  }
  return true;
}

// The requested shape with its -1 resolved against `numel`.
Dims resolve_shape(const std::vector<int64_t>& requested, int64_t numel, const Dims& from) {
  Dims shape(requested);
  int unknown = -1;
  int64_t known = 1;
  bool overflow = false;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TF_CHECK_ARG(unknown < 0, "reshape: only one input size may be -1, not both ", unknown,
                   " and ", i);
      unknown = i;
      continue;
    }
    TF_CHECK_ARG(shape[i] >= 0, "reshape: size ", i, " must be non-negative, not ", shape[i]);
    overflow |= __builtin_mul_overflow(known, shape[i], &known);
  }
  TF_CHECK_ARG(!overflow, "reshape: input is a tensor with ", numel,
               " values, but the requested shape ", shape_str(shape), " is too large");
  if (unknown >= 0) {
    TF_CHECK_ARG(known != 0, "reshape: cannot infer the missing input size of shape ",
                 shape_str(shape), " for a tensor of shape ", shape_str(from),
                 " unless all specified input sizes are non-zero");
    TF_CHECK_ARG(numel % known == 0, "reshape: input is a tensor with ", numel,
                 " values, but the requested shape ", shape_str(shape),
                 " requires a multiple of ", known);
    shape[unknown] = numel / known;
  } else {
    TF_CHECK_ARG(known == numel, "reshape: input is a tensor with ", numel,
                 " values, but the requested shape ", shape_str(shape), " has ", known);
  }
  return shape;
}

// Checks that every axis in `axes` is valid for `rank` and listed once; returns them normalised.
std::vector<int> unique_axes(const std::vector<int64_t>& axes, int rank, const char* op) {
  std::vector<int> out;
  std::vector<bool> seen(rank, false);
  for (int64_t a : axes) {
    const int axis = normalize_axis(a, rank, op);
    TF_CHECK_ARG(!seen[axis], op, ": axis ", a, " is listed more than once");
    seen[axis] = true;
    out.push_back(axis);
  }
  return out;
}

Tensor slice_axis(const Tensor& t, int axis, int64_t begin, int64_t size) {
  Dims shape = t.shape();
  shape[axis] = size;
  return Tensor::view_of(t, shape, t.strides(), t.offset() + (size ? begin * t.strides()[axis] : 0));
}

// Writes t repeated `multiples` times along each axis into out (one copy): out is viewed as
// (m0, n0, m1, n1, ...) and t broadcast over the m axes. Needs rank + (axes with m > 1) <=
// kMaxRank.
void tile_into(const Tensor& t, const std::vector<int64_t>& multiples, const Tensor& out) {
  Dims shape, out_strides, in_strides;
  for (int i = 0; i < t.rank(); ++i) {
    if (multiples[i] != 1) {
      shape.push_back(multiples[i]);
      out_strides.push_back(out.strides()[i] * t.dim(i));
      in_strides.push_back(0);
    }
    shape.push_back(t.dim(i));
    out_strides.push_back(out.strides()[i]);
    in_strides.push_back(t.strides()[i]);
  }
  kernels::copy(Tensor::view_of(t, shape, in_strides, t.offset()),
                Tensor::view_of(out, shape, out_strides, out.offset()));
}

}  // namespace

Tensor reshape(const Tensor& t, const std::vector<int64_t>& shape) {
  const Dims target = resolve_shape(shape, t.numel(), t.shape());
  if (t.numel() == 0) return Tensor::view_of(t, target, contiguous_strides(target), t.offset());
  Dims strides;
  if (view_strides(t.shape(), t.strides(), target, &strides))
    return Tensor::view_of(t, target, strides, t.offset());
  const Tensor dense = contiguous(t);
  return Tensor::view_of(dense, target, contiguous_strides(target), dense.offset());
}

Tensor transpose(const Tensor& t, const std::vector<int64_t>& perm) {
  const int rank = t.rank();
  std::vector<int64_t> order = perm;
  if (order.empty() && rank > 0)
    for (int i = rank - 1; i >= 0; --i) order.push_back(i);
  TF_CHECK_ARG(int(order.size()) == rank, "transpose: perm has ", order.size(),
               " entries but the input has rank ", rank, " (shape ", shape_str(t.shape()), ")");
  const std::vector<int> axes = unique_axes(order, rank, "transpose");
  Dims shape, strides;
  for (int axis : axes) {
    shape.push_back(t.dim(axis));
    strides.push_back(t.strides()[axis]);
  }
  return Tensor::view_of(t, shape, strides, t.offset());
}

Tensor expand_dims(const Tensor& t, int64_t axis) {
  const int at = normalize_axis(axis, t.rank() + 1, "expand_dims");
  Dims shape = t.shape(), strides = t.strides();
  const int64_t stride = at < t.rank() ? t.strides()[at] * std::max<int64_t>(t.dim(at), 1) : 1;
  shape.insert(at, 1);
  strides.insert(at, stride);
  return Tensor::view_of(t, shape, strides, t.offset());
}

Tensor squeeze(const Tensor& t, const std::vector<int64_t>& axes) {
  std::vector<bool> drop(t.rank(), axes.empty());
  for (int axis : unique_axes(axes, t.rank(), "squeeze")) {
    TF_CHECK_ARG(t.dim(axis) == 1, "squeeze: cannot squeeze axis ", axis,
                 ", expected a dimension of 1, got ", t.dim(axis), " (input shape ",
                 shape_str(t.shape()), ")");
    drop[axis] = true;
  }
  Dims shape, strides;
  for (int i = 0; i < t.rank(); ++i) {
    if (drop[i] && t.dim(i) == 1) continue;
    shape.push_back(t.dim(i));
    strides.push_back(t.strides()[i]);
  }
  return Tensor::view_of(t, shape, strides, t.offset());
}

Tensor broadcast_to(const Tensor& t, const std::vector<int64_t>& shape) {
  const Dims target(shape);
  checked_numel(target);
  return broadcast_view(t, target);
}

Tensor identity(const Tensor& t) {
  return Tensor::view_of(t, t.shape(), t.strides(), t.offset());
}

Tensor shape_of(const Tensor& t, DType out_type) {
  TF_CHECK_ARG(out_type == DType::Int32 || out_type == DType::Int64,
               "shape: out_type must be int32 or int64, got ", dtype_name(out_type));
  Tensor out = Tensor::empty(Dims{t.rank()}, out_type);
  for (int i = 0; i < t.rank(); ++i) {
    if (out_type == DType::Int32) {
      TF_CHECK_ARG(t.dim(i) <= INT32_MAX, "shape: dimension ", t.dim(i),
                   " does not fit out_type int32");
      out.data<int32_t>()[i] = int32_t(t.dim(i));
    } else {
      out.data<int64_t>()[i] = t.dim(i);
    }
  }
  return out;
}

Tensor concat(const std::vector<Tensor>& values, int64_t axis) {
  TF_CHECK_ARG(!values.empty(), "concat: expected at least one tensor, got an empty list");
  const Tensor& first = values[0];
  TF_CHECK_ARG(first.rank() > 0, "concat: can't concatenate scalars (use tf.stack instead)");
  const int at = normalize_axis(axis, first.rank(), "concat");
  Dims shape = first.shape();
  shape[at] = 0;
  for (size_t k = 0; k < values.size(); ++k) {
    const Tensor& v = values[k];
    check_same_dtype("concat", first, v);
    check_same_device("concat", first, v);
    bool match = v.rank() == first.rank();
    for (int i = 0; match && i < v.rank(); ++i) match = i == at || v.dim(i) == first.dim(i);
    TF_CHECK_ARG(match, "concat: dimensions of inputs should match except along axis ", at,
                 ": shape of tensor 0 is ", shape_str(first.shape()), " but shape of tensor ",
                 k, " is ", shape_str(v.shape()));
    TF_CHECK(!__builtin_add_overflow(shape[at], v.dim(at), &shape[at]), ResourceExhaustedError,
             "concat: output too large");
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  int64_t begin = 0;
  for (const Tensor& v : values) {
    if (v.numel() > 0) kernels::copy(v, slice_axis(out, at, begin, v.dim(at)));
    begin += v.dim(at);
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& values, int64_t axis) {
  TF_CHECK_ARG(!values.empty(), "stack: expected at least one tensor, got an empty list");
  const int at = normalize_axis(axis, values[0].rank() + 1, "stack");
  std::vector<Tensor> expanded;
  for (size_t k = 0; k < values.size(); ++k) {
    TF_CHECK_ARG(values[k].shape() == values[0].shape(),
                 "stack: shapes of all inputs must match: values[0].shape = ",
                 shape_str(values[0].shape()), " != values[", k,
                 "].shape = ", shape_str(values[k].shape()));
    expanded.push_back(expand_dims(values[k], at));
  }
  return concat(expanded, at);
}

std::vector<Tensor> unstack(const Tensor& t, int64_t axis) {
  const int at = normalize_axis(axis, t.rank(), "unstack");
  std::vector<Tensor> out;
  for (int64_t i = 0; i < t.dim(at); ++i) out.push_back(squeeze(slice_axis(t, at, i, 1), {at}));
  return out;
}

std::vector<Tensor> split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t axis) {
  const int at = normalize_axis(axis, t.rank(), "split");
  TF_CHECK_ARG(!sizes.empty(), "split: size_splits must not be empty");
  int unknown = -1;
  int64_t total = 0;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == -1 && unknown < 0) {
      unknown = int(k);
      continue;
    }
    TF_CHECK_ARG(sizes[k] >= 0, "split: size_splits must be non-negative except for one -1, got ",
                 sizes[k], " at position ", k);
    TF_CHECK_ARG(!__builtin_add_overflow(total, sizes[k], &total) && total <= t.dim(at),
                 "split: the sizes of the splits exceed the size ", t.dim(at), " of axis ", at,
                 " of a tensor of shape ", shape_str(t.shape()));
  }
  std::vector<int64_t> resolved = sizes;
  if (unknown >= 0) resolved[unknown] = t.dim(at) - total;
  TF_CHECK_ARG(unknown >= 0 || total == t.dim(at), "split: the sizes of the splits sum to ",
               total, " but axis ", at, " of a tensor of shape ", shape_str(t.shape()),
               " has size ", t.dim(at));
  std::vector<Tensor> out;
  int64_t begin = 0;
  for (int64_t size : resolved) {
    out.push_back(slice_axis(t, at, begin, size));
    begin += size;
  }
  return out;
}

std::vector<Tensor> split_even(const Tensor& t, int64_t num, int64_t axis) {
  const int at = normalize_axis(axis, t.rank(), "split");
  TF_CHECK_ARG(num > 0, "split: num_split must be positive, got ", num);
  TF_CHECK_ARG(t.dim(at) % num == 0, "split: axis ", at, " of size ", t.dim(at),
               " cannot be split evenly into ", num, " pieces (input shape ",
               shape_str(t.shape()), ")");
  return split(t, std::vector<int64_t>(num, t.dim(at) / num), at);
}

Tensor tile(const Tensor& t, const std::vector<int64_t>& multiples) {
  TF_CHECK_ARG(int(multiples.size()) == t.rank(), "tile: expected multiples of length ",
               t.rank(), " (the input's rank), got length ", multiples.size());
  Dims shape = t.shape();
  int repeated = 0;
  for (int i = 0; i < t.rank(); ++i) {
    TF_CHECK_ARG(multiples[i] >= 0, "tile: multiples must be non-negative, got ", multiples[i],
                 " for axis ", i);
    TF_CHECK(!__builtin_mul_overflow(shape[i], multiples[i], &shape[i]), ResourceExhaustedError,
             "tile: output too large");
    repeated += multiples[i] != 1;
  }
  Tensor out = Tensor::empty(shape, t.dtype(), t.device());
  if (out.numel() == 0) return out;
  if (t.rank() + repeated <= kMaxRank) {
    tile_into(t, multiples, out);
    return out;
  }
  // Too many axes to split at once: repeat one axis at a time.
  Tensor current = t;
  for (int i = 0; i < t.rank(); ++i)
    if (multiples[i] != 1) current = concat(std::vector<Tensor>(multiples[i], current), i);
  return current;
}

Tensor reverse(const Tensor& t, const std::vector<int64_t>& axes) {
  Dims strides = t.strides();
  int64_t offset = t.offset();
  for (int axis : unique_axes(axes, t.rank(), "reverse")) {
    if (t.dim(axis) > 0) offset += (t.dim(axis) - 1) * strides[axis];
    strides[axis] = -strides[axis];
  }
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  if (out.numel() > 0) kernels::copy(Tensor::view_of(t, t.shape(), strides, offset), out);
  return out;
}

}  // namespace tapeflow::ops
