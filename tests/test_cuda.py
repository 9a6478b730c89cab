"""The CUDA backend and device placement.

Everywhere: the build, device names, tf.device scopes (parsing, nesting, threads, soft
placement) and the no-GPU behaviour. Where a GPU is visible (tests marked ``gpu``): every op of
the op table on the GPU against the CPU on the same inputs, gradients on the GPU against the
CPU's, the kernels' special paths (long reductions, big GEMMs, masks), random streams, copies
between devices and a short training loop. To push the whole suite through the GPU backend,
run it with ``TAPEFLOW_TEST_DEVICE=/GPU:0``.
"""

from __future__ import annotations

import os
import shutil
import threading

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from op_table import all_cases

GPUS = tf.config.list_physical_devices("GPU")
gpu = pytest.mark.gpu
needs_gpu = pytest.mark.skipif(not GPUS, reason="no GPU visible")
without_gpu = pytest.mark.skipif(bool(GPUS), reason="checks the behaviour without a GPU")

CPU_NAME = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU_NAME = "/job:localhost/replica:0/task:0/device:GPU:0"


@pytest.fixture(autouse=True)
def _default_device():
    """Overrides the suite's fixture: these tests choose their devices themselves."""
    yield


# ---- the build and the no-GPU machine ---------------------------------------------------------


def test_built_with_cuda_where_nvcc_exists():
    if shutil.which("nvcc") is None or os.environ.get("TAPEFLOW_CUDA", "").upper() == "OFF":
        pytest.skip("no CUDA compiler here, or the build was asked for the CPU only")
    assert tf._C.built_with_cuda


@without_gpu
def test_no_gpu_lists_none_and_places_on_the_cpu():
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_logical_devices("GPU") == []
    assert [d.device_type for d in tf.config.list_physical_devices()] == ["CPU"]
    assert tf.constant([1.0]).device == CPU_NAME
    assert tf.zeros((2,)).device == CPU_NAME
    assert tf.random.normal((2,)).device == CPU_NAME


@without_gpu
def test_gpu_scope_without_gpu_falls_back_to_the_cpu():
    with tf.device("/GPU:0"):
        x = tf.constant([[1.0, 2.0]])
        y = tf.matmul(x, x, transpose_b=True)
        v = tf.Variable([3.0])
    assert x.device == y.device == v.device == CPU_NAME
    assert float(y[0, 0]) == 5.0


@without_gpu
def test_gpu_scope_without_soft_placement_raises():
    tf.config.set_soft_device_placement(False)
    try:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not satisfy"):
            with tf.device("/GPU:0"):
                pass
        with tf.device("/CPU:0"):  # an existing device is fine
            assert tf.constant(1).device == CPU_NAME
    finally:
        tf.config.set_soft_device_placement(True)
    assert tf.config.get_soft_device_placement()


@without_gpu
def test_copies_to_a_missing_gpu_raise():
    with pytest.raises(tf.errors.InvalidArgumentError, match="GPU:0 does not exist"):
        tf._C.to_device(tf.constant([1.0]), "GPU", 0)


@without_gpu
def test_memory_info_needs_a_gpu():
    with pytest.raises(ValueError, match="No device found"):
        tf.config.experimental.get_memory_info("GPU:0")
    with pytest.raises(ValueError, match="not a GPU"):
        tf.config.experimental.get_memory_info("CPU:0")


@without_gpu
def test_hiding_gpus_when_there_are_none():
    tf.config.set_visible_devices([], "GPU")
    assert tf.config.get_visible_devices("GPU") == []
    assert tf.config.get_visible_devices() == tf.config.list_physical_devices("CPU")


@without_gpu
def test_gpu_settings_without_a_gpu_raise_or_answer_for_the_cpu():
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.experimental.get_device_details(cpu) == {}
    for call in (
        lambda: tf.config.experimental.reset_memory_stats("GPU:0"),
        lambda: tf.config.experimental.set_memory_growth("/device:GPU:0", True),
        lambda: tf.config.experimental.get_memory_growth("GPU:0"),
    ):
        with pytest.raises(ValueError, match="No device found"):
            call()


