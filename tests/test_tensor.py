"""The Tensor itself: conversion rules, dtype objects, NumPy interop, printing, immutability,
Python protocols."""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import _C

c = tf.convert_to_tensor


class TestConversionDefaults:
    def test_python_float_is_float32_and_int_is_int32(self):
        assert c(1.5).dtype == tf.float32
        assert c(3).dtype == tf.int32
        assert c(True).dtype == tf.bool
        assert c([1.0, 2.0]).dtype == tf.float32
        assert c([[1, 2], [3, 4]]).dtype == tf.int32

    def test_large_python_int_becomes_int64(self):
        assert c(2**40).dtype == tf.int64
        assert int(c(2**40)) == 2**40

    def test_numpy_arrays_keep_their_dtype(self):
        assert c(np.zeros(3)).dtype == tf.float64
        assert c(np.zeros(3, np.float32)).dtype == tf.float32
        assert c(np.zeros(3, np.int64)).dtype == tf.int64

    def test_numpy_types_tapeflow_lacks_widen(self):
        t = c(np.array([0, 255], dtype=np.uint8))
        assert t.dtype == tf.int32
        np.testing.assert_array_equal(t.numpy(), [0, 255])
        assert c(np.ones(2, np.float16)).dtype == tf.float32

    def test_requested_dtype(self):
        assert c([1, 2], dtype=tf.float64).dtype == tf.float64
        assert c(np.ones(2), dtype="float32").dtype == tf.float32
        with pytest.raises(ValueError, match="requested dtype int32"):
            c(c(1.0), dtype=tf.int32)
        with pytest.raises(TypeError):
            c(1.5, dtype=tf.int32)

    def test_ragged_and_unsupported_values_raise(self):
        with pytest.raises(ValueError, match="non-rectangular"):
            c([[1, 2], [3]])
        with pytest.raises(TypeError, match="string"):
            c("hello")
        with pytest.raises(TypeError, match="unsupported type"):
            c(object())
        with pytest.raises(TypeError):
            c(np.array([1 + 2j]))

    def test_non_contiguous_numpy_input_is_copied_correctly(self):
        a = np.arange(24.0).reshape(4, 6)[::-2, 1::2]
        np.testing.assert_array_equal(c(a).numpy(), a)


class TestDTypes:
    def test_dtype_objects_compare_with_names_and_numpy(self):
        assert tf.float32 == "float32"
        assert tf.float32 == np.float32
        assert tf.int32 != tf.int64
        assert tf.as_dtype("float64") is tf.float64
        assert repr(tf.float32) == "tf.float32"
        assert str(c(1.0).dtype) == "float32"
        assert tf.float32.is_floating and not tf.int32.is_floating

    def test_unknown_dtype_raises(self):
        with pytest.raises(TypeError):
            tf.as_dtype("float128")


class TestNumpyInterop:
    def test_asarray_is_zero_copy_and_read_only(self):
        t = c(np.arange(6.0).reshape(2, 3))
        view = np.asarray(t)
        assert view.ctypes.data == t._data_ptr
        assert not view.flags.writeable

    def test_numpy_method_copies(self):
        t = c([1.0, 2.0])
        a = t.numpy()
        a[0] = 9.0
        assert t.numpy()[0] == 1.0

    def test_array_protocol_copy_semantics(self):
        t = c([1.0, 2.0])
        assert np.array(t, copy=True).flags.writeable
        assert np.asarray(t, dtype=np.float64).dtype == np.float64
        with pytest.raises(ValueError):
            t.__array__(dtype=np.float64, copy=False)

    def test_numpy_on_the_left_defers_to_the_tensor(self):
        result = np.ones(2) + c([1.0, 2.0])
        assert isinstance(result, tf.Tensor)
        assert result.dtype == tf.float32

    def test_numpy_functions_accept_tensors(self):
        t = c([[1.0, 5.0], [7.0, 2.0]])
        assert np.argmax(t) == 2
        np.testing.assert_allclose(np.exp(t), np.exp(np.asarray(t)))

    def test_dlpack_export_is_zero_copy_for_modern_consumers(self):
        t = c(np.arange(6, dtype=np.float32))
        a = np.from_dlpack(t)
        assert a.ctypes.data == t._data_ptr and not a.flags.writeable
        legacy = np.from_dlpack(_LegacyHolder(tf.experimental.dlpack.to_dlpack(t)))
        np.testing.assert_array_equal(legacy, np.arange(6))
        assert t.__dlpack_device__() == (1, 0)

    def test_dlpack_round_trip(self):
        t = c(np.arange(5, dtype=np.int64))
        back = tf.experimental.dlpack.from_dlpack(np.asarray(t))
        np.testing.assert_array_equal(back.numpy(), np.arange(5))


class _LegacyHolder:
    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


