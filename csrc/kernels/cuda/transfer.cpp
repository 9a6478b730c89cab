#include "kernels/cuda/transfer.h"

#include "core/cuda/runtime.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cuda/elementwise.h"

namespace tapeflow::cuda {
namespace {

// dst = src on one device (host or GPU).
void copy_within(const Tensor& src, const Tensor& dst) {
  if (dst.device().is_cpu()) return cpu::copy(src, dst);
  DeviceGuard guard(dst.device().index);
  copy(src, dst);
}

}  // namespace

void transfer(const Tensor& src, const Tensor& dst) {
  if (dst.numel() == 0) return;
  const Device from = src.device(), to = dst.device();
  // Only contiguous bytes cross: the values are packed (in dst's dtype) on the source side
  // when needed, and spread into dst's layout on the destination side.
  Tensor packed = src;
  if (!src.is_contiguous() || src.dtype() != dst.dtype()) {
    packed = Tensor::empty(src.shape(), dst.dtype(), from);
    copy_within(src, packed);
  }
  const Tensor landing = dst.is_contiguous() ? dst : Tensor::empty(dst.shape(), dst.dtype(), to);
  const size_t nbytes = size_t(dst.numel()) * dst.itemsize();
  if (from.is_cpu()) {
    upload(to.index, landing.raw_data(), packed.raw_data(), nbytes);
  } else if (to.is_cpu()) {
    download(from.index, landing.raw_data(), packed.raw_data(), nbytes);
  } else {
    copy_peer(to.index, landing.raw_data(), from.index, packed.raw_data(), nbytes);
  }
  if (!landing.same_as(dst)) copy_within(landing, dst);
}

}  // namespace tapeflow::cuda
