"""The `.keras` zip, read defensively, and files written atomically.

    config.json        the model's config (serialization_lib)
    metadata.json      {"keras_version": ..., "date_saved": ...}
    model.weights.h5   the variables (h5_store)

Reading checks the whole archive before using it: a file that is not a zip, member names
that could escape a folder (`../x`, `/etc/x`, `C:x`, backslashes) or appear twice, too many
members, members larger than their limit and "zip bombs" (a member expanding more than
100x) raise ValueError; nothing is ever extracted to disk.

Writing goes to a temporary file beside the target, renamed over it only once complete, so
a failed save never leaves a truncated file behind (and keeps the previous one).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import zipfile
import zlib

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras release whose `.keras` layout tapeflow writes (Keras reads the version only to
# show it).
KERAS_FORMAT_VERSION = "3.15.1"

MAX_MEMBERS = 10_000
MAX_JSON_BYTES = 64 << 20  # a config of 64 MiB is far beyond any real model's
MAX_WEIGHTS_BYTES = 64 << 30
BOMB_FLOOR_BYTES = 64 << 20  # below this size any compression ratio is accepted
MAX_EXPANSION = 100

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


class ModelArchive:
    """A `.keras` zip opened for reading (a path or a binary file object)."""

    def __init__(self, source, label=None):
        self.label = label or (os.fspath(source) if not hasattr(source, "read") else "archive")
        try:
            self.zip = zipfile.ZipFile(source, "r")
        except _ZIP_ERRORS as error:
            raise ValueError(f"{self.label} is not a valid .keras (zip) file: {error}") from error
        try:
            self._check_members()
        except BaseException:
            self.zip.close()
            raise

    def _check_members(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError(
                f"{self.label}: the archive has {len(infos)} members, more than "
                f"the {MAX_MEMBERS} a model file may hold"
            )
        seen = set()
        for info in infos:
            name = info.filename
            parts = name.split("/")
            if (
                name.startswith("/")
                or "\\" in name
                or ":" in name
                or "\0" in name
                or any(part == ".." for part in parts)
            ):
                raise ValueError(
                    f"{self.label}: unsafe member path {name!r} in the archive "
                    "(absolute or escaping its folder)"
                )
            if name in seen:
                raise ValueError(f"{self.label}: member {name!r} appears twice in the archive")
            seen.add(name)

    def has(self, name: str) -> bool:
        return name in self.zip.NameToInfo

    def read(self, name: str, limit: int) -> bytes:
        """The bytes of member `name`, at most `limit` of them, bombs refused."""
        if not self.has(name):
            raise ValueError(
                f"{self.label}: the archive has no {name} (members: "
                f"{sorted(self.zip.NameToInfo)[:10]})"
            )
        info = self.zip.getinfo(name)
        if info.file_size > limit:
            raise ValueError(
                f"{self.label}: {name} is {info.file_size} bytes, more than the {limit} allowed"
            )
        if info.file_size > BOMB_FLOOR_BYTES and info.file_size > MAX_EXPANSION * max(
            info.compress_size, 1
        ):
            raise ValueError(
                f"{self.label}: {name} declares {info.file_size} bytes but "
                f"stores {info.compress_size}; refusing a potential zip bomb"
            )
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)
        except _ZIP_ERRORS as error:
            raise ValueError(f"{self.label}: cannot read {name}: {error}") from error
        if len(data) > limit:
            raise ValueError(f"{self.label}: {name} is larger than the {limit} bytes allowed")
        return data

    def read_json(self, name: str):
        data = self.read(name, MAX_JSON_BYTES)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ValueError(f"{self.label}: {name} is not valid JSON: {error}") from error

    def weights_bytes(self) -> io.BytesIO:
        return io.BytesIO(self.read(WEIGHTS_FILENAME, MAX_WEIGHTS_BYTES))

    def close(self) -> None:
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def model_archive_bytes(config: dict, metadata: dict, weights: bytes) -> bytes:
    """The `.keras` zip holding these three members (stored uncompressed, as Keras does)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(METADATA_FILENAME, json.dumps(metadata))
        archive.writestr(CONFIG_FILENAME, json.dumps(config))
        archive.writestr(WEIGHTS_FILENAME, weights)
    return buffer.getvalue()


def write_atomically(path: str, data: bytes) -> None:
    """Writes `data` to `path` through a temporary file renamed over it once complete."""
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    if "umask" not in _cache:
        current = os.umask(0o022)
        os.umask(current)
        _cache["umask"] = current
    return _cache["umask"]


_cache: dict = {}


def is_zip(path: str) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False
