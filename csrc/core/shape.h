// Shapes and strides: a small fixed-capacity vector of int64 (no heap allocation per tensor),
// NumPy broadcasting, checked element counts and axis normalisation.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/errors.h"

namespace tapeflow {

constexpr int kMaxRank = 12;

class Dims {
 public:
  Dims() = default;
  Dims(std::initializer_list<int64_t> values);
  explicit Dims(const std::vector<int64_t>& values);
  static Dims filled(int rank, int64_t value);

  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](int i) { return data_[i]; }
  int64_t operator[](int i) const { return data_[i]; }
  int64_t* begin() { return data_; }
  int64_t* end() { return data_ + size_; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  const int64_t* data() const { return data_; }
  int64_t back() const { return data_[size_ - 1]; }

  void push_back(int64_t value);
  void insert(int position, int64_t value);
  void erase(int position);
  void resize(int rank, int64_t fill = 0);
  std::vector<int64_t> to_vector() const { return std::vector<int64_t>(begin(), end()); }

  bool operator==(const Dims& o) const;
  bool operator!=(const Dims& o) const { return !(*this == o); }

 private:
  int64_t data_[kMaxRank] = {};
  int size_ = 0;
};

// "(2, 3)" as TensorFlow prints shapes; "()" for a scalar.
std::string shape_str(const Dims& shape);

// Number of elements; raises InvalidArgumentError for negative dimensions and
// ResourceExhaustedError when the product overflows int64.
int64_t checked_numel(const Dims& shape);
inline int64_t numel(const Dims& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// Row-major strides, in elements.
Dims contiguous_strides(const Dims& shape);

// NumPy broadcasting of two shapes; raises "op: Incompatible shapes: (2, 3) vs. (4,)".
Dims broadcast_shapes(const Dims& a, const Dims& b, const char* op);

// Maps a possibly negative axis into [0, rank); raises IndexError naming `op`.
int normalize_axis(int64_t axis, int rank, const char* op);

}  // namespace tapeflow
