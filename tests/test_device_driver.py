"""tapeflow._cuda_driver: the optional cuda-python (``cuda.bindings``) window on the driver.

No GPU is needed: a stand-in ``cuda.bindings.driver`` module plays the driver's answers, and
the real package (where installed) is checked to answer None on a machine without a driver.
"""

import sys
import types
from enum import IntEnum
from types import SimpleNamespace

import pytest

import tapeflow as tf
from tapeflow import _cuda_driver


class CUresult(IntEnum):
    CUDA_SUCCESS = 0
    CUDA_ERROR_NO_DEVICE = 100
    CUDA_ERROR_INVALID_DEVICE = 101


class CUdevice_attribute(IntEnum):  # noqa: N801  (the binding's name)
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76


def _fake_driver(init=CUresult.CUDA_SUCCESS, devices=1):
    """A cuda.bindings.driver with one H100-like device, answering as the real one does:
    every call returns (CUresult, values...)."""
    driver = types.ModuleType("cuda.bindings.driver")
    driver.CUresult = CUresult
    driver.CUdevice_attribute = CUdevice_attribute

    def cu_init(flags):
        if isinstance(init, Exception):
            raise init
        return (init,)

    def device_get(ordinal):
        if ordinal >= devices:
            return (CUresult.CUDA_ERROR_INVALID_DEVICE, None)
        return (CUresult.CUDA_SUCCESS, f"device{ordinal}")

    attributes = {
        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: 9,
        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: 0,
    }
    driver.cuInit = cu_init
    driver.cuDeviceGet = device_get
    driver.cuDeviceGetName = lambda length, dev: (CUresult.CUDA_SUCCESS, b"NVIDIA H100\0\0\0")
    driver.cuDeviceGetAttribute = lambda a, dev: (CUresult.CUDA_SUCCESS, attributes[a])
    driver.cuDeviceTotalMem = lambda dev: (CUresult.CUDA_SUCCESS, 80 << 30)
    return driver


@pytest.fixture
def driver_module(monkeypatch):
    """Installs a stand-in cuda.bindings.driver (the argument) and clears the module's cache."""

    def install(driver):
        package = types.ModuleType("cuda")
        bindings = types.ModuleType("cuda.bindings")
        package.bindings = bindings
        bindings.driver = driver
        monkeypatch.setitem(sys.modules, "cuda", package)
        monkeypatch.setitem(sys.modules, "cuda.bindings", bindings)
        monkeypatch.setitem(sys.modules, "cuda.bindings.driver", driver)
        _cuda_driver._driver.cache_clear()

    yield install
    _cuda_driver._driver.cache_clear()


def test_properties_come_from_the_driver_bindings(driver_module):
    driver_module(_fake_driver())
    assert _cuda_driver.available()
    assert _cuda_driver.gpu_properties(0) == {
        "device_name": "NVIDIA H100",
        "compute_capability": (9, 0),
        "total_memory": 80 << 30,
    }


def test_a_missing_device_gives_none(driver_module):
    driver_module(_fake_driver(devices=1))
    assert _cuda_driver.gpu_properties(1) is None


@pytest.mark.parametrize(
    "init",
    [CUresult.CUDA_ERROR_NO_DEVICE, RuntimeError('"cuda" is an NVIDIA driver library')],
    ids=["no device", "no driver library"],
)
def test_no_driver_falls_back_to_the_compiled_module(driver_module, init):
    driver_module(_fake_driver(init=init))
    assert not _cuda_driver.available()
    assert _cuda_driver.gpu_properties(0) is None


def test_without_the_package_nothing_is_asked(monkeypatch):
    monkeypatch.setitem(sys.modules, "cuda", None)  # import cuda... raises ImportError
    _cuda_driver._driver.cache_clear()
    try:
        assert not _cuda_driver.available()
        assert _cuda_driver.gpu_properties(0) is None
    finally:
        _cuda_driver._driver.cache_clear()


def test_device_details_prefer_the_driver_then_the_runtime(driver_module, monkeypatch):
    # One visible GPU, as the compiled module would report it, with a different name so that
    # the source of the answer shows.
    runtime = SimpleNamespace(
        visible_gpu_count=lambda: 1,
        gpu_properties=lambda i: {"device_name": "from the runtime", "compute_capability": (8, 0)},
    )
    monkeypatch.setattr(tf.config, "_C", runtime)
    gpu = tf.config.PhysicalDevice(name="/physical_device:GPU:0", device_type="GPU")
    driver_module(_fake_driver())
    assert tf.config.experimental.get_device_details(gpu) == {
        "device_name": "NVIDIA H100",
        "compute_capability": (9, 0),
    }
    driver_module(_fake_driver(init=CUresult.CUDA_ERROR_NO_DEVICE))
    assert tf.config.experimental.get_device_details(gpu) == {
        "device_name": "from the runtime",
        "compute_capability": (8, 0),
    }


def test_real_bindings_answer_or_give_none():
    # With the real package: None without a driver or a device (as on the CI machines), never
    # an exception; a full answer where a GPU exists.
    pytest.importorskip("cuda.bindings")
    _cuda_driver._driver.cache_clear()
    props = _cuda_driver.gpu_properties(0)
    if tf.config.list_physical_devices("GPU"):
        assert props["compute_capability"] >= (8, 0) and props["total_memory"] > 0
    else:
        assert props is None or set(props) == {"device_name", "compute_capability", "total_memory"}
