#include "ops/shape.h"

#include <algorithm>
#include <limits>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/reduce.h"

namespace tapeflow::ops {
namespace {

// Strides reading x's memory as `shape` (same element count) without a copy, if any exist.
// Runs of x's dimensions are matched with runs of `shape` of equal product; each run of x must
// be contiguous in itself. Size-1 dimensions of x are ignored.
std::optional<Dims> view_strides(const Tensor& x, const Dims& shape) {
  if (x.numel() == 0) return contiguous_strides(shape);
  Dims od, os;
  for (int i = 0; i < x.rank(); ++i)
    if (x.dim(i) != 1) od.push_back(x.dim(i)), os.push_back(x.strides()[i]);
  Dims ns = Dims::filled(shape.size(), 1);
  int oi = 0, ni = 0;
  while (oi < od.size() && ni < shape.size()) {
    int oj = oi + 1, nj = ni + 1;
    int64_t old_run = od[oi], new_run = shape[ni];
    while (old_run != new_run) {
      if (new_run < old_run)
        new_run *= shape[nj++];
      else
        old_run *= od[oj++];
    }
    for (int k = oi; k + 1 < oj; ++k)
      if (os[k] != od[k + 1] * os[k + 1]) return std::nullopt;
    ns[nj - 1] = os[oj - 1];
    for (int k = nj - 1; k > ni; --k) ns[k - 1] = ns[k] * shape[k];
    oi = oj, ni = nj;
  }
  return ns;
}

// `shape` with its -1 replaced, checked against `numel` elements (TensorFlow's messages).
Dims resolve_shape(const IntList& requested, int64_t numel) {
  const Dims shape(requested);
  int unknown = -1;
  int64_t known = 1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TF_CHECK_ARG(unknown < 0, "reshape: only one input size may be -1, not both ", unknown,
                   " and ", i);
      unknown = i;
      continue;
    }
    TF_CHECK_ARG(shape[i] >= 0, "reshape: size ", i, " must be non-negative, not ", shape[i]);
    TF_CHECK_ARG(!__builtin_mul_overflow(known, shape[i], &known), "reshape: the requested shape ",
                 shape_str(shape), " has too many elements");
  }
  Dims out = shape;
  if (unknown >= 0) {
    TF_CHECK_ARG(known > 0, "reshape: cannot infer the missing size (-1) in ", shape_str(shape),
                 " when another size is 0");
    TF_CHECK_ARG(numel % known == 0, "reshape: input to reshape is a tensor with ", numel,
                 " values, but the requested shape requires a multiple of ", known);
    out[unknown] = numel / known;
  } else {
    TF_CHECK_ARG(known == numel, "reshape: input to reshape is a tensor with ", numel,
                 " values, but the requested shape has ", known);
  }
  return out;
}

// A view of x restricted to [start, start + size) along `axis`.
Tensor narrow(const Tensor& x, int axis, int64_t start, int64_t size) {
  Dims shape = x.shape();
  shape[axis] = size;
  return Tensor::view_of(x, shape, x.strides(), x.offset() + start * x.strides()[axis]);
}

// Records a view-like op whose gradient is `backward(g)`, for float outputs only.
template <class Fn>
void record_unary(const char* op, const Tensor& x, const Tensor& out, Fn backward) {
  if (!is_floating(x.dtype())) return;
  TF_RECORD(op, {x}, {out},
            [backward](const auto& g, const auto&) { return std::vector<Tensor>{backward(g[0])}; });
}

}  // namespace

Tensor reshape(const Tensor& x, const IntList& shape) {
  const Dims out_shape = resolve_shape(shape, x.numel());
  Tensor out;
  if (auto strides = view_strides(x, out_shape)) {
    out = Tensor::view_of(x, out_shape, *strides, x.offset());
  } else {
    const Tensor packed = contiguous(x);
    out = Tensor::view_of(packed, out_shape, contiguous_strides(out_shape), packed.offset());
  }
  const IntList x_shape = x.shape().to_vector();
  record_unary("reshape", x, out, [x_shape](const Tensor& g) { return reshape(g, x_shape); });
  return out;
}