def test_tensor_float_32_flag_round_trips_and_leaves_cpu_results_exact(rng):
    # TF32 only changes GPU float32 matmuls: with it on, the CPU result is still float32's.
    a = rng.normal(size=(40, 300)).astype(np.float32)
    b = rng.normal(size=(300, 30)).astype(np.float32)
    with tf.device("/CPU:0"):
        off = tf.matmul(a, b).numpy()
        assert not tf.config.experimental.tensor_float_32_execution_enabled()
        tf.config.experimental.enable_tensor_float_32_execution(True)
        try:
            assert tf.config.experimental.tensor_float_32_execution_enabled()
            on = tf.matmul(a, b).numpy()
        finally:
            tf.config.experimental.enable_tensor_float_32_execution(False)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()
    np.testing.assert_array_equal(on, off)
    if tf._C.built_with_cuda:
        assert not tf._C.tf32_enabled()


# ---- device names and scopes (any machine) ----------------------------------------------------


def test_cpu_scope_places_every_new_tensor_on_the_cpu():
    with tf.device("/CPU:0"):
        made = [
            tf.constant([1.0, 2.0]),
            tf.convert_to_tensor(np.ones(3)),
            tf.zeros((2, 2)),
            tf.ones(3, dtype=tf.int32),
            tf.eye(2),
            tf.range(4),
            tf.fill((2,), 7.0),
            tf.random.uniform((3,)),
            tf.random.normal((3,), seed=1),
            tf.one_hot([0, 1], 2),
            tf.Variable([1.0]).value(),
        ]
    for t in made:
        assert t.device == CPU_NAME


def test_tensor_device_names_follow_tensorflow():
    with tf.device("/cpu:0"):
        t = tf.constant(1.0)
        v = tf.Variable(t)
    assert t.device == v.device == CPU_NAME
    assert t.__dlpack_device__() == (1, 0)


@pytest.mark.parametrize(
    "spec",
    [
        "/job:localhost/replica:0/task:0/device:CPU:0",
        "/device:CPU:0",
        "/CPU:0",
        "CPU:0",
        "/cpu:0",
        "cpu",
        "/CPU",
        "CPU:*",
    ],
)
def test_device_spec_spellings(spec):
    with tf.device(spec):
        assert tf.constant(1).device == CPU_NAME
        assert tf._C.scope_device() == ("CPU", 0)


@pytest.mark.parametrize("spec", ["/GPU:x", "GPU:-1", "not a device", "/device:", ":0"])
def test_malformed_device_specs_raise(spec):
    with pytest.raises(ValueError, match="Invalid device specification"):
        tf.device(spec)


def test_device_spec_of_the_wrong_type_raises():
    with pytest.raises(ValueError, match="Expected a device string"):
        tf.device(0)


def test_other_device_types_fall_back_to_the_cpu():
    with tf.device("/TPU:0"):
        assert tf._C.scope_device() == ("CPU", 0)
    with tf.device("/CPU:1"):
        assert tf._C.scope_device() == ("CPU", 0)


def test_scopes_nest_restore_and_reset():
    assert tf._C.scope_device() is None
    with tf.device("/CPU:0"):
        with tf.device(None):  # back to the default device
            assert tf._C.scope_device() is None
        with tf.device("/job:localhost"):  # names no device: the outer scope stays
            assert tf._C.scope_device() == ("CPU", 0)
        assert tf._C.scope_device() == ("CPU", 0)
    assert tf._C.scope_device() is None
    with pytest.raises(KeyError):
        with tf.device("/CPU:0"):
            raise KeyError("inside")
    assert tf._C.scope_device() is None


def test_scopes_are_per_thread():
    seen = []
    with tf.device("/CPU:0"):
        worker = threading.Thread(target=lambda: seen.append(tf._C.scope_device()))
        worker.start()
        worker.join()
        assert tf._C.scope_device() == ("CPU", 0)
    assert seen == [None]


def test_identity_under_a_scope_on_the_same_device_is_a_view():
    with tf.device("/CPU:0"):
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        y = tf.identity(x)
    assert y.device == x.device
    assert y._data_ptr == x._data_ptr and y._id != x._id
    np.testing.assert_array_equal(y.numpy(), x.numpy())


def test_default_device_is_gpu0_exactly_when_a_gpu_is_visible():
    expected = ("GPU", 0) if tf.config.list_logical_devices("GPU") else ("CPU", 0)
    assert tf._C.default_device() == expected
    assert tf._C.placement_device() == expected
    with tf.device("/CPU:0"):
        assert tf._C.placement_device() == ("CPU", 0)


# ---- CPU against GPU, driven by the op table ---------------------------------------------------

CASES = all_cases()
TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-12)}


