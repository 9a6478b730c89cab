// tensor[key] (declared in ops/index.h): the basic part (ints, slices, Ellipsis, newaxis) is a
// view with its own gradient (writing g into zeros through the same view); integer arrays and
// masks then select with gather, whose gradient is scatter_sum.
#include <limits>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/shape.h"

namespace tapeflow::ops {
namespace {

using Kind = IndexItem::Kind;

// The view part of a key: Array and Mask items keep their dimensions here. Works on any base
// of x's shape, which is how the gradient (view_backward) writes into zeros.
Tensor basic_view(const Tensor& base, const std::vector<IndexItem>& key) {
  const int rank = base.rank();
  int consumed = 0, ellipses = 0;
  for (const IndexItem& item : key) {
    if (item.kind == Kind::Ellipsis)
      ++ellipses;
    else if (item.kind == Kind::Mask)
      consumed += item.tensor.rank();
    else if (item.kind != Kind::NewAxis)
      ++consumed;
  }
  TF_CHECK(ellipses <= 1, IndexError, "an index can only have a single ellipsis ('...')");
  TF_CHECK(consumed <= rank, IndexError, "too many indices for tensor: tensor is ", rank,
           "-dimensional, but ", consumed, " were indexed");
  Dims shape, strides;
  int64_t offset = base.offset();
  int in = 0;
  auto keep = [&](int count) {
    for (int k = 0; k < count; ++k, ++in)
      shape.push_back(base.dim(in)), strides.push_back(base.strides()[in]);
  };
  for (const IndexItem& item : key) {
    switch (item.kind) {
      case Kind::Ellipsis:
        keep(rank - consumed);
        break;
      case Kind::NewAxis:
        shape.push_back(1), strides.push_back(0);
        break;
      case Kind::Array:
        keep(1);
        break;
      case Kind::Mask:
        for (int k = 0; k < item.tensor.rank(); ++k)
          TF_CHECK(item.tensor.dim(k) == base.dim(in + k), IndexError,
                   "boolean index did not "
                   "match indexed tensor along axis ",
                   in + k, "; size of axis is ", base.dim(in + k), " but size of boolean index is ",
                   item.tensor.dim(k));
        keep(item.tensor.rank());
        break;
      case Kind::Int: {
        const int64_t n = base.dim(in), i = item.index;
        TF_CHECK(i >= -n && i < n, IndexError, "index ", i, " is out of bounds for axis ", in,
                 " with size ", n);
        offset += (i < 0 ? i + n : i) * base.strides()[in++];
        break;
      }
      case Kind::Slice: {
        TF_CHECK_ARG(item.step != 0, "slice step cannot be zero");
        const int64_t n = base.dim(in);
        const int64_t step = std::max(item.step, -std::numeric_limits<int64_t>::max());
        auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
          if (!v) return fallback;
          int64_t i = *v < 0 ? *v + n : *v;  // no overflow: |*v| < 2^63 and n < 2^62
          return step > 0 ? std::clamp<int64_t>(i, 0, n) : std::clamp<int64_t>(i, -1, n - 1);
        };
        const int64_t start = clamp(item.start, step > 0 ? 0 : n - 1);
        const int64_t stop = clamp(item.stop, step > 0 ? n : -1);
        int64_t len = 0;
        if (step > 0 && stop > start) len = 1 + (stop - start - 1) / step;
        if (step < 0 && start > stop) len = 1 + (start - stop - 1) / -step;
        if (len > 0) offset += start * base.strides()[in];
        shape.push_back(len);
        strides.push_back(len > 1 ? step * base.strides()[in] : base.strides()[in]);
        ++in;
        break;
      }
    }
  }
  if (ellipses == 0) keep(rank - consumed);
  return Tensor::view_of(base, shape, strides, offset);
}

Tensor view_forward(const Tensor& x, const std::vector<IndexItem>& key);

// The transpose of basic_view: zeros of x's shape with g written where the view looks.
Tensor view_backward(const Tensor& g, const IntList& x_shape, const std::vector<IndexItem>& key) {
  Tensor out = fill(x_shape, scalar_like(0.0, g));  // on g's device
  const Tensor window = basic_view(out, key);
  if (window.numel() > 0) kernels::copy(g, window);
  TF_RECORD("getitem_grad", {g}, {out}, [key](const auto& gg, const auto&) {
    return std::vector<Tensor>{view_forward(gg[0], key)};
  });
  return out;
}

Tensor view_forward(const Tensor& x, const std::vector<IndexItem>& key) {
  Tensor out = basic_view(x, key);
  if (is_floating(x.dtype())) {
    const IntList x_shape = x.shape().to_vector();
    TF_RECORD("getitem", {x}, {out}, [x_shape, key](const auto& g, const auto&) {
      return std::vector<Tensor>{view_backward(g[0], x_shape, key)};
    });
  }
  return out;
}

// Integer-array indices for an axis of size n, NumPy style: negatives count from the end.
Tensor array_indices(const Tensor& indices, int64_t n, int axis) {
  TF_CHECK_ARG(is_integer(indices.dtype()), "getitem: indices must be int32 or int64, got ",
               dtype_name(indices.dtype()));
  const Tensor packed = contiguous(indices);
  const cpu::OutOfRange bad = kernels::find_out_of_range(packed, -n, n);
  TF_CHECK(bad.position < 0, IndexError, "index ", bad.value, " is out of bounds for axis ", axis,
           " with size ", n);
  if (kernels::find_out_of_range(packed, 0, n).position < 0) return packed;
  const Tensor zero = scalar_like(0.0, packed);
  return where(binary(BinaryOp::Less, packed, zero),
               binary(BinaryOp::Add, packed, scalar_like(double(n), packed)), packed);
}

struct Advanced {
  const IndexItem* item;
  int view_dim;  // the first view axis it indexes
  int rank;      // how many view axes it indexes (a mask's rank, else 1)
};

// Positions along the item's axes (merged, of total size `size`): an array's indices with
// negatives wrapped, or the flat positions of a mask's true elements (1-D int64).
Tensor advanced_positions(const Advanced& a, int64_t size) {
  if (a.item->kind == Kind::Array) return array_indices(a.item->tensor, size, a.view_dim);
  const Tensor mask = contiguous(a.item->tensor);
  Tensor positions = Tensor::empty(Dims{kernels::count_true(mask)}, DType::Int64, mask.device());
  if (positions.numel() > 0) kernels::true_positions(mask, positions);
  return positions;
}

}  // namespace