Tensor transpose(const Tensor& x, const std::optional<IntList>& perm) {
  const int rank = x.rank();
  IntList order(rank);
  for (int i = 0; i < rank; ++i) order[i] = perm ? 0 : rank - 1 - i;
  if (perm) {
    TF_CHECK_ARG(int(perm->size()) == rank,
                 "transpose: perm must have one entry per axis of "
                 "the input (rank ",
                 rank, "), got ", perm->size(), " entries");
    std::vector<bool> seen(rank, false);
    for (int i = 0; i < rank; ++i) {
      const int64_t p = (*perm)[i];
      TF_CHECK(p >= 0 && p < rank, IndexError, "transpose: perm[", i, "] = ", p,
               " is out of range for a tensor of rank ", rank, " (expected [0, ", rank, "))");
      TF_CHECK_ARG(!seen[p], "transpose: perm contains ", p, " twice");
      seen[p] = true;
      order[i] = p;
    }
  }
  Dims shape, strides;
  IntList inverse(rank);
  for (int i = 0; i < rank; ++i) {
    shape.push_back(x.dim(int(order[i])));
    strides.push_back(x.strides()[order[i]]);
    inverse[order[i]] = i;
  }
  Tensor out = Tensor::view_of(x, shape, strides, x.offset());
  record_unary("transpose", x, out, [inverse](const Tensor& g) { return transpose(g, inverse); });
  return out;
}

Tensor expand_dims(const Tensor& x, int64_t axis) {
  const int rank = x.rank();
  TF_CHECK(axis >= -rank - 1 && axis <= rank, IndexError, "expand_dims: axis ", axis,
           " is out of range for a tensor of rank ", rank, " (expected an axis in [", -rank - 1,
           ", ", rank, "])");
  const int a = int(axis < 0 ? axis + rank + 1 : axis);
  Dims shape = x.shape(), strides = x.strides();
  shape.insert(a, 1);
  strides.insert(a, a < rank ? x.dim(a) * x.strides()[a] : 1);
  Tensor out = Tensor::view_of(x, shape, strides, x.offset());
  const IntList x_shape = x.shape().to_vector();
  record_unary("expand_dims", x, out, [x_shape](const Tensor& g) { return reshape(g, x_shape); });
  return out;
}

Tensor squeeze(const Tensor& x, const std::optional<IntList>& axes) {
  std::vector<bool> drop(x.rank(), !axes);
  if (axes) {
    for (int64_t axis : *axes) {
      const int a = normalize_axis(axis, x.rank(), "squeeze");
      TF_CHECK_ARG(x.dim(a) == 1, "squeeze: can not squeeze dim[", a,
                   "], expected a dimension of 1, got ", x.dim(a));
      drop[a] = true;
    }
  }
  Dims shape, strides;
  for (int i = 0; i < x.rank(); ++i) {
    if (drop[i] && x.dim(i) == 1) continue;
    shape.push_back(x.dim(i));
    strides.push_back(x.strides()[i]);
  }
  Tensor out = Tensor::view_of(x, shape, strides, x.offset());
  const IntList x_shape = x.shape().to_vector();
  record_unary("squeeze", x, out, [x_shape](const Tensor& g) { return reshape(g, x_shape); });
  return out;
}

Tensor broadcast_to(const Tensor& x, const IntList& shape) {
  const Dims target(shape);
  checked_numel(target);
  TF_CHECK_ARG(broadcast_shapes(x.shape(), target, "broadcast_to") == target,
               "broadcast_to: cannot broadcast a tensor of shape ", shape_str(x.shape()),
               " to shape ", shape_str(target));
  const Tensor view = broadcast_view(x, target);
  // Always a new tensor value, even when nothing broadcasts (the tape needs a new id).
  Tensor out = Tensor::view_of(view, target, view.strides(), view.offset());
  record_unary("broadcast_to", x, out, [](const Tensor& g) { return g; });  // engine sums
  return out;
}

Tensor reverse(const Tensor& x, const IntList& axes) {
  std::vector<bool> flip(x.rank(), false);
  for (int64_t axis : axes) {
    const int a = normalize_axis(axis, x.rank(), "reverse");
    TF_CHECK_ARG(!flip[a], "reverse: axis ", a, " is specified more than once");
    flip[a] = true;
  }
  Dims strides = x.strides();
  int64_t offset = x.offset();
  for (int a = 0; a < x.rank(); ++a) {
    if (!flip[a] || x.dim(a) == 0) continue;
    offset += (x.dim(a) - 1) * strides[a];
    strides[a] = -strides[a];
  }
  Tensor out = Tensor::view_of(x, x.shape(), strides, offset);
  record_unary("reverse", x, out, [axes](const Tensor& g) { return reverse(g, axes); });
  return out;
}

Tensor identity(const Tensor& x) {
  Tensor out = Tensor::view_of(x, x.shape(), x.strides(), x.offset());
  record_unary("identity", x, out, [](const Tensor& g) { return g; });
  return out;
}

