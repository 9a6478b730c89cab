#include "ops/creation.h"

#include <cmath>
#include <type_traits>

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"
#include "ops/elementwise.h"
#include "ops/shape.h"

namespace tapeflow::ops {
namespace {

Tensor host_scalar(double value, DType dtype) {
  return scalar_on(value, dtype, Device{});
}

// `dims` as a shape, with TensorFlow's message for a negative entry.
Dims checked_dims(const char* op, const std::vector<int64_t>& dims) {
  TF_CHECK_ARG(dims.size() <= size_t(kMaxRank), op, ": rank ", dims.size(),
               " exceeds the maximum supported rank ", kMaxRank);
  for (size_t i = 0; i < dims.size(); ++i)
    TF_CHECK_ARG(dims[i] >= 0, op, ": dims[", i, "] = ", dims[i], " must be non-negative");
  return Dims(dims);
}

}  // namespace

Tensor fill(const std::vector<int64_t>& dims, const Tensor& value) {
  TF_CHECK_ARG(value.rank() == 0, "fill: value must be a scalar, got shape ",
               shape_str(value.shape()));
  const Dims shape = checked_dims("fill", dims);
  Tensor out = Tensor::empty(shape, value.dtype(), value.device());
  if (out.numel() > 0) kernels::copy(broadcast_view(value, shape), out);
  if (is_floating(value.dtype()))  // d value = sum(g): the engine sums g to value's shape
    TF_RECORD("fill", {value}, {out}, [](const auto& g, const auto&) { return g; });
  return out;
}

Tensor zeros(const std::vector<int64_t>& dims, DType dtype) {
  return fill(dims, scalar_on(0.0, dtype, placement_device()));
}

Tensor ones(const std::vector<int64_t>& dims, DType dtype) {
  return fill(dims, scalar_on(1.0, dtype, placement_device()));
}

Tensor eye(int64_t num_rows, std::optional<int64_t> num_columns,
           const std::vector<int64_t>& batch_shape, DType dtype) {
  const int64_t columns = num_columns.value_or(num_rows);
  TF_CHECK_ARG(num_rows >= 0 && columns >= 0,
               "eye: num_rows and num_columns must be "
               "non-negative, got ",
               num_rows, " and ", columns);
  Dims shape = checked_dims("eye", batch_shape);
  shape.push_back(num_rows);
  shape.push_back(columns);
  Tensor out = Tensor::empty(shape, dtype, placement_device());
  if (out.numel() > 0) kernels::eye(out);
  return out;
}

Tensor range(const Tensor& start_in, const Tensor& limit_in, const Tensor& delta_in) {
  TF_CHECK_ARG(start_in.rank() == 0 && limit_in.rank() == 0 && delta_in.rank() == 0,
               "range: start, limit and delta must be scalars, got shapes ",
               shape_str(start_in.shape()), ", ", shape_str(limit_in.shape()), " and ",
               shape_str(delta_in.shape()));
  check_same_dtype("range", start_in, limit_in);
  check_same_dtype("range", start_in, delta_in);
  // The size is decided on the host: the scalars are read there.
  const Tensor start = to_device(start_in, Device{}), limit = to_device(limit_in, Device{});
  const Tensor delta = to_device(delta_in, Device{});
  int64_t size = 0;
  TF_DISPATCH_NUMERIC(start.dtype(), "range", {
    const scalar_t s = *start.data<scalar_t>(), l = *limit.data<scalar_t>();
    const scalar_t d = *delta.data<scalar_t>();
    TF_CHECK_ARG(d != 0, "range: requires delta != 0: ", d);
    TF_CHECK_ARG(d < 0 || s <= l, "range: requires start <= limit when delta > 0: ", s, "/", l);
    TF_CHECK_ARG(d > 0 || s >= l, "range: requires start >= limit when delta < 0: ", s, "/", l);
    if constexpr (std::is_integral_v<scalar_t>) {
      const __int128 span = __int128(l) - __int128(s), step = d;
      size = int64_t(((span < 0 ? -span : span) + (step < 0 ? -step : step) - 1) /
                     (step < 0 ? -step : step));
    } else {
      const scalar_t count = std::ceil(std::abs((l - s) / d));  // in the dtype, as TensorFlow
      TF_CHECK(std::isfinite(count) && count < scalar_t(4.6e18), ResourceExhaustedError,
               "range: ", s, " to ", l, " by ", d, " has too many elements");
      size = int64_t(count);
    }
  });
  Tensor out = Tensor::empty(Dims{size}, start.dtype(), placement_device());
  if (size > 0)
    kernels::fill_range(to_device(start, out.device()), to_device(delta, out.device()), out);
  return out;
}

Tensor linspace(const Tensor& start, const Tensor& stop, int64_t num, int64_t axis) {
  TF_CHECK_ARG(is_floating(start.dtype()),
               "linspace: start and stop must be float32 or "
               "float64, got ",
               dtype_name(start.dtype()));
  check_same_dtype("linspace", start, stop);
  TF_CHECK_ARG(num >= 0, "linspace: num must be non-negative, got ", num);
  const Dims base = broadcast_shapes(start.shape(), stop.shape(), "linspace");
  const int rank = base.size();
  TF_CHECK(axis >= -rank - 1 && axis <= rank, IndexError, "linspace: axis ", axis,
           " is out of range for outputs of rank ", rank + 1, " (expected an axis in [", -rank - 1,
           ", ", rank, "])");
  const int a = int(axis < 0 ? axis + rank + 1 : axis);
  // values[i] = start + i * (stop - start) / (num - 1), with both ends exact (as TensorFlow).
  const Tensor s = expand_dims(broadcast_to(start, base.to_vector()), a);
  const Tensor e = expand_dims(broadcast_to(stop, base.to_vector()), a);
  std::vector<int64_t> steps_shape(size_t(rank + 1), 1);
  steps_shape[a] = num;
  const DType dtype = start.dtype();
  const Tensor i =
      reshape(range(host_scalar(0, dtype), host_scalar(double(num), dtype), host_scalar(1, dtype)),
              steps_shape);
  const Tensor delta = binary(BinaryOp::Div, binary(BinaryOp::Sub, e, s),
                              host_scalar(std::max<int64_t>(num - 1, 1), dtype));
  const Tensor inside = binary(BinaryOp::Add, s, binary(BinaryOp::Mul, delta, i));
  const Tensor last = binary(BinaryOp::Equal, i, host_scalar(double(num - 1), dtype));
  return where(binary(BinaryOp::Equal, i, host_scalar(0, dtype)), s, where(last, e, inside));
}

Tensor one_hot(const Tensor& indices, int64_t depth, const Tensor& on, const Tensor& off,
               int64_t axis) {
  TF_CHECK_ARG(is_integer(indices.dtype()), "one_hot: indices must be int32 or int64, got ",
               dtype_name(indices.dtype()));
  TF_CHECK_ARG(depth >= 0, "one_hot: depth must be non-negative, got ", depth);
  TF_CHECK_ARG(on.rank() == 0 && off.rank() == 0,
               "one_hot: on_value and off_value must be "
               "scalars, got shapes ",
               shape_str(on.shape()), " and ", shape_str(off.shape()));
  check_same_dtype("one_hot", on, off);
  if (!same_device(indices, on) || !same_device(on, off)) {
    const Device d = common_device("one_hot", {indices, on, off});
    return one_hot(to_device(indices, d), depth, to_device(on, d), to_device(off, d), axis);
  }
  const int rank = indices.rank();
  TF_CHECK(axis >= -1 && axis <= rank, IndexError, "one_hot: expected axis to be -1 or in [0, ",
           rank, "], got ", axis);
  const int a = axis < 0 ? rank : int(axis);
  Dims shape = indices.shape();
  shape.insert(a, depth);
  Tensor out = Tensor::empty(shape, on.dtype(), indices.device());
  if (out.numel() > 0) {
    int64_t outer = 1;
    for (int d = 0; d < a; ++d) outer *= indices.dim(d);
    const int64_t inner = indices.numel() / outer;
    const Dims view_shape{outer, depth, inner};
    kernels::one_hot(contiguous(indices), on, off,
                     Tensor::view_of(out, view_shape, contiguous_strides(view_shape), 0));
  }
  return out;
}

}  // namespace tapeflow::ops
