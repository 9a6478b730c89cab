"""Type stub for tapeflow._C, the compiled core (csrc/bindings/, one section per init_* file).

Only what C++ defines is listed here; pyfront/tapeflow/_tensor.py installs Tensor's Python
behaviour (shape, dtype, operators, numpy()) on the class at import. tests/test_stub.py holds
this file against the built module: names, parameter names and defaults.
"""

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, SupportsIndex, TypeAlias, overload

from typing_extensions import Buffer

from tapeflow._C import _testing as _testing

class _ConvertsToTensor(Protocol):
    """A Variable or anything else tapeflow._convert.convert_to_tensor takes by protocol."""

    def __tf_tensor__(self, dtype: Any = ..., name: Any = ...) -> Tensor: ...

# A Python int, NumPy integer or 0-d integer tensor (init_shape.cpp's to_int).
_Int: TypeAlias = SupportsIndex | Tensor | _ConvertsToTensor
# A list/tuple/TensorShape/array of ints or a 1-D integer tensor (init_shape.cpp's to_int_list).
_IntList: TypeAlias = Sequence[SupportsIndex] | Buffer | Tensor | _ConvertsToTensor
# An int alone or a list of ints (squeeze's and reverse's axis).
_Axes: TypeAlias = _Int | _IntList
# A learning rate, step count or U_t: a Python number or a 0-d tensor (init_optimizer.cpp).
_Scalar: TypeAlias = float | Tensor
# ("CPU", 0) or ("GPU", n).
_DeviceSpec: TypeAlias = tuple[str, int]

# --- init_tensor.cpp -------------------------------------------------------------------------

