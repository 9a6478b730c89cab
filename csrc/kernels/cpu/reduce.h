// CPU reductions. The op layer (ops/reduce.cpp) validates axes and dtypes and hands over the
// input as a view whose dimensions are split into kept (leading) and reduced (trailing) ones.
#pragma once
#include "core/tensor.h"

namespace tapeflow {
enum class ReduceOp : uint8_t { Sum, Prod, Max, Min, Any, All };
}

namespace tapeflow::cpu {

// in: a view of rank k + r whose last r dimensions are reduced; out: contiguous, the k kept
// dimensions. Sums of float32 accumulate in double; results do not depend on the thread count.
void reduce(ReduceOp op, const Tensor& in, int reduced_rank, const Tensor& out);
// Index of the max (or min) along the last dimension of `in` (rank k + 1); first index wins
// ties; a NaN wins over numbers (NumPy's rule). out: int32 or int64 of the k kept dimensions.
void arg_reduce(bool is_max, const Tensor& in, const Tensor& out);
// Softmax (or log-softmax) along the last dimension of a contiguous input, max-subtracted.
void softmax_last_axis(const Tensor& in, const Tensor& out, bool log);

}  // namespace tapeflow::cpu
