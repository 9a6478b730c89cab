"""The optional window on the CUDA driver: cuda-python's ``cuda.bindings`` (``pip install
tapeflow[cuda]``).

When the package is importable and a driver answers, ``tf.config`` reads GPU names, compute
capabilities and memory sizes through it (and later NVRTC will compile fused kernels through
it). Without the package, a driver or a GPU, :func:`gpu_properties` returns None and the
compiled module's own CUDA runtime queries answer instead; the results are the same either way.

Which GPUs exist is always the compiled module's answer (``_C.physical_gpu_count``): it counts
only the GPUs its kernels were built for (compute capability 8.0 and up), in the driver's order,
so GPU ``i`` here is device ordinal ``i`` of the driver.
"""

from __future__ import annotations

import functools


@functools.cache
def _driver():
    """``cuda.bindings.driver`` once ``cuInit`` succeeded; None without the package or a driver."""
    try:
        from cuda.bindings import driver
    except ImportError:
        return None
    try:
        (error,) = driver.cuInit(0)
    except RuntimeError:  # cuda.pathfinder: the driver library (libcuda) is not installed
        return None
    return driver if error == driver.CUresult.CUDA_SUCCESS else None


def available() -> bool:
    """Whether cuda.bindings is importable and the driver initialised."""
    return _driver() is not None


def _checked(driver, result):
    """The values of a cuda.bindings call (its first item is the CUresult), or None on error."""
    if result[0] != driver.CUresult.CUDA_SUCCESS:
        return None
    return result[1] if len(result) == 2 else result[1:]


def gpu_properties(index: int) -> dict | None:
    """{"device_name", "compute_capability", "total_memory"} of driver ordinal `index`, or None
    when the driver cannot be asked (then the compiled module's runtime answers)."""
    driver = _driver()
    if driver is None:
        return None
    device = _checked(driver, driver.cuDeviceGet(index))
    if device is None:
        return None
    attribute = driver.CUdevice_attribute
    name = _checked(driver, driver.cuDeviceGetName(256, device))
    major = _checked(
        driver,
        driver.cuDeviceGetAttribute(attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
    )
    minor = _checked(
        driver,
        driver.cuDeviceGetAttribute(attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
    )
    total = _checked(driver, driver.cuDeviceTotalMem(device))
    if None in (name, major, minor, total):
        return None
    return {
        "device_name": name.split(b"\0", 1)[0].decode(errors="replace"),
        "compute_capability": (int(major), int(minor)),
        "total_memory": int(total),
    }