class DType:
    """The element types: float32, float64, int32, int64, bool."""

    float32: ClassVar[DType]
    float64: ClassVar[DType]
    int32: ClassVar[DType]
    int64: ClassVar[DType]
    bool: ClassVar[DType]
    __members__: ClassVar[dict[str, DType]]
    def __init__(self, value: SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class Tensor:
    """An immutable tensor: shared storage + offset + shape + strides + dtype + device.

    Exposes the buffer protocol (read-only, CPU tensors only): np.asarray(t) is zero-copy.
    """

    @property
    def _shape(self) -> tuple[int, ...]:
        """The dimensions."""
    @property
    def _strides(self) -> tuple[int, ...]:
        """The strides, in elements (0 for a broadcast dimension, negative when reversed)."""
    @property
    def _dtype(self) -> DType:
        """The element type."""
    @property
    def _signature(self) -> tuple[tuple[int, ...], int]:
        """(shape, int(dtype)): a tf.function's signature of a tensor argument."""
    @property
    def _id(self) -> int:
        """The value's unique id, the key tapes record it under."""
    @property
    def _offset(self) -> int:
        """The first element's position in the storage, in elements."""
    @property
    def _data_ptr(self) -> int:
        """The first element's address (a host read: poisons a tf.function recording)."""
    @property
    def _storage_owners(self) -> int:
        """How many handles share the storage (a Variable's copy-on-write test)."""
    @property
    def ndim(self) -> int:
        """The rank."""
    @property
    def _numel(self) -> int:
        """The element count."""
    @property
    def _is_contiguous(self) -> bool:
        """True when the elements are laid out densely in row-major order."""
    @property
    def device(self) -> str:
        """The device's TensorFlow name, e.g. '/job:localhost/replica:0/task:0/device:CPU:0'."""
    @property
    def _on_host(self) -> bool:
        """True when the tensor lives in CPU memory."""
    def __buffer__(self, flags: int, /) -> memoryview: ...

def from_buffer(buffer: Buffer) -> Tensor:
    """Copies a Python buffer (e.g. a NumPy array) into a new tensor on the placement device."""

def from_buffer_rows(buffer: Buffer, indices: Buffer) -> Tensor:
    """np.take(buffer, indices, axis=0) as a new tensor on the placement device, in one copy."""

def scalar_float(value: float, dtype: DType) -> Tensor:
    """A 0-d tensor of `dtype` holding a Python float, on the placement device."""

def scalar_int(value: SupportsIndex, dtype: DType) -> Tensor:
    """A 0-d tensor of `dtype` holding a Python int (exact up to int64), on the placement device."""

def allocator_stats() -> dict[str, int]:
    """The CPU caching allocator's bytes_in_use, bytes_cached and system_allocations."""

# --- init_elementwise.cpp --------------------------------------------------------------------

class BinaryOp:
    """The elementwise binary ops, named as tf.math names them."""

    add: ClassVar[BinaryOp]
    subtract: ClassVar[BinaryOp]
    multiply: ClassVar[BinaryOp]
    divide: ClassVar[BinaryOp]
    floordiv: ClassVar[BinaryOp]
    floormod: ClassVar[BinaryOp]
    pow: ClassVar[BinaryOp]
    maximum: ClassVar[BinaryOp]
    minimum: ClassVar[BinaryOp]
    equal: ClassVar[BinaryOp]
    not_equal: ClassVar[BinaryOp]
    less: ClassVar[BinaryOp]
    less_equal: ClassVar[BinaryOp]
    greater: ClassVar[BinaryOp]
    greater_equal: ClassVar[BinaryOp]
    logical_and: ClassVar[BinaryOp]
    logical_or: ClassVar[BinaryOp]
    logical_xor: ClassVar[BinaryOp]
    __members__: ClassVar[dict[str, BinaryOp]]
    def __init__(self, value: SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class UnaryOp:
    """The elementwise unary ops, named as tf.math names them."""

    negative: ClassVar[UnaryOp]
    abs: ClassVar[UnaryOp]
    sign: ClassVar[UnaryOp]
    square: ClassVar[UnaryOp]
    sqrt: ClassVar[UnaryOp]
    rsqrt: ClassVar[UnaryOp]
    reciprocal: ClassVar[UnaryOp]
    exp: ClassVar[UnaryOp]
    expm1: ClassVar[UnaryOp]
    log: ClassVar[UnaryOp]
    log1p: ClassVar[UnaryOp]
    sin: ClassVar[UnaryOp]
    cos: ClassVar[UnaryOp]
    tan: ClassVar[UnaryOp]
    tanh: ClassVar[UnaryOp]
    sigmoid: ClassVar[UnaryOp]
    relu: ClassVar[UnaryOp]
    softplus: ClassVar[UnaryOp]
    floor: ClassVar[UnaryOp]
    ceil: ClassVar[UnaryOp]
    round: ClassVar[UnaryOp]
    logical_not: ClassVar[UnaryOp]
    is_nan: ClassVar[UnaryOp]
    is_inf: ClassVar[UnaryOp]
    is_finite: ClassVar[UnaryOp]
    __members__: ClassVar[dict[str, UnaryOp]]
    def __init__(self, value: SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

def binary(op: BinaryOp, a: Tensor, b: Tensor) -> Tensor:
    """op(a, b) with NumPy broadcasting; one dtype; comparisons give bool."""

def unary(op: UnaryOp, a: Tensor) -> Tensor:
    """op(a); transcendental ops need floats, logical_not bool; is_* give bool."""

def where(condition: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """condition ? a : b, the three broadcast together; condition is bool."""

def clip_by_value(x: Tensor, lo: Tensor, hi: Tensor) -> Tensor:
    """min(max(x, lo), hi), lo and hi broadcast into x's shape."""

def cast(x: Tensor, dtype: DType) -> Tensor:
    """x converted to `dtype` (float -> int truncates toward zero; nonzero -> True)."""

# --- init_reduce.cpp -------------------------------------------------------------------------

class ReduceOp:
    """The reductions: sum, prod, max, min, mean on numbers; any, all on bool."""

    sum: ClassVar[ReduceOp]
    prod: ClassVar[ReduceOp]
    max: ClassVar[ReduceOp]
    min: ClassVar[ReduceOp]
    any: ClassVar[ReduceOp]
    all: ClassVar[ReduceOp]
    mean: ClassVar[ReduceOp]
    __members__: ClassVar[dict[str, ReduceOp]]
    def __init__(self, value: SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

def reduce(op: ReduceOp, x: Tensor, axes: Sequence[SupportsIndex] | None, keepdims: bool) -> Tensor:
    """op over `axes` (all of them when None); empty reductions give op's identity."""

def reduce_reference(
    op: ReduceOp, x: Tensor, axes: Sequence[SupportsIndex] | None, keepdims: bool
) -> Tensor:
    """reduce() by the reference kernel, which the tests hold the fast loops against."""

def reduce_logsumexp(x: Tensor, axes: Sequence[SupportsIndex] | None, keepdims: bool) -> Tensor:
    """log(sum(exp(x))) over `axes`, max-subtracted; an all -inf slice gives -inf."""

def arg_reduce(is_max: bool, x: Tensor, axis: SupportsIndex, output_type: DType) -> Tensor:
    """Index of the largest (is_max) or smallest element along `axis`, first on ties."""

def softmax(logits: Tensor, axis: SupportsIndex) -> Tensor:
    """exp(x - max) / sum(exp(x - max)) along `axis`."""

def log_softmax(logits: Tensor, axis: SupportsIndex) -> Tensor:
    """(x - max) - log(sum(exp(x - max))) along `axis`."""

def sparse_softmax_cross_entropy(logits: Tensor, labels: Tensor) -> Tensor:
    """logits (..., C), integer labels (...) in [0, C) -> losses (...), in one fused pass."""

# --- init_linalg.cpp -------------------------------------------------------------------------

def matmul(a: Tensor, b: Tensor, transpose_a: bool = False, transpose_b: bool = False) -> Tensor:
    """a (..., M, K) @ b (..., K, N) -> (..., M, N), batch dimensions broadcast."""

@overload
def tensordot(a: Tensor, b: Tensor, axes: SupportsIndex) -> Tensor:
    """Contracts the last `axes` dimensions of a with the first `axes` of b."""

@overload
def tensordot(
    a: Tensor, b: Tensor, a_axes: Sequence[SupportsIndex], b_axes: Sequence[SupportsIndex]
) -> Tensor:
    """Sums over the paired axes a_axes[i] <-> b_axes[i]: a's other dimensions, then b's."""

def dense(
    x: Tensor, kernel: Tensor, bias: Tensor | None = None, activation: str = "linear"
) -> Tensor:
    """activation(x (..., K) @ kernel (K, N) + bias (N,)) in one GEMM; linear/relu/sigmoid/tanh."""

# --- init_shape.cpp: views (O(1)) ------------------------------------------------------------

def reshape(x: Tensor, shape: _IntList) -> Tensor:
    """x with `shape` (one -1 inferred): a view when the strides allow, else a copy."""

def transpose(x: Tensor, perm: _IntList | None) -> Tensor:
    """out.dim(i) = x.dim(perm[i]); None reverses the axes."""

def expand_dims(x: Tensor, axis: _Int) -> Tensor:
    """x with a size-1 dimension inserted at `axis` in [-rank - 1, rank]."""

def squeeze(x: Tensor, axis: _Axes | None) -> Tensor:
    """x without the given size-1 axes (all of them when None)."""

def broadcast_to(x: Tensor, shape: _IntList) -> Tensor:
    """x broadcast (NumPy rules, zero strides) to exactly `shape`."""

def reverse(x: Tensor, axis: _Axes) -> Tensor:
    """x with the listed axes reversed (negative strides)."""

def identity(x: Tensor) -> Tensor:
    """tf.identity: a view under a new id, or a copy on a tf.device scope's device."""

def split(x: Tensor, num_or_size_splits: _Axes, axis: _Int) -> list[Tensor]:
    """Views of x along `axis`: `num` equal pieces, or pieces of the listed sizes (one -1)."""

def unstack(x: Tensor, num: _Int | None, axis: _Int) -> list[Tensor]:
    """The x.dim(axis) slices of x along `axis` (views); `num`, when given, must equal it."""

def getitem(x: Tensor, key: Any) -> Tensor:
    """x[key] with NumPy semantics (ints, slices, ..., None, integer arrays, bool masks)."""

def shape_of(x: Tensor, out_type: DType) -> Tensor:
    """x's shape as a 1-D int32 or int64 tensor."""

def size_of(x: Tensor, out_type: DType) -> Tensor:
    """x's element count as a 0-d int32 or int64 tensor."""

def rank_of(x: Tensor) -> Tensor:
    """x's rank as a 0-d int32 tensor."""

# --- init_shape.cpp: copies ------------------------------------------------------------------

def concat(values: Sequence[Tensor], axis: _Int) -> Tensor:
    """Joins tensors of one rank >= 1 and dtype along `axis`."""

def stack(values: Sequence[Tensor], axis: _Int) -> Tensor:
    """Joins tensors of one shape along a new axis in [-rank - 1, rank]."""

def tile(x: Tensor, multiples: _IntList) -> Tensor:
    """x repeated multiples[i] times along each axis i."""

def gather(params: Tensor, indices: Tensor, axis: _Int, batch_dims: _Int) -> Tensor:
    """tf.gather: params' slices at `indices` along `axis`, each index checked."""

def one_hot(
    indices: Tensor, depth: _Int, on_value: Tensor, off_value: Tensor, axis: _Int
) -> Tensor:
    """indices.shape with `depth` inserted at `axis`: on_value where the index matches, else off."""

# --- init_shape.cpp: creation ----------------------------------------------------------------

def fill(dims: _IntList, value: Tensor) -> Tensor:
    """A tensor of shape `dims` holding the 0-d `value` everywhere."""

def zeros(shape: _IntList, dtype: DType) -> Tensor:
    """A tensor of `shape` and `dtype` filled with 0."""

def ones(shape: _IntList, dtype: DType) -> Tensor:
    """A tensor of `shape` and `dtype` filled with 1."""

def eye(
    num_rows: _Int, num_columns: _Int | None, batch_shape: _IntList | None, dtype: DType
) -> Tensor:
    """batch_shape + (num_rows, num_columns) identity matrices; num_columns defaults to num_rows."""

def range(start: Tensor, limit: Tensor, delta: Tensor) -> Tensor:
    """[start, start + delta, ...) up to (excluding) limit, from 0-d tensors of one dtype."""

def linspace(start: Tensor, stop: Tensor, num: _Int, axis: _Int) -> Tensor:
    """`num` evenly spaced values from start to stop (both included) along a new axis `axis`."""

# --- init_random.cpp -------------------------------------------------------------------------
# seed, seed2: TensorFlow's global and op seeds (None: fresh ones each run); call: a stateless
# op's run number, None for a stateful op (each run takes its kernel's next).

def random_uniform(
    shape: Sequence[SupportsIndex],
    dtype: DType,
    minval: float,
    maxval: float,
    seed: int | None,
    seed2: int | None,
    call: int | None = None,
) -> Tensor:
    """Uniform floats in [minval, maxval) from the Philox generator."""

def random_uniform_int(
    shape: Sequence[SupportsIndex],
    dtype: DType,
    minval: int,
    maxval: int,
    seed: int | None,
    seed2: int | None,
    call: int | None = None,
) -> Tensor:
    """Uniform int32/int64 values in [minval, maxval)."""

def random_normal(
    shape: Sequence[SupportsIndex],
    dtype: DType,
    mean: float,
    stddev: float,
    seed: int | None,
    seed2: int | None,
    call: int | None = None,
) -> Tensor:
    """Normal(mean, stddev) floats."""

def truncated_normal(
    shape: Sequence[SupportsIndex],
    dtype: DType,
    mean: float,
    stddev: float,
    seed: int | None,
    seed2: int | None,
    call: int | None = None,
) -> Tensor:
    """Normal(mean, stddev) floats redrawn until within two stddevs of the mean."""

def random_shuffle(
    value: Tensor, seed: int | None, seed2: int | None, call: int | None = None
) -> Tensor:
    """`value` with its first axis permuted."""

def reset_random_runs() -> None:
    """Restarts every stateful kernel's stream (tf.random.set_seed)."""

def philox4x32_10(counter: Sequence[int], key: Sequence[int]) -> list[int]:
    """The raw generator: 4 counter words and 2 key words -> 4 random words (known-answer tests)."""

# --- init_config.cpp -------------------------------------------------------------------------

def num_threads() -> int:
    """The CPU kernels' thread count."""

def set_num_threads(n: SupportsIndex) -> None:
    """Sets the CPU kernels' thread count."""

def cpu_isa() -> str:
    """The instruction set the CPU kernels run: 'avx512', 'avx2' or 'generic'."""

# --- init_autograd.cpp -----------------------------------------------------------------------

class Tape:
    """A GradientTape's C++ records: what it watches and the ops recorded on it."""

    def __init__(self, persistent: bool) -> None:
        """A tape; a persistent one keeps its records after gradient()."""
    def push(self) -> None:
        """Enters the tape on this thread: ops on watched tensors are recorded from now on."""
    def pop(self) -> None:
        """Leaves the tape (it must be the innermost entered)."""
    def watch(self, x: Tensor, /) -> None:
        """Watches `x`: ops reading it are recorded."""
    def watches(self, x: Tensor, /) -> bool:
        """True when the tape watches `x`."""
    @property
    def recording(self) -> bool:
        """False inside stop_recording(): ops are not recorded."""
    @recording.setter
    def recording(self, on: bool) -> None: ...
    @property
    def num_nodes(self) -> int:
        """How many ops the tape has recorded."""
    def reset(self) -> None:
        """Drops every record and watch."""
    def gradient(
        self,
        targets: Sequence[Tensor],
        sources: Sequence[Tensor],
        output_gradients: Sequence[Tensor | None],
        keep: bool = False,
    ) -> list[Tensor | None]:
        """d(sum of targets)/d(source) per source (None when unconnected); keep: keep records."""

# --- init_variable.cpp -----------------------------------------------------------------------

def clone(x: Tensor) -> Tensor:
    """A contiguous copy in new storage."""

def write_into(dst: Tensor, src: Tensor) -> None:
    """dst[...] = src in place, src broadcast to dst's shape (a Variable's assign)."""

def update_into(op: BinaryOp, dst: Tensor, src: Tensor) -> None:
    """dst = op(dst, src) in place, op add or subtract (assign_add / assign_sub)."""

def stop_gradient(x: Tensor) -> Tensor:
    """The same values under a new id that no tape connects to x."""

# --- init_device.cpp -------------------------------------------------------------------------

built_with_cuda: bool
"""True when the CUDA backend was compiled in (the gpu_*/tf32 functions exist only then)."""

def physical_gpu_count() -> int:
    """GPUs the CUDA driver reports (0 without CUDA)."""

def visible_gpu_count() -> int:
    """GPUs tensors may be placed on (0 after hide_gpus())."""

def hide_gpus() -> None:
    """tf.config.set_visible_devices without GPUs: the default device becomes the CPU."""

def default_device() -> _DeviceSpec:
    """Where ops run outside any tf.device scope."""

def placement_device() -> _DeviceSpec:
    """Where new values go: the scope's device, else the default."""

def scope_device() -> _DeviceSpec | None:
    """This thread's tf.device scope, None when there is none."""

def set_scope_device(type: str | None, index: SupportsIndex = 0) -> None:
    """Sets this thread's tf.device scope ('CPU' or 'GPU', index); None clears it."""

def to_device(x: Tensor, type: str, index: SupportsIndex = 0) -> Tensor:
    """x on ('CPU' or 'GPU', index): x itself when already there, else a recorded copy."""

def place(x: Tensor) -> Tensor:
    """x on the placement device (tf.constant and tf.Variable under a tf.device scope)."""

# Only when built_with_cuda:
def gpu_properties(index: SupportsIndex, /) -> dict[str, Any]:
    """device_name, compute_capability (major, minor), multiprocessors, total_memory."""

def gpu_memory_info(index: SupportsIndex, /) -> dict[str, int]:
    """The GPU allocator's current, peak and cached bytes and device_allocations."""

def reset_gpu_peak_memory(index: SupportsIndex, /) -> None:
    """Restarts the GPU allocator's peak count."""

def gpu_synchronize(index: SupportsIndex, /) -> None:
    """Waits for the GPU's queued kernels to finish."""

def set_tf32_enabled(enabled: bool) -> None:
    """Allows TF32 tensor-core maths in float32 GEMMs."""

def tf32_enabled() -> bool:
    """True when float32 GEMMs may use TF32."""

# --- init_optimizer.cpp ----------------------------------------------------------------------
# One fused, in-place step over every variable: variables, gradients, the slot lists, then the
# keras optimizer's scalars. An unused slot list (e.g. momentums without momentum) is empty.

def sgd_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    momentums: Sequence[Tensor],
    learning_rate: _Scalar,
    momentum: float,
    nesterov: bool,
) -> None:
    """keras.optimizers.SGD's step."""

def rmsprop_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    velocities: Sequence[Tensor],
    momentums: Sequence[Tensor],
    average_gradients: Sequence[Tensor],
    learning_rate: _Scalar,
    rho: float,
    momentum: float,
    epsilon: float,
    centered: bool,
) -> None:
    """keras.optimizers.RMSprop's step."""

def adam_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    momentums: Sequence[Tensor],
    velocities: Sequence[Tensor],
    velocity_hats: Sequence[Tensor],
    learning_rate: _Scalar,
    iterations: _Scalar | None,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    amsgrad: bool,
) -> None:
    """keras.optimizers.Adam's step; iterations: the steps done so far."""

def adagrad_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    accumulators: Sequence[Tensor],
    learning_rate: _Scalar,
    epsilon: float,
) -> None:
    """keras.optimizers.Adagrad's step."""

def adadelta_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    accumulated_grads: Sequence[Tensor],
    accumulated_deltas: Sequence[Tensor],
    learning_rate: _Scalar,
    rho: float,
    epsilon: float,
) -> None:
    """keras.optimizers.Adadelta's step."""

