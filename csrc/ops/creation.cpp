#include "ops/creation.h"

#include <cmath>

#include "kernels/dispatch.h"
#include "ops/common.h"

namespace tapeflow::ops {
namespace {

double scalar_as_double(const Tensor& t) {
  double v = 0;
  TF_DISPATCH_ALL(t.dtype(), "range", v = double(*t.data<scalar_t>()));
  return v;
}

int64_t scalar_as_int(const Tensor& t) {
  int64_t v = 0;
  TF_DISPATCH_ALL(t.dtype(), "range", v = int64_t(*t.data<scalar_t>()));
  return v;
}

void check_scalar(const char* op, const char* what, const Tensor& t) {
  TF_CHECK_ARG(t.rank() == 0, op, ": ", what, " must be a scalar, got shape ",
               shape_str(t.shape()));
  TF_CHECK_ARG(t.device().is_cpu(), op, ": ", what, " must be a host tensor");
}

}  // namespace

Tensor fill(const std::vector<int64_t>& shape, const Tensor& value) {
  TF_CHECK_ARG(value.rank() == 0, "fill: value must be a scalar, got shape ",
               shape_str(value.shape()));
  const Dims dims(shape);
  for (int64_t d : dims)
    TF_CHECK_ARG(d >= 0, "fill: dimensions must be non-negative, got ", shape_str(dims));
  Tensor out = Tensor::empty(dims, value.dtype(), value.device());
  if (out.numel() > 0) kernels::copy(broadcast_view(value, dims), out);
  return out;
}

Tensor eye(int64_t rows, int64_t cols, const std::vector<int64_t>& batch_shape, DType dtype) {
  TF_CHECK_ARG(rows >= 0 && cols >= 0, "eye: num_rows and num_columns must be non-negative, got ",
               rows, " and ", cols);
  Dims shape(batch_shape);
  shape.push_back(rows);
  shape.push_back(cols);
  Tensor out = Tensor::empty(shape, dtype);  // validates sizes and overflow
  if (out.numel() > 0) kernels::eye(out.numel() / (rows * cols), rows, cols, out);
  return out;
}

Tensor range(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  check_scalar("range", "start", start);
  check_scalar("range", "limit", limit);
  check_scalar("range", "delta", delta);
  check_same_dtype("range", start, limit);
  check_same_dtype("range", start, delta);
  const DType dtype = start.dtype();
  TF_CHECK_ARG(dtype != DType::Bool, "range: expected a numeric dtype, got bool");
  const bool is_float = dtype == DType::Float32 || dtype == DType::Float64;
  int64_t size = 0;
  if (is_float) {
    const double a = scalar_as_double(start), b = scalar_as_double(limit),
                 d = scalar_as_double(delta);
    TF_CHECK_ARG(std::isfinite(a) && std::isfinite(b) && std::isfinite(d),
                 "range: start, limit and delta must be finite, got ", a, ", ", b, ", ", d);
    TF_CHECK_ARG(d != 0, "range: requires delta != 0");
    TF_CHECK_ARG(d > 0 ? a <= b : a >= b, "range: requires start ", d > 0 ? "<=" : ">=",
                 " limit when delta ", d > 0 ? "> 0" : "< 0", ": ", a, "/", b);
    const double count = std::ceil(std::abs((b - a) / d));
    TF_CHECK(count < 4.6e18, ResourceExhaustedError, "range: ", count, " elements is too many");
    size = int64_t(count);
    Tensor out = Tensor::empty(Dims{size}, dtype);
    if (size > 0) kernels::range_float(a, d, out);
    return out;
  }
  const int64_t a = scalar_as_int(start), b = scalar_as_int(limit), d = scalar_as_int(delta);
  TF_CHECK_ARG(d != 0, "range: requires delta != 0");
  TF_CHECK_ARG(d > 0 ? a <= b : a >= b, "range: requires start ", d > 0 ? "<=" : ">=",
               " limit when delta ", d > 0 ? "> 0" : "< 0", ": ", a, "/", b);
  // |b - a| and |d| as unsigned: no overflow even for the extreme int64 values.
  using Wide = __int128;
  const Wide span = d > 0 ? Wide(b) - a : Wide(a) - b;
  const Wide step = d > 0 ? Wide(d) : -Wide(d);
  const Wide count = (span + step - 1) / step;
  TF_CHECK(count <= Wide(INT64_MAX), ResourceExhaustedError, "range: too many elements");
  size = int64_t(count);
  Tensor out = Tensor::empty(Dims{size}, dtype);
  if (size > 0) kernels::range_int(a, d, out);
  return out;
}

Tensor linspace(const Tensor& start, const Tensor& stop, int64_t num, int64_t axis) {
  check_same_dtype("linspace", start, stop);
  check_same_device("linspace", start, stop);
  TF_CHECK_ARG(start.dtype() == DType::Float32 || start.dtype() == DType::Float64,
               "linspace: expected float32 or float64 start and stop, got ",
               dtype_name(start.dtype()));
  TF_CHECK_ARG(num > 0, "linspace: requires num > 0, got ", num);
  const Dims base = broadcast_shapes(start.shape(), stop.shape(), "linspace");
  const int at = normalize_axis(axis, base.size() + 1, "linspace");
  Dims shape = base;
  shape.insert(at, num);
  Tensor out = Tensor::empty(shape, start.dtype(), start.device());
  if (out.numel() == 0) return out;
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < base.size(); ++i) (i < at ? outer : inner) *= base[i];
  kernels::linspace(contiguous(broadcast_view(start, base)),
                    contiguous(broadcast_view(stop, base)), outer, num, inner, out);
  return out;
}

}  // namespace tapeflow::ops