class TestPythonProtocols:
    def test_scalar_conversions(self):
        assert float(c(2.5)) == 2.5
        assert int(c(7)) == 7
        assert bool(c(True)) is True
        assert "%.2f" % c(0.125) == "0.12"
        assert f"{c(3.14159):.3f}" == "3.142"
        assert [10, 20, 30][c(1)] == 20

    def test_multi_element_conversions_raise(self):
        with pytest.raises(TypeError):
            float(c([1.0, 2.0]))
        with pytest.raises(ValueError, match="ambiguous"):
            bool(c([True, False]))
        with pytest.raises(TypeError):
            [1, 2][c(1.0)]

    def test_len(self):
        assert len(c(np.zeros((4, 2)))) == 4
        with pytest.raises(TypeError):
            len(c(1.0))

    def test_tensors_are_immutable(self):
        t = c(np.zeros((2, 2), np.float32))
        with pytest.raises(TypeError, match="Variable"):
            t[0, 0] = 1.0

    def test_tensors_are_unhashable_but_have_refs(self):
        t = c(1.0)
        with pytest.raises(TypeError, match="unhashable"):
            hash(t)
        assert {t.ref(): 1}[t.ref()] == 1
        assert t.ref().deref() is t


class TestPrinting:
    def test_str_matches_tensorflow(self):
        assert str(tf.ones((2, 1))) == "tf.Tensor(\n[[1.]\n [1.]], shape=(2, 1), dtype=float32)"
        assert str(c(3.0)) == "tf.Tensor(3.0, shape=(), dtype=float32)"
        assert str(c([1, 2])) == "tf.Tensor([1 2], shape=(2,), dtype=int32)"

    def test_repr_matches_tensorflow(self):
        assert repr(c(3.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=3.0>"
        assert repr(c([1, 2])) == (
            "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>")

    def test_shape_is_a_tuple_like_tensorshape(self):
        s = tf.ones((2, 3)).shape
        assert s == (2, 3) and s == [2, 3]
        assert str(s) == "(2, 3)"
        assert repr(s) == "TensorShape([2, 3])"
        assert s.as_list() == [2, 3] and s.rank == 2 and s[1] == 3
        assert s.num_elements() == 6


class TestOperators:
    def test_python_scalars_take_the_tensor_dtype(self):
        x = c([1.0, 2.0])
        assert (x * 2).dtype == tf.float32
        assert (2 - x).dtype == tf.float32
        np.testing.assert_allclose((2 - x).numpy(), [1.0, 0.0])
        np.testing.assert_allclose((2.0 ** x).numpy(), [2.0, 4.0])
        assert (c([1, 2]) + 1).dtype == tf.int32

    def test_no_dtype_promotion(self):
        with pytest.raises(tf.errors.InvalidArgumentError, match="float32 and int32"):
            c(1.0) + c(1)
        with pytest.raises(TypeError):
            c([1, 2]) + 0.5

    def test_integer_true_division_gives_float64(self):
        r = c(7) / c(2)
        assert r.dtype == tf.float64 and float(r) == 3.5

    def test_integer_floor_semantics_match_python(self):
        a = c([-7, 7, -7, 7])
        b = c([2, 2, -2, -2])
        np.testing.assert_array_equal((a // b).numpy(), [-4, 3, 3, -4])
        np.testing.assert_array_equal((a % b).numpy(), [1, 1, -1, -1])

    def test_integer_division_by_zero_raises(self):
        with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
            c([1, 2]) // c([1, 0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
            c([1, 2]) % 0

    def test_integer_negative_power_raises(self):
        with pytest.raises(tf.errors.InvalidArgumentError, match="negative integer powers"):
            c([2, 3]) ** c([1, -1])

    def test_int_min_divided_by_minus_one_does_not_trap(self):
        r = c(np.array([-(2**31)], np.int32)) // c(np.array([-1], np.int32))
        assert r.numpy()[0] == -(2**31)  # wraps, as two's complement does

    def test_comparisons_and_logic(self):
        x = c([1.0, 2.0, 3.0])
        np.testing.assert_array_equal((x > 1.5).numpy(), [False, True, True])
        np.testing.assert_array_equal((x == 2.0).numpy(), [False, True, False])
        m = (x > 1.5) & ~(x > 2.5)
        np.testing.assert_array_equal(m.numpy(), [False, True, False])
        assert (x == "not a number") is False

    def test_nan_propagates_through_maximum_and_relu(self):
        x = c([np.nan, 1.0])
        assert np.isnan(tf.maximum(x, 0.0).numpy()[0])
        assert np.isnan(tf.nn.relu(x).numpy()[0])

    def test_bool_arithmetic_is_rejected(self):
        with pytest.raises(tf.errors.InvalidArgumentError):
            c([True]) + c([False])


class TestAllocator:
    def test_repeated_work_reuses_cached_blocks(self):
        x = c(np.ones((256, 256), np.float32))
        for _ in range(3):
            (x * 2.0 + 1.0).numpy()
        before = _C.allocator_stats()["system_allocations"]
        for _ in range(50):
            (x * 2.0 + 1.0).numpy()
        assert _C.allocator_stats()["system_allocations"] == before

    def test_impossible_allocation_raises_memory_error(self):
        with pytest.raises(MemoryError):
            tf.zeros((2**40, 2**20))
        assert issubclass(tf.errors.ResourceExhaustedError, MemoryError)
