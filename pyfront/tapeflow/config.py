"""``tf.config``: threading, devices and device memory (placement rules: tapeflow/_device.py)."""

from __future__ import annotations

from types import SimpleNamespace

from tapeflow import _C, _cuda_driver, _device


def _set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Threads used inside one kernel; 0 means one per hardware thread (the default)."""
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 0:
        raise ValueError(f"num_threads must be a non-negative int, got {num_threads!r}")
    _C.set_num_threads(num_threads)


def _get_intra_op_parallelism_threads() -> int:
    return _C.num_threads()


def _set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Accepted for compatibility: tapeflow runs one op at a time."""
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 0:
        raise ValueError(f"num_threads must be a non-negative int, got {num_threads!r}")


threading = SimpleNamespace(
    set_intra_op_parallelism_threads=_set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=_get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=_set_inter_op_parallelism_threads,
    get_inter_op_parallelism_threads=lambda: 1,
)


class PhysicalDevice(SimpleNamespace):
    def __repr__(self) -> str:
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"


class LogicalDevice(SimpleNamespace):
    def __repr__(self) -> str:
        return f"LogicalDevice(name='{self.name}', device_type='{self.device_type}')"


def _filtered(devices: list, device_type: str | None) -> list:
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


def list_physical_devices(device_type: str | None = None) -> list:
    """The CPU and every GPU the CUDA runtime sees (none without a CUDA build, a driver or a
    GPU, so ``list_physical_devices("GPU") == []`` means everything runs on the CPU)."""
    devices = [PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")]
    devices += [PhysicalDevice(name=f"/physical_device:GPU:{i}", device_type="GPU")
                for i in range(_C.physical_gpu_count())]
    return _filtered(devices, device_type)


def get_visible_devices(device_type: str | None = None) -> list:
    gpus = _C.visible_gpu_count()
    return [d for d in list_physical_devices(device_type)
            if d.device_type == "CPU" or int(d.name.rsplit(":", 1)[1]) < gpus]


def set_visible_devices(devices, device_type: str | None = None) -> None:
    """Hides the GPUs when `devices` lists none (the common ``set_visible_devices([], "GPU")``);
    listing every GPU keeps them. Must come before any tensor lives on a GPU."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in devices:
        if not isinstance(d, PhysicalDevice):
            raise TypeError(f"set_visible_devices expects PhysicalDevice objects, got {d!r}")
    gpus = {d.name for d in devices if d.device_type == "GPU"}
    if device_type not in (None, "GPU", "gpu"):
        return
    everyone = {d.name for d in list_physical_devices("GPU")}
    if gpus == everyone:
        return
    if gpus:
        raise ValueError("tapeflow can show all GPUs or none; set CUDA_VISIBLE_DEVICES before "
                         "starting Python to choose a subset")
    if any(_C.gpu_memory_info(i)["device_allocations"] for i in range(_C.visible_gpu_count())):
        raise RuntimeError("Visible devices cannot be modified after being initialized")
    _C.hide_gpus()


def list_logical_devices(device_type: str | None = None) -> list:
    devices = [LogicalDevice(name="/device:CPU:0", device_type="CPU")]
    devices += [LogicalDevice(name=f"/device:GPU:{i}", device_type="GPU")
                for i in range(_C.visible_gpu_count())]
    return _filtered(devices, device_type)


def _gpu_index(device) -> int:
    """The index of the visible GPU `device` names ("GPU:0", "/device:GPU:1", a device object)."""
    name = device.name.replace("physical_device:", "device:") if hasattr(device, "name") else device
    parsed = _device.parse(name)
    if parsed is None or parsed[0] != "GPU":
        raise ValueError(f"{device!r} is not a GPU: memory information and settings exist for "
                         "GPUs only")
    if parsed[1] >= _C.visible_gpu_count():
        raise ValueError(f"No device found with the given device name {device!r} "
                         f"({_C.visible_gpu_count()} GPU(s) visible)")
    return parsed[1]


def _get_memory_info(device: str) -> dict:
    """{"current": bytes held by tensors now, "peak": the most held since the last reset}."""
    info = _C.gpu_memory_info(_gpu_index(device))
    return {"current": info["current"], "peak": info["peak"]}


def _reset_memory_stats(device: str) -> None:
    _C.reset_gpu_peak_memory(_gpu_index(device))


def _get_device_details(device) -> dict:
    """{"device_name", "compute_capability"} of a GPU, through cuda-python's driver bindings when
    installed (tapeflow[cuda]), else the compiled module's runtime; {} for the CPU."""
    if device.device_type != "GPU":
        return {}
    index = _gpu_index(device)
    props = _cuda_driver.gpu_properties(index) or _C.gpu_properties(index)
    return {"device_name": props["device_name"], "compute_capability": props["compute_capability"]}


def _set_memory_growth(device, enable: bool) -> None:
    """Accepted for GPUs: tapeflow's device allocator always grows on demand."""
    _gpu_index(device)


def _get_memory_growth(device) -> bool:
    _gpu_index(device)
    return True


_tf32 = {"enabled": False}


def _enable_tensor_float_32_execution(enabled: bool) -> None:
    """TensorFloat-32 tensor cores for large float32 matmuls on the GPU: inputs rounded to 10
    mantissa bits, products summed in float32. Off by default: tapeflow keeps float32 results
    exact unless asked (TensorFlow turns it on by default)."""
    _tf32["enabled"] = bool(enabled)
    if _C.built_with_cuda:
        _C.set_tf32_enabled(bool(enabled))


def _tensor_float_32_execution_enabled() -> bool:
    return _tf32["enabled"]


experimental = SimpleNamespace(
    enable_tensor_float_32_execution=_enable_tensor_float_32_execution,
    tensor_float_32_execution_enabled=_tensor_float_32_execution_enabled,
    get_memory_info=_get_memory_info,
    reset_memory_stats=_reset_memory_stats,
    get_device_details=_get_device_details,
    set_memory_growth=_set_memory_growth,
    get_memory_growth=_get_memory_growth,
    list_physical_devices=list_physical_devices,
    get_visible_devices=get_visible_devices,
    set_visible_devices=set_visible_devices,
)

set_soft_device_placement = _device.set_soft_device_placement
get_soft_device_placement = _device.get_soft_device_placement


def cpu_isa() -> str:
    """The instruction set the CPU kernels run with: 'avx512', 'avx2' or 'generic'."""
    return _C.cpu_isa()


_functions_run_eagerly = [False]  # read by tapeflow/function.py at every call


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Makes every tf.function run its Python eagerly (True) instead of a traced program."""
    _functions_run_eagerly[0] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    return _functions_run_eagerly[0]
