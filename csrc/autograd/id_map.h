// IdMap: a hash map keyed by tensor id, with open addressing in one flat array.
//
// Recording an op looks up each of its inputs in every entered tape's watched set, and the
// backward pass looks up every tensor it touches, so these lookups are the tape's hot path.
// Tensor ids count up from 1, so 0 marks a free slot; Fibonacci hashing spreads consecutive
// ids, linear probing keeps a lookup within a cache line or two, and nothing is allocated
// until the first insert (an empty tape costs nothing); clear() keeps the table for reuse.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace tapeflow::autograd {

template <class Value>
class IdMap {
 public:
  IdMap() = default;
  IdMap(IdMap&& other) noexcept { *this = std::move(other); }
  IdMap& operator=(IdMap&& other) noexcept {  // leaves `other` empty, not half-moved
    slots_ = std::move(other.slots_);
    size_ = std::exchange(other.size_, 0);
    shift_ = other.shift_;
    other.slots_.clear();
    return *this;
  }

  size_t size() const { return size_; }

  Value* find(uint64_t id) {
    if (size_ == 0) return nullptr;
    for (size_t i = home(id);; i = (i + 1) & mask()) {
      if (slots_[i].id == id) return &slots_[i].value;
      if (slots_[i].id == 0) return nullptr;
    }
  }
  const Value* find(uint64_t id) const { return const_cast<IdMap*>(this)->find(id); }
  bool contains(uint64_t id) const { return find(id) != nullptr; }

  // The value stored under `id`, inserting `value` first when `id` is absent.
  Value& insert(uint64_t id, Value value = Value()) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    size_t i = home(id);
    while (slots_[i].id != 0 && slots_[i].id != id) i = (i + 1) & mask();
    if (slots_[i].id == 0) {
      slots_[i].id = id;
      slots_[i].value = std::move(value);
      ++size_;
    }
    return slots_[i].value;
  }

  // Forgets every id but keeps the table, ready for as many again.
  void clear() {
    if (size_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot());
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t id = 0;
    Value value{};
  };

  size_t mask() const { return slots_.size() - 1; }
  size_t home(uint64_t id) const { return size_t((id * 0x9E3779B97F4A7C15ull) >> shift_); }

  // Doubles the table (16 slots at first), keeping the load at or below one half.
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t capacity = old.empty() ? 16 : 2 * old.size();
    slots_.assign(capacity, Slot());
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;  // top log2(capacity) bits
    size_ = 0;
    for (Slot& slot : old)
      if (slot.id != 0) insert(slot.id, std::move(slot.value));
  }

  std::vector<Slot> slots_;  // power-of-two size
  size_t size_ = 0;
  int shift_ = 60;  // 64 - log2(capacity)
};

// A set of tensor ids.
struct Present {};
using IdSet = IdMap<Present>;

}  // namespace tapeflow::autograd