def _op_params():
    if not GPUS:  # one skipped test instead of thousands
        return
    for case in CASES:
        for dtype in case.dtypes:
            for shapes in case.shapes:
                yield pytest.param(case, dtype, shapes, id=f"{case.name}-{dtype}-{shapes}")


def _run(case, arrays, device, transpose_inputs=False):
    with tf.device(device):
        tensors = []
        for a in arrays:
            if transpose_inputs and a.ndim >= 2:  # a strided view holding a's values
                swapped = tf.constant(np.ascontiguousarray(np.swapaxes(a, -1, -2)))
                perm = list(range(a.ndim))
                perm[-1], perm[-2] = perm[-2], perm[-1]
                tensors.append(tf.transpose(swapped, perm))
            else:
                tensors.append(tf.constant(a))
        out = case.fn(*tensors, **case.kwargs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _compare(case, dtype, on_gpu, on_cpu):
    assert len(on_gpu) == len(on_cpu)
    rtol, atol = TOLERANCES.get(dtype, (0, 0))
    for g, c in zip(on_gpu, on_cpu, strict=True):
        if g.dtype.is_floating:  # shape/size/rank outputs are host tensors by design
            assert g.device == GPU_NAME, f"{case.name}: output on {g.device}"
        assert_close(g.numpy(), c.numpy(), rtol=rtol, atol=atol, what=f"{case.name} on GPU")


@gpu
@needs_gpu
@pytest.mark.parametrize("case,dtype,shapes", list(_op_params()))
def test_op_on_gpu_matches_cpu(case, dtype, shapes, rng):
    arrays = [np.asarray(a) for a in case.inputs(rng, shapes, dtype)]
    _compare(case, dtype, _run(case, arrays, "/GPU:0"), _run(case, arrays, "/CPU:0"))


@gpu
@needs_gpu
@pytest.mark.parametrize(
    "case,dtype,shapes", [p for p in _op_params() if any(len(s) >= 2 for s in p.values[2])]
)
def test_op_on_gpu_matches_cpu_for_strided_views(case, dtype, shapes, rng):
    arrays = [np.asarray(a) for a in case.inputs(rng, shapes, dtype)]
    _compare(
        case,
        dtype,
        _run(case, arrays, "/GPU:0", transpose_inputs=True),
        _run(case, arrays, "/CPU:0"),
    )


def _grad_params():
    if not GPUS:
        return
    for case in CASES:
        if case.grad and "float64" in case.dtypes:
            for shapes in case.shapes[:4]:
                yield pytest.param(case, shapes, id=f"{case.name}-{shapes}")


def _gradients(case, arrays, weights, device):
    with tf.device(device):
        tensors = [tf.constant(a) for a in arrays]
        floats = [t for t in tensors if t.dtype == tf.float64]
        with tf.GradientTape() as tape:
            tape.watch(floats)
            out = case.fn(*tensors, **case.kwargs)
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            target = sum(
                tf.reduce_sum(o * w)
                for o, w in zip(outs, weights, strict=True)
                if o.dtype == tf.float64
            )
        return tape.gradient(target, floats)


@gpu
@needs_gpu
@pytest.mark.parametrize("case,shapes", list(_grad_params()))
def test_gradient_on_gpu_matches_cpu(case, shapes, rng):
    arrays = [np.asarray(a) for a in case.inputs(rng, shapes, "float64")]
    outs = _run(case, arrays, "/CPU:0")
    weights = [rng.uniform(0.5, 1.5, size=tuple(o.shape)) for o in outs]
    on_gpu = _gradients(case, arrays, weights, "/GPU:0")
    on_cpu = _gradients(case, arrays, weights, "/CPU:0")
    for g, c in zip(on_gpu, on_cpu, strict=True):
        assert (g is None) == (c is None)
        if g is not None:
            assert g.device == GPU_NAME
            assert_close(g.numpy(), c.numpy(), rtol=1e-9, atol=1e-12, what=f"d{case.name}")


# ---- kernel paths the op table's small shapes do not reach -------------------------------------


def _both(fn, *arrays):
    """fn on GPU tensors and on CPU tensors of the same arrays, as NumPy arrays."""
    results = []
    for device in ("/GPU:0", "/CPU:0"):
        with tf.device(device):
            out = fn(*[tf.constant(a) for a in arrays])
        assert out.device.endswith(device[1:])
        results.append(out.numpy())
    return results


@gpu
@needs_gpu
@pytest.mark.parametrize(
    "shape,axis",
    [
        ((3_000_001,), None),
        ((4096, 4096), 0),
        ((4096, 4096), 1),
        ((300_000, 3), 0),
        ((3, 300_000), 1),
        ((64, 50, 70), (0, 2)),
        ((5, 1, 7), 1),
    ],
)
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_max", "reduce_mean", "reduce_prod"])
def test_large_reductions(shape, axis, op, rng):
    x = rng.uniform(0.999, 1.001, size=shape).astype(np.float32)
    got, want = _both(lambda t: getattr(tf, op)(t, axis=axis), x)
    # Products round once per element (float32 on both devices), in different orders.
    rtol = 2e-3 if op == "reduce_prod" else 2e-5
    assert_close(got, want, rtol=rtol, atol=1e-6, what=op)


@gpu
@needs_gpu
@pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
def test_integer_and_bool_reductions_are_exact(dtype, rng):
    x = rng.integers(-1000, 1000, size=(700, 900)).astype(dtype)
    ops = (
        [tf.reduce_any, tf.reduce_all]
        if dtype == "bool"
        else [tf.reduce_sum, tf.reduce_max, tf.reduce_mean]
    )
    for op in ops:
        for axis in (None, 0, 1):
            got, want = _both(lambda t, op=op, axis=axis: op(t, axis=axis), x)
            np.testing.assert_array_equal(got, want)


@gpu
@needs_gpu
@pytest.mark.parametrize("shape,axis", [((2000, 3000), 0), ((2000, 3000), 1), ((7, 100_000), 1)])
def test_argmax_argmin_large(shape, axis, rng):
    x = rng.integers(0, 50, size=shape).astype(np.float32)  # many ties: the first index wins
    x[1, 5] = np.nan
    for op in (tf.argmax, tf.argmin):
        got, want = _both(lambda t, op=op: op(t, axis=axis), x)
        np.testing.assert_array_equal(got, want)


@gpu
@needs_gpu
@pytest.mark.parametrize(
    "shape,axis", [((64, 5000), -1), ((8, 3), -1), ((3000, 40), 0), ((4, 33, 5), 1)]
)
@pytest.mark.parametrize("fn", [tf.nn.softmax, tf.nn.log_softmax])
def test_softmax_paths(shape, axis, fn, rng):
    x = rng.normal(size=shape) * 10
    for dtype, rtol in (("float32", 1e-5), ("float64", 1e-12)):
        got, want = _both(lambda t: fn(t, axis=axis), x.astype(dtype))
        assert_close(got, want, rtol=rtol, atol=rtol, what=fn.__name__)


@gpu
@needs_gpu
@pytest.mark.parametrize("m,k,n", [(2048, 512, 2048), (513, 257, 129), (1, 1000, 1), (64, 0, 32)])
@pytest.mark.parametrize(
    "transpose_a,transpose_b", [(False, False), (True, False), (False, True), (True, True)]
)
def test_gemm_shapes_and_transposes(m, k, n, transpose_a, transpose_b, rng):
    a = rng.normal(size=(k, m) if transpose_a else (m, k))
    b = rng.normal(size=(n, k) if transpose_b else (k, n))
    for dtype, rtol in (("float32", 2e-4), ("float64", 1e-11)):
        got, want = _both(
            lambda x, y: tf.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b),
            a.astype(dtype),
            b.astype(dtype),
        )
        assert_close(got, want, rtol=rtol, atol=rtol * np.sqrt(max(k, 1)), what="matmul")


