"""``tf.config``: threading and device queries."""

from __future__ import annotations

from types import SimpleNamespace

from tapeflow import _C


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


def list_physical_devices(device_type: str | None = None) -> list:
    """The CPU (this build has no GPU backend yet)."""
    devices = [PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


def cpu_isa() -> str:
    """The instruction set the CPU kernels run with: 'avx512', 'avx2' or 'generic'."""
    return _C.cpu_isa()
