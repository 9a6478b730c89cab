// Joins and their inverses (declared in ops/shape.h): concat, stack and tile copy into a new
// tensor; split and unstack return views. Each one's gradient is the other side of the pair
// (concat <-> split, stack <-> unstack; tile sums its copies).
#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"
#include "ops/reduce.h"
#include "ops/shape.h"

namespace tapeflow::ops {
namespace {

// A view of x restricted to [start, start + size) along `axis`.
Tensor narrow(const Tensor& x, int axis, int64_t start, int64_t size) {
  Dims shape = x.shape();
  shape[axis] = size;
  return Tensor::view_of(x, shape, x.strides(), x.offset() + start * x.strides()[axis]);
}

}  // namespace

Tensor concat(const std::vector<Tensor>& values, int64_t axis) {
  TF_CHECK_ARG(!values.empty(), "concat: expected at least one tensor, got an empty list");
  const Tensor& first = values[0];
  TF_CHECK_ARG(first.rank() > 0, "concat: can't concatenate scalars (use tf.stack instead)");
  const int a = normalize_axis(axis, first.rank(), "concat");
  Dims shape = first.shape();
  IntList sizes;
  shape[a] = 0;
  Device device = first.device();  // the GPU among mixed inputs (ops/device.h)
  for (size_t i = 0; i < values.size(); ++i) {
    const Tensor& v = values[i];
    check_same_dtype("concat", first, v);
    if (!same_device(first, v)) device = common_device("concat", values);
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
  Tensor out = Tensor::empty(shape, first.dtype(), device);
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
  Device device = first.device();  // the GPU among mixed inputs (ops/device.h)
  for (size_t i = 0; i < values.size(); ++i) {
    check_same_dtype("stack", first, values[i]);
    if (!same_device(first, values[i])) device = common_device("stack", values);
    TF_CHECK_ARG(values[i].shape() == first.shape(), "stack: shapes of all inputs must match: ",
                 "values[0].shape = ", shape_str(first.shape()), " != values[", i,
                 "].shape = ", shape_str(values[i].shape()));
  }
  Dims shape = first.shape();
  shape.insert(a, int64_t(values.size()));
  Tensor out = Tensor::empty(shape, first.dtype(), device);
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
  if (!is_floating(x.dtype())) return out;
  TF_RECORD("tile", {x}, {out}, [x_shape, multiples](const auto& grads, const auto&) {
    Tensor g = grads[0];
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
    return std::vector<Tensor>{g};
  });
  return out;
}

}  // namespace tapeflow::ops