@gpu
@needs_gpu
def test_tensor_float_32_matmul_is_opt_in(rng):
    a = rng.normal(size=(300, 600)).astype(np.float32)
    b = rng.normal(size=(600, 500)).astype(np.float32)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()
    float32_error = np.abs(_both(tf.matmul, a, b)[0] - exact).max()
    tf.config.experimental.enable_tensor_float_32_execution(True)
    try:
        tf32_error = np.abs(_both(tf.matmul, a, b)[0] - exact).max()
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(False)
    # TF32 keeps 10 mantissa bits of each input: an error of about 2^-11 * sqrt(K) per output
    # (0.017 here), far above float32's, which shows the tensor-core path ran.
    assert tf32_error < 0.25
    assert tf32_error > 20 * float32_error


@gpu
@needs_gpu
@pytest.mark.parametrize("dtype,tf32", [("float64", False), ("float32", False), ("float32", True)])
def test_gemm_with_more_column_tiles_than_grid_y_allows(dtype, tf32, rng):
    # grid.y holds at most 65535 column tiles (64 or 128 columns each); the kernels loop past it.
    n = 65535 * 128 + 300
    a = rng.normal(size=(3, 2)).astype(dtype)
    b = rng.normal(size=(2, n)).astype(dtype)
    tf.config.experimental.enable_tensor_float_32_execution(tf32)
    try:
        got, want = _both(tf.matmul, a, b)
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(False)
    assert_close(got, want, rtol=1e-3 if tf32 else 1e-5, atol=1e-3 if tf32 else 1e-6, what="wide")


