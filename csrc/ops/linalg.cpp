#include "ops/linalg.h"

#include <algorithm>
#include <string>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"

namespace tapeflow::ops {
namespace {

// "[2,3]", the way TensorFlow's kernels quote shapes in matmul errors.
std::string tf_shape_str(const Dims& shape) {
  std::string out = "[";
  for (int i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

void check_operands(const char* op, const Tensor& a, const Tensor& b) {
  check_same_dtype(op, a, b);
  TF_CHECK_ARG(a.dtype() != DType::Bool, op,
               ": expected float32, float64, int32 or int64 inputs, got bool");
}

// x with its last two dimensions swapped, as a view.
Tensor matrix_transpose_view(const Tensor& x) {
  Dims shape = x.shape(), strides = x.strides();
  const int r = x.rank();
  std::swap(shape[r - 1], shape[r - 2]);
  std::swap(strides[r - 1], strides[r - 2]);
  return Tensor::view_of(x, shape, strides, x.offset());
}

// Validates a matmul and returns a (..., M, K) and b (..., K, N) as views broadcast to one batch
// shape, plus the output shape (..., M, N).
struct MatmulOperands {
  Tensor a, b;
  Dims out_shape;
};

MatmulOperands prepare_matmul(const Tensor& a, const Tensor& b, bool transpose_a,
                              bool transpose_b) {
  check_operands("matmul", a, b);
  TF_CHECK_ARG(a.rank() >= 2 || a.rank() != b.rank(),
               "matmul: In[0] and In[1] ndims must be >= 2: ", a.rank(), " (got shapes ",
               tf_shape_str(a.shape()), " and ", tf_shape_str(b.shape()),
               "; use tf.tensordot or expand_dims for vectors)");
  TF_CHECK_ARG(a.rank() >= 2 && b.rank() >= 2,
               "matmul: In[0] and In[1] has different ndims: ", tf_shape_str(a.shape()), " vs. ",
               tf_shape_str(b.shape()), " (both inputs need rank >= 2)");
  const Tensor av = transpose_a ? matrix_transpose_view(a) : a;
  const Tensor bv = transpose_b ? matrix_transpose_view(b) : b;
  const int ra = a.rank(), rb = b.rank();
  const int64_t m = av.dim(ra - 2), k = av.dim(ra - 1), n = bv.dim(rb - 1);
  TF_CHECK_ARG(k == bv.dim(rb - 2),
               "matmul: Matrix size-incompatible: In[0]: ", tf_shape_str(a.shape()),
               ", In[1]: ", tf_shape_str(b.shape()), " (inner dimensions differ: ", k, " vs. ",
               bv.dim(rb - 2), transpose_a || transpose_b ? " after transposition)" : ")");
  // NumPy broadcasting of the batch dimensions, aligned from the right.
  const int batch_rank = std::max(ra, rb) - 2;
  Dims batch = Dims::filled(batch_rank, 1);
  for (int i = 0; i < batch_rank; ++i) {
    const int ia = i - (batch_rank - (ra - 2)), ib = i - (batch_rank - (rb - 2));
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    TF_CHECK_ARG(da == db || da == 1 || db == 1,
                 "matmul: In[0] and In[1] must have compatible batch dimensions: ",
                 tf_shape_str(a.shape()), " vs. ", tf_shape_str(b.shape()));
    batch[i] = da == 1 ? db : da;
  }
  Dims a_shape = batch, b_shape = batch, out_shape = batch;
  a_shape.push_back(m), a_shape.push_back(k);
  b_shape.push_back(k), b_shape.push_back(n);
  out_shape.push_back(m), out_shape.push_back(n);
  return {broadcast_view(av, a_shape), broadcast_view(bv, b_shape), out_shape};
}

// Merges dims [begin, end) of `t` into one (size, stride) pair when their strides allow it.
bool merge_dims(const Tensor& t, int begin, int end, int64_t* size, int64_t* stride) {
  *size = 1;
  *stride = 1;
  bool first = true;
  for (int i = end - 1; i >= begin; --i) {
    if (t.dim(i) == 1) continue;
    if (first) {
      *stride = t.strides()[i];
      first = false;
    } else if (t.strides()[i] != *stride * *size) {
      return false;
    }
    *size *= t.dim(i);
  }
  if (*size == 0) *stride = 1;
  return true;
}

// `t` seen as a matrix (dims [0, split) x dims [split, rank)): a view when the strides allow,
// else a view of a contiguous copy.
Tensor as_matrix(const Tensor& t, int split) {
  int64_t rows, row_stride, cols, col_stride;
  if (!merge_dims(t, 0, split, &rows, &row_stride) ||
      !merge_dims(t, split, t.rank(), &cols, &col_stride)) {
    return as_matrix(contiguous(t), split);
  }
  // Scale by the group sizes so that the view stays inside the storage when a group is 1.
  return Tensor::view_of(t, Dims{rows, cols},
                         Dims{rows == 1 ? 0 : row_stride, cols == 1 ? 0 : col_stride}, t.offset());
}

// The view of `t` with its dimensions in the order `perm`.
Tensor permuted_view(const Tensor& t, const std::vector<int>& perm) {
  Dims shape, strides;
  for (int axis : perm) {
    shape.push_back(t.dim(axis));
    strides.push_back(t.strides()[axis]);
  }
  return Tensor::view_of(t, shape, strides, t.offset());
}

// x with its axes reordered by `perm`, as a contiguous tensor; recorded (as "transpose") so the
// gradient rules below that use it stay differentiable.
Tensor permute_axes(const Tensor& x, const std::vector<int>& perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == int(i);
  if (identity) return x;
  const Tensor out = contiguous(permuted_view(x, perm));
  if (is_floating(x.dtype())) {
    TF_RECORD("transpose", {x}, {out}, [perm](const auto& g, const auto&) {
      std::vector<int> inverse(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = int(i);
      return std::vector<Tensor>{permute_axes(g[0], inverse)};
    });
  }
  return out;
}

// For each axis of a result, the input axis it came from -> the perm that puts them back in
// input order.
std::vector<int> inverse_of(const std::vector<int>& came_from) {
  std::vector<int> perm(came_from.size());
  for (size_t i = 0; i < came_from.size(); ++i) perm[came_from[i]] = int(i);
  return perm;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  if (!same_device(a, b)) {
    const Device d = common_device("matmul", {a, b});
    return matmul(to_device(a, d), to_device(b, d), transpose_a, transpose_b);
  }
  const MatmulOperands p = prepare_matmul(a, b, transpose_a, transpose_b);
  Tensor out = Tensor::empty(p.out_shape, a.dtype(), a.device());
  if (out.numel() > 0) kernels::gemm(p.a, p.b, out);
  // out = a @ b: da = g @ b^T, db = a^T @ g, with the transposes folded into the flags (in the
  // broadcast batch shape; the engine sums them back to each input's shape).
  if (is_floating(out.dtype())) {
    TF_RECORD("matmul", {a, b}, {out},
              [a, b, transpose_a, transpose_b](const auto& g, const auto& needs) {
                std::vector<Tensor> grads(2);
                if (needs[0])
                  grads[0] = !transpose_a ? matmul(g[0], b, false, !transpose_b)
                                          : matmul(b, g[0], transpose_b, true);
                if (needs[1])
                  grads[1] = !transpose_b ? matmul(a, g[0], !transpose_a, false)
                                          : matmul(g[0], a, true, transpose_a);
                return grads;
              });
  }
  return out;
}

Tensor matmul_reference(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  if (!same_device(a, b)) {
    const Device d = common_device("matmul", {a, b});
    return matmul_reference(to_device(a, d), to_device(b, d), transpose_a, transpose_b);
  }
  const MatmulOperands p = prepare_matmul(a, b, transpose_a, transpose_b);
  Tensor out = Tensor::empty(p.out_shape, a.dtype(), a.device());
  if (out.numel() > 0) kernels::gemm_reference(p.a, p.b, out);
  return out;
}

Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<int64_t>& a_axes,
                 const std::vector<int64_t>& b_axes) {
  check_operands("tensordot", a, b);
  TF_CHECK_ARG(a_axes.size() == b_axes.size(),
               "tensordot: the axes lists differ in length: ", a_axes.size(), " axes of a and ",
               b_axes.size(), " axes of b");
  std::vector<bool> contracted_a(a.rank(), false), contracted_b(b.rank(), false);
  std::vector<int> perm_a, perm_b;  // a: free then contracted; b: contracted then free
  for (size_t i = 0; i < a_axes.size(); ++i) {
    const int ia = normalize_axis(a_axes[i], a.rank(), "tensordot");
    const int ib = normalize_axis(b_axes[i], b.rank(), "tensordot");
    TF_CHECK_ARG(!contracted_a[ia] && !contracted_b[ib], "tensordot: axis ",
                 contracted_a[ia] ? a_axes[i] : b_axes[i], " of ", contracted_a[ia] ? "a" : "b",
                 " appears twice in axes");
    TF_CHECK_ARG(a.dim(ia) == b.dim(ib), "tensordot: contracted dimensions differ: axis ",
                 a_axes[i], " of a ", shape_str(a.shape()), " has size ", a.dim(ia), ", axis ",
                 b_axes[i], " of b ", shape_str(b.shape()), " has size ", b.dim(ib));
    contracted_a[ia] = contracted_b[ib] = true;
    perm_b.push_back(ib);
  }
  Dims out_shape;
  for (int i = 0; i < a.rank(); ++i)
    if (!contracted_a[i]) perm_a.push_back(i), out_shape.push_back(a.dim(i));
  const int free_a = int(perm_a.size());
  for (size_t i = 0; i < a_axes.size(); ++i)
    perm_a.push_back(normalize_axis(a_axes[i], a.rank(), "tensordot"));
  const int contracted = int(a_axes.size());
  const int free_b = b.rank() - contracted;
  TF_CHECK_ARG(free_a + free_b <= kMaxRank, "tensordot: the result would have rank ",
               free_a + free_b, " (the maximum is ", kMaxRank, ")");
  for (int i = 0; i < b.rank(); ++i)
    if (!contracted_b[i]) perm_b.push_back(i), out_shape.push_back(b.dim(i));
  // (free_a, contracted) @ (contracted, free_b) -> (free_a, free_b), then split back.
  const Tensor product = matmul(as_matrix(permuted_view(a, perm_a), free_a),
                                as_matrix(permuted_view(b, perm_b), contracted));
  const Tensor out =
      Tensor::view_of(product, out_shape, contiguous_strides(out_shape), product.offset());
  // g has a's free axes then b's. da = g . b over b's free axes, giving a's free axes then the
  // a axes paired with b's contracted axes (in b's order); db likewise. Permute back.
  if (is_floating(out.dtype())) {
    TF_RECORD(
        "tensordot", {a, b}, {out},
        [a, b, perm_a, perm_b, free_a, contracted](const auto& g, const auto& needs) {
          std::vector<int64_t> g_free_a, g_free_b, a_free, b_free;
          std::vector<int> a_from, b_order;  // the a (b) axis behind each axis of a raw gradient
          for (int i = 0; i < free_a; ++i) g_free_a.push_back(i), a_free.push_back(perm_a[i]);
          for (size_t i = contracted; i < perm_b.size(); ++i)
            g_free_b.push_back(free_a + int64_t(i) - contracted), b_free.push_back(perm_b[i]);
          a_from.assign(perm_a.begin(), perm_a.begin() + free_a);
          std::vector<int> order(contracted);  // contracted pairs sorted by b's axis, then a's
          for (int i = 0; i < contracted; ++i) order[i] = i;
          std::sort(order.begin(), order.end(),
                    [&](int x, int y) { return perm_b[x] < perm_b[y]; });
          for (int i : order) a_from.push_back(perm_a[free_a + i]);
          std::sort(order.begin(), order.end(),
                    [&](int x, int y) { return perm_a[free_a + x] < perm_a[free_a + y]; });
          for (int i : order) b_order.push_back(perm_b[i]);
          b_order.insert(b_order.end(), perm_b.begin() + contracted, perm_b.end());
          std::vector<Tensor> grads(2);
          if (needs[0])
            grads[0] = permute_axes(tensordot(g[0], b, g_free_b, b_free), inverse_of(a_from));
          if (needs[1])
            grads[1] = permute_axes(tensordot(a, g[0], a_free, g_free_a), inverse_of(b_order));
          return grads;
        });
  }
  return out;
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t axes) {
  TF_CHECK_ARG(axes >= 0, "tensordot: 'axes' must be at least 0, got ", axes);
  TF_CHECK_ARG(axes <= a.rank() && axes <= b.rank(),
               "tensordot: 'axes' must not exceed the rank of either input, got ", axes,
               " for shapes ", shape_str(a.shape()), " and ", shape_str(b.shape()));
  std::vector<int64_t> a_axes, b_axes;
  for (int64_t i = 0; i < axes; ++i) {
    a_axes.push_back(a.rank() - axes + i);
    b_axes.push_back(i);
  }
  return tensordot(a, b, a_axes, b_axes);
}

}  // namespace tapeflow::ops
