#include "ops/index.h"

#include "autograd/tape.h"
#include "kernels/dispatch.h"
#include "ops/common.h"
#include "ops/device.h"

namespace tapeflow::ops {
namespace {

void check_index_dtype(const char* op, const Tensor& indices) {
  TF_CHECK_ARG(indices.dtype() == DType::Int32 || indices.dtype() == DType::Int64, op,
               ": indices must be int32 or int64, got ", dtype_name(indices.dtype()));
}

// "indices[1,2]" for the flat position `pos` of a tensor of `shape`.
std::string index_name(const Dims& shape, int64_t pos) {
  Dims at = Dims::filled(shape.size(), 0);
  for (int d = shape.size() - 1; d >= 0; --d) at[d] = pos % shape[d], pos /= shape[d];
  std::string s = "indices[";
  for (int d = 0; d < shape.size(); ++d) s += (d ? "," : "") + std::to_string(at[d]);
  return s + "]";
}

// The 4-D geometry (B, P, N, Q) of a gather and the output shape; validates everything.
struct GatherPlan {
  cpu::GatherDims dims;
  int axis = 0, batch_dims = 0;
  Dims out_shape;
};

GatherPlan plan_gather(const char* op, const Dims& params, const Tensor& indices, int64_t axis,
                       int64_t batch_dims) {
  check_index_dtype(op, indices);
  TF_CHECK_ARG(params.size() > 0, op, ": params must be at least 1-dimensional, got a scalar");
  GatherPlan plan;
  plan.axis = normalize_axis(axis, params.size(), op);
  const int64_t b = batch_dims < 0 ? batch_dims + indices.rank() : batch_dims;
  TF_CHECK_ARG(b >= 0 && b <= indices.rank(), op, ": batch_dims = ", batch_dims, " must be in [",
               -indices.rank(), ", ", indices.rank(), "] for indices of rank ", indices.rank());
  TF_CHECK_ARG(b <= plan.axis, op, ": batch_dims (", b, ") must be less than or equal to axis (",
               plan.axis, ")");
  plan.batch_dims = int(b);
  cpu::GatherDims& d = plan.dims;
  for (int i = 0; i < params.size(); ++i) {
    if (i < b) {
      TF_CHECK_ARG(params[i] == indices.dim(i), op, ": params.shape[", i, "] = ", params[i],
                   " and indices.shape[", i, "] = ", indices.dim(i),
                   " must match (a batch dimension)");
      d.batch *= params[i];
    } else if (i < plan.axis) {
      d.outer *= params[i];
    } else if (i > plan.axis) {
      d.inner *= params[i];
    }
    if (i != plan.axis) plan.out_shape.push_back(params[i]);
  }
  d.axis_size = params[plan.axis];
  d.num_indices = 1;
  for (int i = plan.batch_dims; i < indices.rank(); ++i) {
    plan.out_shape.insert(plan.axis + i - plan.batch_dims, indices.dim(i));
    d.num_indices *= indices.dim(i);
  }
  return plan;
}

void check_in_range(const char* op, const Tensor& indices, int64_t size) {
  const cpu::OutOfRange bad = kernels::find_out_of_range(indices, 0, size);
  TF_CHECK_ARG(bad.position < 0, op, ": ", index_name(indices.shape(), bad.position), " = ",
               bad.value, " is not in [0, ", size, ")");
}

}  // namespace

Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims) {
  const GatherPlan plan = plan_gather("gather", params.shape(), indices, axis, batch_dims);
  if (!same_device(params, indices)) {
    const Device d = common_device("gather", {params, indices});
    return gather(to_device(params, d), to_device(indices, d), axis, batch_dims);
  }
  const Tensor packed = contiguous(indices);
  check_in_range("gather", packed, plan.dims.axis_size);
  Tensor out = Tensor::empty(plan.out_shape, params.dtype(), params.device());
  if (out.numel() > 0) kernels::gather(contiguous(params), packed, plan.dims, out);
  if (is_floating(params.dtype())) {
    const int64_t a = plan.axis, b = plan.batch_dims, n = plan.dims.axis_size;
    TF_RECORD("gather", {params, indices}, {out}, [packed, a, b, n](const auto& g, const auto&) {
      return std::vector<Tensor>{scatter_sum(g[0], packed, a, b, n), Tensor()};
    });
  }
  return out;
}

Tensor scatter_sum(const Tensor& updates, const Tensor& indices, int64_t axis, int64_t batch_dims,
                   int64_t dim_size) {
  TF_CHECK_ARG(dim_size >= 0, "scatter_sum: dim_size must be non-negative, got ", dim_size);
  if (!same_device(updates, indices)) {
    const Device d = common_device("scatter_sum", {updates, indices});
    return scatter_sum(to_device(updates, d), to_device(indices, d), axis, batch_dims, dim_size);
  }
  // The params shape whose gather has updates' shape.
  const int64_t b = batch_dims < 0 ? batch_dims + indices.rank() : batch_dims;
  const int64_t index_dims = indices.rank() - b;
  TF_CHECK_ARG(b >= 0 && index_dims >= 0 && axis >= 0 && axis + index_dims <= updates.rank(),
               "scatter_sum: updates of shape ", shape_str(updates.shape()),
               " do not fit indices of shape ", shape_str(indices.shape()), " at axis ", axis);
  Dims params;
  for (int d = 0; d < axis; ++d) params.push_back(updates.dim(d));
  params.push_back(dim_size);
  for (int d = int(axis + index_dims); d < updates.rank(); ++d) params.push_back(updates.dim(d));
  const GatherPlan plan = plan_gather("scatter_sum", params, indices, axis, b);
  TF_CHECK_ARG(plan.out_shape == updates.shape(), "scatter_sum: updates of shape ",
               shape_str(updates.shape()), " do not match the gather shape ",
               shape_str(plan.out_shape));
  const Tensor packed = contiguous(indices);
  check_in_range("scatter_sum", packed, dim_size);
  Tensor out = Tensor::empty(params, updates.dtype(), updates.device());
  if (out.numel() > 0) kernels::scatter_sum(contiguous(updates), packed, plan.dims, out);
  if (is_floating(updates.dtype()))
    TF_RECORD("scatter_sum", {updates}, {out}, [packed, axis, b](const auto& g, const auto&) {
      return std::vector<Tensor>{gather(g[0], packed, axis, b)};
    });
  return out;
}

}  // namespace tapeflow::ops