@gpu
@needs_gpu
def test_gemm_batched_broadcast_and_integers(rng):
    a = rng.normal(size=(3, 1, 40, 30)).astype(np.float32)
    b = rng.normal(size=(4, 30, 20)).astype(np.float32)
    got, want = _both(tf.matmul, a, b)
    assert_close(got, want, rtol=1e-4, atol=1e-5, what="batched matmul")
    ai = rng.integers(-100, 100, size=(2, 50, 60)).astype(np.int32)
    bi = rng.integers(-100, 100, size=(2, 60, 70)).astype(np.int32)
    got, want = _both(tf.matmul, ai, bi)
    np.testing.assert_array_equal(got, want)


@gpu
@needs_gpu
def test_random_streams_match_the_cpu():
    for dtype in (tf.float32, tf.float64):
        for fn in (
            tf.random.stateless_uniform,
            tf.random.stateless_normal,
            tf.random.stateless_truncated_normal,
        ):
            got, want = [
                _on(device, lambda fn=fn, dtype=dtype: fn((1001, 7), seed=(3, 4), dtype=dtype))
                for device in ("/GPU:0", "/CPU:0")
            ]
            if dtype == tf.float32 or fn is tf.random.stateless_uniform:
                np.testing.assert_array_equal(got, want)
            else:  # CUDA's double log/sin/cos may round the last bit differently
                assert_close(got, want, rtol=1e-14, atol=1e-15, what=fn.__name__)
    for dtype in (tf.int32, tf.int64):
        got, want = [
            _on(
                device,
                lambda dtype=dtype: tf.random.stateless_uniform(
                    (999,), seed=(1, 2), minval=-5, maxval=17, dtype=dtype
                ),
            )
            for device in ("/GPU:0", "/CPU:0")
        ]
        np.testing.assert_array_equal(got, want)
    values = np.arange(60).reshape(20, 3)
    shuffled = []
    for device in ("/GPU:0", "/CPU:0"):
        tf.random.set_seed(7)
        shuffled.append(_on(device, lambda: tf.random.shuffle(tf.constant(values))))
    np.testing.assert_array_equal(*shuffled)


def _on(device, fn):
    with tf.device(device):
        out = fn()
    assert out.device.endswith(device[1:])
    return out.numpy()


@gpu
@needs_gpu
def test_gather_scatter_and_masks(rng):
    params = rng.normal(size=(1000, 16)).astype(np.float32)
    indices = rng.integers(0, 1000, size=(300,))
    with tf.device("/GPU:0"):
        p = tf.constant(params)
        with tf.GradientTape() as tape:
            tape.watch(p)
            rows = tf.gather(p, indices)
            loss = tf.reduce_sum(rows * rows)
        grad = tape.gradient(loss, p)
        with pytest.raises(tf.errors.InvalidArgumentError, match="is not in"):
            tf.gather(p, [0, 1000])
        mask = tf.constant(params[:, 0] > 0)
        picked = p[mask]
    expected = np.zeros_like(params)
    np.add.at(expected, indices, 2 * params[indices])
    assert_close(grad.numpy(), expected, rtol=1e-5, atol=1e-5, what="gather gradient")
    np.testing.assert_array_equal(picked.numpy(), params[params[:, 0] > 0])


