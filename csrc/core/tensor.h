// Tensor = shared Storage + offset + shape + strides + dtype (+ the storage's device).
// A Tensor is a cheap handle to an immutable value: reshape, transpose, expand_dims, strided
// slicing and broadcast_to produce views sharing the storage; kernels accept any strides
// (a broadcast dimension is a zero stride) and take a fast path for contiguous inputs.
// Each tensor value carries a unique id, which is what a GradientTape records.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/storage.h"

namespace tapeflow {

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in elements
  Dims shape;
  Dims strides;  // in elements; 0 for a broadcast dimension
  DType dtype = DType::Float32;
  uint64_t id = 0;
};

class Tensor {
 public:
  Tensor() = default;  // a null handle; defined() is false

  // Uninitialised contiguous tensor; validates the shape and the byte count.
  static Tensor empty(const Dims& shape, DType dtype, Device device = Device{});
  // A view of `base`'s storage with new geometry. Validates that every reachable element lies
  // inside the storage before returning.
  static Tensor view_of(const Tensor& base, const Dims& shape, const Dims& strides,
                        int64_t offset);
  static Tensor from_storage(std::shared_ptr<Storage> storage, const Dims& shape,
                             const Dims& strides, int64_t offset, DType dtype);

  bool defined() const { return impl_ != nullptr; }
  const Dims& shape() const { return impl_->shape; }
  const Dims& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int rank() const { return impl_->shape.size(); }
  int64_t dim(int i) const { return impl_->shape[i]; }
  int64_t numel() const { return tapeflow::numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  size_t itemsize() const { return dtype_size(impl_->dtype); }
  Device device() const { return impl_->storage->device(); }
  uint64_t id() const { return impl_->id; }
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
  bool is_contiguous() const;

  // Address of the first element (element offset applied).
  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * itemsize();
  }
  template <typename T>
  T* data() const {
    return reinterpret_cast<T*>(raw_data());
  }

  // The id the next tensor made will get: every tensor made before has a smaller one.
  static uint64_t next_id();

  // True when both handles view the very same tensor value.
  bool same_as(const Tensor& o) const { return impl_ == o.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace tapeflow