Tensor concat(const std::vector<Tensor>& values, int64_t axis) {
  TF_CHECK_ARG(!values.empty(), "concat: expected at least one tensor, got an empty list");
  const Tensor& first = values[0];
  TF_CHECK_ARG(first.rank() > 0, "concat: can't concatenate scalars (use tf.stack instead)");
  const int a = normalize_axis(axis, first.rank(), "concat");
  Dims shape = first.shape();
  IntList sizes;
  shape[a] = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const Tensor& v = values[i];
    check_same_dtype("concat", first, v);
    check_same_device("concat", first, v);
    TF_CHECK_ARG(v.rank() == first.rank(), "concat: ranks of all input tensors should match: ",
                 "values[0].shape = ", shape_str(first.shape()), " vs. values[", i,
                 "].shape = ", shape_str(v.shape()));
    for (int d = 0; d < v.rank(); ++d)
      TF_CHECK_ARG(d == a || v.dim(d) == first.dim(d), "concat: dimension ", d,
                   " in both shapes must be equal: values[0].shape = ", shape_str(first.shape()),
                   " vs. values[", i, "].shape = ", shape_str(v.shape()));
    shape[a] += v.dim(a);
    sizes.push_back(v.dim(a));
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  int64_t start = 0;
  for (const Tensor& v : values) {
    if (v.numel() > 0) kernels::copy(v, narrow(out, a, start, v.dim(a)));
    start += v.dim(a);
  }
  if (is_floating(first.dtype()))
    TF_RECORD("concat", values, {out},
              [sizes, a](const auto& g, const auto&) { return split(g[0], sizes, a); });
  return out;
}

Tensor stack(const std::vector<Tensor>& values, int64_t axis) {
  TF_CHECK_ARG(!values.empty(), "stack: expected at least one tensor, got an empty list");
  const Tensor& first = values[0];
  const int rank = first.rank();
  TF_CHECK(axis >= -rank - 1 && axis <= rank, IndexError, "stack: axis ", axis,
           " is out of range for inputs of rank ", rank, " (expected an axis in [", -rank - 1, ", ",
           rank, "])");
  const int a = int(axis < 0 ? axis + rank + 1 : axis);
  for (size_t i = 0; i < values.size(); ++i) {
    check_same_dtype("stack", first, values[i]);
    check_same_device("stack", first, values[i]);
    TF_CHECK_ARG(values[i].shape() == first.shape(), "stack: shapes of all inputs must match: ",
                 "values[0].shape = ", shape_str(first.shape()), " != values[", i,
                 "].shape = ", shape_str(values[i].shape()));
  }
  Dims shape = first.shape();
  shape.insert(a, int64_t(values.size()));
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  if (out.numel() > 0) {
    Dims strides = out.strides();
    const int64_t step = strides[a];
    strides.erase(a);
    for (size_t i = 0; i < values.size(); ++i)
      kernels::copy(values[i], Tensor::view_of(out, first.shape(), strides, int64_t(i) * step));
  }
  if (is_floating(first.dtype()))
    TF_RECORD("stack", values, {out},
              [a](const auto& g, const auto&) { return unstack(g[0], std::nullopt, a); });
  return out;
}

std::vector<Tensor> split(const Tensor& x, const IntList& sizes, int64_t axis) {
  TF_CHECK_ARG(x.rank() > 0, "split: cannot split a scalar");
  const int a = normalize_axis(axis, x.rank(), "split");
  const int64_t total = x.dim(a);
  IntList resolved = sizes;
  int64_t known = 0;
  int unknown = -1;
  TF_CHECK_ARG(!sizes.empty(), "split: expected at least one size");
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      TF_CHECK_ARG(unknown < 0, "split: only one dimension can have a value of -1, got sizes at ",
                   unknown, " and ", i);
      unknown = int(i);
      continue;
    }
    TF_CHECK_ARG(sizes[i] >= 0, "split: sizes must be non-negative (or one -1), got ", sizes[i],
                 " at position ", i);
    TF_CHECK_ARG(sizes[i] <= total - known, "split: the sizes add up to more than the ", total,
                 " elements along axis ", a);
    known += sizes[i];
  }
  if (unknown >= 0) resolved[unknown] = total - known;
  TF_CHECK_ARG(unknown >= 0 || known == total,
               "split: the sizes must add up to the size of "
               "axis ",
               a, " (", total, "), got ", known);
  std::vector<Tensor> pieces;
  int64_t start = 0;
  for (int64_t size : resolved) {
    pieces.push_back(narrow(x, a, start, size));
    start += size;
  }
  if (is_floating(x.dtype()))
    TF_RECORD("split", {x}, pieces,
              [a](const auto& g, const auto&) { return std::vector<Tensor>{concat(g, a)}; });
  return pieces;
}

std::vector<Tensor> split_evenly(const Tensor& x, int64_t num, int64_t axis) {
  TF_CHECK_ARG(x.rank() > 0, "split: cannot split a scalar");
  const int a = normalize_axis(axis, x.rank(), "split");
  TF_CHECK_ARG(num > 0, "split: the number of splits must be positive, got ", num);
  TF_CHECK_ARG(x.dim(a) % num == 0,
               "split: number of ways to split should evenly divide the "
               "split dimension, but got split_dim ",
               a, " (size = ", x.dim(a), ") and num_split ", num);
  return split(x, IntList(size_t(num), x.dim(a) / num), a);
}

