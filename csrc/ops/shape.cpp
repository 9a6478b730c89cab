#include "ops/shape.h"

#include <algorithm>
#include <limits>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"

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
