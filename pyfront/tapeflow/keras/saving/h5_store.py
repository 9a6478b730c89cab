"""The weights file: HDF5 through h5py, laid out as Keras 3 lays it out.

    layers/dense/vars/0        (in, units)   kernel      (attrs of layers/dense/vars: name=dense)
    layers/dense/vars/1        (units,)      bias
    optimizer/vars/0 ...                     iterations, learning rate, then the slots
    vars                                     the model's own variables (attr name=<model>)

Each saveable object gets a `WeightsStore` for its `vars` group and reads or writes it like a
dict with keys "0", "1", ...

Reading is defensive (the file may be hostile): soft and external links, external and
virtual datasets, non-numeric dtypes, ranks above 12 and "shape bombs" (a dataset declaring
far more bytes than the file stores) raise ValueError before any data is read, and a file
h5py cannot parse raises ValueError too.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

_MAX_RANK = 12
# A dataset that declares more than this many bytes must store at least 1/_MAX_EXPANSION of
# them (real weights do, even compressed; a chunked dataset of fill values does not).
_BOMB_FLOOR_BYTES = 1 << 28
_MAX_EXPANSION = 1000


# What h5py raises on a damaged file (the HDF5 library checks its structures as it reads).
_HDF5_ERRORS = (OSError, RuntimeError, OverflowError, KeyError, TypeError)


@contextlib.contextmanager
def _reading(what: str, where: str):
    """Turns the HDF5 library's errors on a damaged file into ValueError."""
    try:
        yield
    except _HDF5_ERRORS as error:
        raise ValueError(f"{what}: damaged HDF5 data at {where!r} ({error})") from error


def _h5py():
    try:
        import h5py
    except ImportError as error:  # pragma: no cover - h5py is a dependency
        raise ImportError("Saving and loading weights needs h5py: pip install h5py") from error
    return h5py


class WeightsFile:
    """An open HDF5 weights file (a path or a file-like object), for writing or reading."""

    def __init__(self, target, mode: str, what: str = "weights file"):
        h5py = _h5py()
        self.what = what
        self.mode = mode
        try:
            self.file = h5py.File(target, mode)
        except _HDF5_ERRORS as error:
            raise ValueError(f"{what}: not a readable HDF5 file ({error})") from error

    def make(self, path: str, name) -> WeightsStore:
        """A store writing into `path/vars` (created now, with the attribute name=`name`)."""
        group = self.file.create_group(f"{path}/vars" if path else "vars")
        if isinstance(name, str):
            group.attrs["name"] = name
        return WeightsStore(group, path, self.what)

    def get(self, path: str) -> WeightsStore:
        """A store reading `path/vars` (empty when the file has no such group)."""
        where = f"{path}/vars" if path else "vars"
        with _reading(self.what, where):
            group = _safe_group(self.file, where, self.what)
        return WeightsStore(group, path, self.what)

    def close(self) -> None:
        with _reading(self.what, "(closing)"):
            self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class WeightsStore:
    """One object's `vars` group as a dict of arrays keyed "0", "1", ..."""

    def __init__(self, group, path: str, what: str):
        self.group = group
        self.path = path or "(root)"
        self.what = what

    def keys(self) -> list:
        with _reading(self.what, f"{self.path}/vars"):
            return [] if self.group is None else list(self.group.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key) -> bool:
        return key in self.keys()

    def __setitem__(self, key, value) -> None:
        self.group.create_dataset(key, data=np.asarray(value))

    def __getitem__(self, key) -> np.ndarray:
        if key not in self.keys():
            raise KeyError(f"{self.what}: no variable {key!r} under {self.path!r}")
        where = f"{self.path}/vars/{key}"
        with _reading(self.what, where):
            return _read_dataset(self.group, key, where, self.what)


def _safe_group(root, path: str, what: str):
    """The group at `path`, None if absent; links and non-groups on the way raise."""
    h5py = _h5py()
    current = root
    for part in path.split("/"):
        if not part:
            raise ValueError(f"{what}: invalid path {path!r}")
        if part not in current:
            return None
        link = current.get(part, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise ValueError(
                f"{what}: {path!r} goes through a {type(link).__name__}, which "
                "is not allowed (links can point outside the file)"
            )
        current = current[part]
        if not isinstance(current, h5py.Group):
            raise ValueError(f"{what}: expected a group at {path!r}, found a dataset")
    return current


def _read_dataset(group, key: str, where: str, what: str) -> np.ndarray:
    h5py = _h5py()
    link = group.get(key, getlink=True)
    if not isinstance(link, h5py.HardLink):
        raise ValueError(f"{what}: {where} is a {type(link).__name__}, which is not allowed")
    dataset = group[key]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"{what}: expected a dataset at {where}, found a group")
    if dataset.external:
        raise ValueError(
            f"{what}: {where} is an external dataset (its data lives in another "
            "file), which is not allowed"
        )
    if dataset.is_virtual:
        raise ValueError(f"{what}: {where} is a virtual dataset, which is not allowed")
    if dataset.dtype.kind not in "biuf":
        raise ValueError(f"{what}: {where} has dtype {dataset.dtype}, expected a numeric one")
    if dataset.shape is None or len(dataset.shape) > _MAX_RANK:
        raise ValueError(
            f"{what}: {where} has shape {dataset.shape}, expected at most {_MAX_RANK} dimensions"
        )
    declared = math.prod(dataset.shape) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * stored:
        raise ValueError(
            f"{what}: {where} declares {declared} bytes but stores only {stored}; "
            "refusing to load a potential decompression (shape) bomb"
        )
    return np.asarray(dataset[()])