std::vector<Tensor> unstack(const Tensor& x, std::optional<int64_t> num, int64_t axis) {
  TF_CHECK_ARG(x.rank() > 0, "unstack: cannot unstack a scalar (expected rank >= 1)");
  const int a = normalize_axis(axis, x.rank(), "unstack");
  TF_CHECK_ARG(!num || *num == x.dim(a), "unstack: num = ", num ? *num : 0,
               " does not match the size ", x.dim(a), " of axis ", a, " in shape ",
               shape_str(x.shape()));
  Dims shape = x.shape(), strides = x.strides();
  shape.erase(a);
  strides.erase(a);
  std::vector<Tensor> pieces;
  for (int64_t i = 0; i < x.dim(a); ++i)
    pieces.push_back(Tensor::view_of(x, shape, strides, x.offset() + i * x.strides()[a]));
  if (is_floating(x.dtype()) && !pieces.empty())
    TF_RECORD("unstack", {x}, pieces,
              [a](const auto& g, const auto&) { return std::vector<Tensor>{stack(g, a)}; });
  return pieces;
}

Tensor tile(const Tensor& x, const IntList& multiples) {
  TF_CHECK_ARG(int(multiples.size()) == x.rank(), "tile: expected multiples of length ", x.rank(),
               " (the input's rank), got length ", multiples.size());
  Dims shape = x.shape();
  for (int i = 0; i < x.rank(); ++i) {
    TF_CHECK_ARG(multiples[i] >= 0, "tile: expected multiples[", i, "] >= 0, but got ",
                 multiples[i]);
    TF_CHECK(!__builtin_mul_overflow(shape[i], multiples[i], &shape[i]), ResourceExhaustedError,
             "tile: the output of tiling ", shape_str(x.shape()), " has too many elements");
  }
  Tensor out = Tensor::empty(shape, x.dtype(), x.device());
  if (out.numel() > 0) kernels::tile(x, out);
  const Dims x_shape = x.shape();
  record_unary("tile", x, out, [x_shape, multiples](Tensor g) {
    // Sum the copies: axis i of g, of size m * d, is viewed as (m, d) and summed over m.
    for (int i = 0; i < x_shape.size(); ++i) {
      if (multiples[i] == 1) continue;
      int64_t before = 1, after = 1;
      for (int k = 0; k < i; ++k) before *= x_shape[k];
      for (int k = i + 1; k < x_shape.size(); ++k) after *= g.dim(k);
      const Tensor split_axis = reshape(g, {before, multiples[i], x_shape[i], after});
      Dims summed_shape = g.shape();
      summed_shape[i] = x_shape[i];
      g = reshape(reduce(ReduceOp::Sum, split_axis, IntList{1}, false), summed_shape.to_vector());
    }
    return g;
  });
  return out;
}

Tensor shape_of(const Tensor& x, DType out_type) {
  TF_CHECK_ARG(out_type == DType::Int32 || out_type == DType::Int64,
               "shape: out_type must be int32 or int64, got ", dtype_name(out_type));
  Tensor out = Tensor::empty(Dims{x.rank()}, out_type);
  for (int i = 0; i < x.rank(); ++i) {
    if (out_type == DType::Int64) {
      out.data<int64_t>()[i] = x.dim(i);
      continue;
    }
    TF_CHECK_ARG(x.dim(i) <= std::numeric_limits<int32_t>::max(), "shape: dimension ", i,
                 " of shape ", shape_str(x.shape()), " does not fit in int32; use out_type=int64");
    out.data<int32_t>()[i] = int32_t(x.dim(i));
  }
  return out;
}

Tensor size_of(const Tensor& x, DType out_type) {
  TF_CHECK_ARG(out_type == DType::Int32 || out_type == DType::Int64,
               "size: out_type must be int32 or int64, got ", dtype_name(out_type));
  Tensor out = Tensor::empty(Dims{}, out_type);
  if (out_type == DType::Int64) {
    *out.data<int64_t>() = x.numel();
  } else {
    TF_CHECK_ARG(x.numel() <= std::numeric_limits<int32_t>::max(), "size: ", x.numel(),
                 " elements do not fit in int32; use out_type=int64");
    *out.data<int32_t>() = int32_t(x.numel());
  }
  return out;
}

Tensor rank_of(const Tensor& x) {
  Tensor out = Tensor::empty(Dims{}, DType::Int32);
  *out.data<int32_t>() = x.rank();
  return out;
}

}  // namespace tapeflow::ops
