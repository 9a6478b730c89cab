#include "core/shape.h"

#include <algorithm>

namespace tapeflow {

Dims::Dims(std::initializer_list<int64_t> values) {
  for (int64_t v : values) push_back(v);
}

Dims::Dims(const std::vector<int64_t>& values) {
  TF_CHECK_ARG(values.size() <= kMaxRank, "rank ", values.size(),
               " exceeds the maximum supported rank ", kMaxRank);
  for (int64_t v : values) push_back(v);
}

Dims Dims::filled(int rank, int64_t value) {
  Dims d;
  d.resize(rank, value);
  return d;
}

void Dims::push_back(int64_t value) {
  TF_CHECK_ARG(size_ < kMaxRank, "rank exceeds the maximum supported rank ", kMaxRank);
  data_[size_++] = value;
}

void Dims::insert(int position, int64_t value) {
  TF_CHECK_ARG(size_ < kMaxRank, "rank exceeds the maximum supported rank ", kMaxRank);
  for (int i = size_; i > position; --i) data_[i] = data_[i - 1];
  data_[position] = value;
  ++size_;
}

void Dims::erase(int position) {
  for (int i = position; i + 1 < size_; ++i) data_[i] = data_[i + 1];
  --size_;
}

void Dims::resize(int rank, int64_t fill) {
  TF_CHECK_ARG(rank >= 0 && rank <= kMaxRank, "rank ", rank,
               " exceeds the maximum supported rank ", kMaxRank);
  for (int i = size_; i < rank; ++i) data_[i] = fill;
  size_ = rank;
}

bool Dims::operator==(const Dims& o) const {
  return size_ == o.size_ && std::equal(begin(), end(), o.begin());
}

std::string shape_str(const Dims& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

int64_t checked_numel(const Dims& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    TF_CHECK_ARG(d >= 0, "dimensions must be non-negative, got shape ", shape_str(shape));
  }
  for (int64_t d : shape) {
    if (d == 0) return 0;
  }
  for (int64_t d : shape) {
    TF_CHECK(!__builtin_mul_overflow(n, d, &n), ResourceExhaustedError,
             "tensor of shape ", shape_str(shape), " has too many elements");
  }
  return n;
}

Dims contiguous_strides(const Dims& shape) {
  Dims strides = Dims::filled(shape.size(), 1);
  int64_t running = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    strides[i] = running;
    running *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

Dims broadcast_shapes(const Dims& a, const Dims& b, const char* op) {
  const int rank = std::max(a.size(), b.size());
  Dims out = Dims::filled(rank, 1);
  for (int i = 0; i < rank; ++i) {
    const int ia = a.size() - rank + i, ib = b.size() - rank + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    TF_CHECK_ARG(da == db || da == 1 || db == 1, op, ": Incompatible shapes: ", shape_str(a),
                 " vs. ", shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int normalize_axis(int64_t axis, int rank, const char* op) {
  TF_CHECK(axis >= -rank && axis < rank, IndexError, op, ": axis ", axis, " is out of range for a tensor of rank ", rank,
           " (expected an axis in [", -rank, ", ", rank, "))");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

}  // namespace tapeflow
