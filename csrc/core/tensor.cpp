#include "core/tensor.h"

namespace tapeflow {
namespace {
std::atomic<uint64_t> next_tensor_id{1};
}

Tensor Tensor::empty(const Dims& shape, DType dtype, Device device) {
  const int64_t n = checked_numel(shape);
  size_t nbytes = 0;
  TF_CHECK(!__builtin_mul_overflow(size_t(n), dtype_size(dtype), &nbytes),
           ResourceExhaustedError, "tensor of shape ", shape_str(shape), " and dtype ",
           dtype_name(dtype), " is too large");
  return from_storage(Storage::allocate(nbytes, device), shape, contiguous_strides(shape), 0,
                      dtype);
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Dims& shape,
                            const Dims& strides, int64_t offset, DType dtype) {
  TF_CHECK_ARG(shape.size() == strides.size(), "shape ", shape_str(shape), " and strides ",
               shape_str(strides), " differ in rank");
  // Every reachable element must lie inside the storage: [min_offset, max_offset].
  const int64_t n = checked_numel(shape);
  if (n > 0) {
    int64_t lo = offset, hi = offset;
    for (int i = 0; i < shape.size(); ++i) {
      const int64_t span = (shape[i] - 1) * strides[i];
      (span < 0 ? lo : hi) += span;
    }
    const int64_t capacity = int64_t(storage->nbytes() / dtype_size(dtype));
    TF_CHECK_ARG(lo >= 0 && hi < capacity, "view of shape ", shape_str(shape), " strides ",
                 shape_str(strides), " offset ", offset, " falls outside a storage of ",
                 capacity, " elements");
  }
  Tensor t;
  t.impl_ = std::make_shared<TensorImpl>();
  t.impl_->storage = std::move(storage);
  t.impl_->offset = offset;
  t.impl_->shape = shape;
  t.impl_->strides = strides;
  t.impl_->dtype = dtype;
  t.impl_->id = next_tensor_id.fetch_add(1, std::memory_order_relaxed);
  return t;
}

uint64_t Tensor::next_id() { return next_tensor_id.load(std::memory_order_relaxed); }

Tensor Tensor::view_of(const Tensor& base, const Dims& shape, const Dims& strides,
                       int64_t offset) {
  return from_storage(base.storage(), shape, strides, offset, base.dtype());
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int i = rank() - 1; i >= 0; --i) {
    if (dim(i) == 1) continue;
    if (strides()[i] != expected) return false;
    expected *= dim(i);
  }
  return true;
}

}  // namespace tapeflow