@gpu
@needs_gpu
def test_copies_between_devices_and_mixed_inputs(rng):
    x = rng.normal(size=(5, 7))
    with tf.device("/GPU:0"):
        g = tf.constant(x)
        view = tf.transpose(g)[1:4]  # a strided GPU view
    np.testing.assert_array_equal(view.numpy(), x.T[1:4])
    np.testing.assert_array_equal(np.asarray(view), x.T[1:4])
    with tf.device("/CPU:0"):
        c = tf.identity(view)
        w = tf.Variable(np.ones(7))
    assert c.device == CPU_NAME
    np.testing.assert_array_equal(c.numpy(), x.T[1:4])
    with tf.GradientTape() as tape:  # a CPU variable in a GPU op: copied silently
        y = tf.reduce_sum(g * w)
    assert y.device == GPU_NAME
    grad = tape.gradient(y, w)
    assert grad.device == CPU_NAME
    assert_close(grad.numpy(), x.sum(axis=0), rtol=1e-12, atol=1e-12, what="mixed-device grad")


@gpu
@pytest.mark.skipif(len(GPUS) < 2, reason="needs two GPUs")
def test_copies_between_two_gpus_arrive_before_use(rng):
    x = rng.normal(size=(4096, 1024)).astype(np.float32)
    with tf.device("/GPU:0"):
        on_first = tf.constant(x) * 2.0  # still queued on GPU:0's stream when the copy starts
    with tf.device("/GPU:1"):
        on_second = tf.identity(on_first)
        total = tf.reduce_sum(on_second, axis=0)
    assert on_second.device.endswith("GPU:1")
    del on_first  # its block may be reused at once on GPU:0
    with tf.device("/GPU:0"):
        tf.zeros((4096, 1024))
    np.testing.assert_array_equal(on_second.numpy(), 2 * x)
    assert_close(total.numpy(), 2 * x.sum(axis=0), rtol=1e-4, atol=1e-3, what="after the copy")


@gpu
@needs_gpu
def test_default_device_and_memory_info():
    x = tf.constant([1.0])
    assert x.device == GPU_NAME
    before = tf.config.experimental.get_memory_info("GPU:0")
    big = tf.zeros((16, 1024, 1024))  # 64 MiB
    after = tf.config.experimental.get_memory_info("GPU:0")
    assert after["current"] - before["current"] >= 64 << 20
    assert after["peak"] >= after["current"]
    del big
    assert tf.config.experimental.get_memory_info("GPU:0")["current"] <= after["current"]
    details = tf.config.experimental.get_device_details(GPUS[0])
    assert len(details["compute_capability"]) == 2


@gpu
@needs_gpu
def test_short_training_loop_on_gpu_matches_cpu(rng):
    x = rng.normal(size=(256, 10)).astype(np.float32)
    y = (x @ rng.normal(size=(10, 1)) > 0).astype(np.float32)

    def train(device):
        with tf.device(device):
            w1 = tf.Variable(np.full((10, 16), 0.1, np.float32))
            w2 = tf.Variable(np.full((16, 1), 0.1, np.float32))
            losses = []
            for _ in range(20):
                with tf.GradientTape() as tape:
                    logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2)
                    loss = tf.reduce_mean(tf.square(tf.sigmoid(logits) - y))
                g1, g2 = tape.gradient(loss, [w1, w2])
                w1.assign_sub(0.5 * g1)
                w2.assign_sub(0.5 * g2)
                losses.append(float(loss))
            assert w1.device.endswith(device[1:])
        return np.array(losses)

    on_gpu, on_cpu = train("/GPU:0"), train("/CPU:0")
    assert on_gpu[-1] < on_gpu[0]
    assert_close(on_gpu, on_cpu, rtol=1e-4, atol=1e-6, what="losses")


@gpu
@needs_gpu
def test_keras_fit_on_gpu_matches_cpu(rng):
    from tapeflow import keras

    x = rng.normal(size=(512, 20)).astype(np.float32)
    y = (x[:, :3].sum(axis=1) > 0).astype(np.int32)

    def fit(device):
        with tf.device(device):
            tf.random.set_seed(0)  # the same initial weights on both devices (Philox)
            model = keras.Sequential(
                [keras.layers.Dense(32, activation="relu"), keras.layers.Dense(2)]
            )
            model.compile(
                optimizer="rmsprop",
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=["accuracy"],
            )
            history = model.fit(x, y, epochs=3, batch_size=64, shuffle=False, verbose=0)
        assert all(w.device.endswith(device[1:]) for w in model.weights)
        return np.array(history.history["loss"])

    on_gpu, on_cpu = fit("/GPU:0"), fit("/CPU:0")
    assert on_gpu[-1] < on_gpu[0]
    assert_close(on_gpu, on_cpu, rtol=1e-3, atol=1e-5, what="fit losses")