def adamax_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    momentums: Sequence[Tensor],
    norms: Sequence[Tensor],
    learning_rate: _Scalar,
    iterations: _Scalar | None,
    beta_1: float,
    beta_2: float,
    epsilon: float,
) -> None:
    """keras.optimizers.Adamax's step; iterations: the steps done so far."""

def nadam_update(
    variables: Sequence[Tensor],
    gradients: Sequence[Tensor],
    momentums: Sequence[Tensor],
    velocities: Sequence[Tensor],
    learning_rate: _Scalar,
    iterations: _Scalar | None,
    u_product: _Scalar | None,
    beta_1: float,
    beta_2: float,
    epsilon: float,
) -> None:
    """keras.optimizers.Nadam's step; u_product: U_t, the product of u_1 .. u_t."""

# --- init_graph.cpp --------------------------------------------------------------------------

class Program:
    """A tf.function's recorded ops, replayed in C++ without going back to Python."""

    def captures(self) -> list[tuple[Tensor | None, bool]]:
        """(value at recording, written in place) for each tensor from before the recording."""
    def bind_inputs(self, capture_indices: Sequence[SupportsIndex]) -> None:
        """Makes those captures inputs after the arguments (Variable values), the rest constants."""
    @property
    def num_steps(self) -> int:
        """How many ops the program runs."""
    def run(self, inputs: Sequence[Tensor]) -> list[Tensor]:
        """Runs the program on the arguments then the bound captures; returns the outputs."""

def begin_recording(args: Sequence[Tensor]) -> list[Tensor]:
    """Starts recording this thread's ops; `args` become the program's input slots. Returns a
    new handle of each argument (a new id), for the function to run on."""

def end_recording(outputs: Sequence[Tensor]) -> tuple[Program | None, str]:
    """Ends the recording: (program, "") or (None, why it cannot be used)."""

def abandon_recording() -> None:
    """Drops the active recording (the traced function raised)."""

def recording() -> bool:
    """True while this thread records."""

def poison_recording(why: str) -> None:
    """Makes the active recording unusable, saying why (the first reason is kept)."""