Tensor getitem(const Tensor& x, const std::vector<IndexItem>& key) {
  int consumed = 0;  // axes of x the key names explicitly
  for (const IndexItem& item : key) {
    if (item.kind == Kind::Mask) {
      TF_CHECK_ARG(item.tensor.dtype() == DType::Bool && item.tensor.rank() > 0,
                   "getitem: a boolean mask must be a bool tensor of rank >= 1");
      consumed += item.tensor.rank();
    } else if (item.kind != Kind::Ellipsis && item.kind != Kind::NewAxis) {
      ++consumed;
    }
  }
  // The advanced (array or mask) items, where their axes sit in the view, and whether the
  // ints and advanced items are adjacent in the key (NumPy then keeps their place).
  std::vector<Advanced> advanced;
  int view_dim = 0, first = -1, last = -1;
  for (int k = 0; k < int(key.size()); ++k) {
    const Kind kind = key[k].kind;
    if (kind == Kind::Array || kind == Kind::Mask) {
      advanced.push_back({&key[k], view_dim, kind == Kind::Mask ? key[k].tensor.rank() : 1});
    }
    if (kind == Kind::Array || kind == Kind::Mask || kind == Kind::Int) {
      if (first < 0) first = k;
      last = k;
    }
    if (kind == Kind::Ellipsis)
      view_dim += std::max(0, x.rank() - consumed);
    else if (kind == Kind::Mask)
      view_dim += key[k].tensor.rank();
    else if (kind != Kind::Int)
      ++view_dim;
  }
  const Tensor view = view_forward(x, key);
  if (advanced.empty()) return view;
  bool adjacent = true;
  for (int k = first; k <= last; ++k)
    adjacent &= key[k].kind == Kind::Array || key[k].kind == Kind::Mask || key[k].kind == Kind::Int;

  Tensor result;  // the selected positions' dimensions sit at [at, at + selected_rank)
  int at = 0, selected_rank = 0;
  if (advanced.size() == 1) {  // one gather along the item's (merged) axes, no transposes
    const Advanced& a = advanced[0];
    at = a.view_dim;
    IntList merged;
    for (int d = 0; d < view.rank(); ++d) {
      if (d > a.view_dim && d < a.view_dim + a.rank)
        merged.back() *= view.dim(d);
      else
        merged.push_back(view.dim(d));
    }
    const Tensor positions = advanced_positions(a, merged[a.view_dim]);
    selected_rank = positions.rank();
    result = gather(a.rank == 1 ? view : reshape(view, merged), positions, a.view_dim, 0);
  } else {
    // Move every advanced axis to the front (in key order), merge them into one axis and
    // gather the flat positions sum(index_i * stride_i), the indices broadcast together.
    IntList perm, flat_shape{1};
    std::vector<bool> is_advanced(view.rank(), false);
    std::vector<int64_t> sizes;
    for (const Advanced& a : advanced) {
      int64_t size = 1;
      for (int d = a.view_dim; d < a.view_dim + a.rank; ++d) {
        perm.push_back(d), is_advanced[d] = true, size *= view.dim(d);
      }
      sizes.push_back(size);
      flat_shape[0] *= size;
    }
    for (int d = 0; d < view.rank(); ++d)
      if (!is_advanced[d]) perm.push_back(d), flat_shape.push_back(view.dim(d));
    Tensor flat_index;
    int64_t stride = flat_shape[0];
    for (size_t i = 0; i < advanced.size(); ++i) {
      stride = sizes[i] == 0 ? 0 : stride / sizes[i];
      const Tensor positions = cast(advanced_positions(advanced[i], sizes[i]), DType::Int64);
      const Tensor term =
          stride == 1 ? positions
                      : binary(BinaryOp::Mul, positions, scalar_like(double(stride), positions));
      if (flat_index.defined()) {
        try {
          broadcast_shapes(flat_index.shape(), term.shape(), "getitem");
        } catch (const InvalidArgumentError&) {
          throw IndexError(
              str_cat("shape mismatch: indexing arrays could not be broadcast "
                      "together with shapes ",
                      shape_str(flat_index.shape()), " ", shape_str(term.shape())));
        }
        flat_index = binary(BinaryOp::Add, flat_index, term);
      } else {
        flat_index = term;
      }
    }
    selected_rank = flat_index.rank();
    result = gather(reshape(transpose(view, perm), flat_shape), flat_index, 0, 0);
  }
  // NumPy's placement: where the first advanced axis was when ints and advanced items are
  // adjacent in the key, else first.
  const int target = adjacent ? advanced[0].view_dim : 0;
  if (target == at) return result;
  IntList order;
  for (int d = 0; d < result.rank(); ++d)
    if (d < at || d >= at + selected_rank) order.push_back(d);
  IntList moved(order.begin(), order.begin() + std::min<size_t>(target, order.size()));
  for (int d = at; d < at + selected_rank; ++d) moved.push_back(d);
  moved.insert(moved.end(), order.begin() + std::min<size_t>(target, order.size()), order.end());
  return transpose(result, moved);
}

}  // namespace tapeflow::ops
