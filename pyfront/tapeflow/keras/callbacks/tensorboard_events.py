"""Event files for TensorBoard, written with the `tensorboard` package (no TensorFlow needed).

    writer = EventWriter("logs/train")
    writer.scalar("epoch_loss", 0.31, step=0)
    writer.histogram("dense/kernel/histogram", kernel, step=0)
    writer.close()

An event file (`events.out.tfevents.<time>.<host>...`) is a sequence of `Event` protocol
buffers in TFRecord framing; tensorboard's `EventFileWriter` does the framing, the checksums
and the background writing. The summaries are built exactly as TensorFlow 2's `tf.summary`
writes them: scalars as float32 tensors tagged for the "scalars" plugin, histograms as
(buckets, 3) float64 tensors [left edge, right edge, count] for "histograms", images as the
string tensor [width, height, png, ...] for "images", so TensorBoard shows them as it shows
a TensorFlow run's. `tensorboard` is an optional dependency: `require_tensorboard()` says how
to get it.
"""

from __future__ import annotations

import struct
import time
import zlib

import numpy as np

_INSTALL_HINT = (
    "keras.callbacks.TensorBoard writes its logs with the `tensorboard` package, which is not "
    "installed. Install it with `pip install tensorboard` (or `pip install tapeflow[tensorboard]`)."
)


def require_tensorboard() -> None:
    """Raises ImportError naming the `tensorboard` package when it cannot be imported."""
    try:
        import tensorboard.summary.writer.event_file_writer  # noqa: F401
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error


class EventWriter:
    """One event file in `logdir` (created, with its parents, on construction)."""

    def __init__(self, logdir: str):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        self.logdir = logdir
        self._file = EventFileWriter(logdir)

    def scalar(self, tag: str, value, step: int) -> None:
        from tensorboard.plugins.scalar.summary_v2 import scalar_pb

        self._write(scalar_pb(tag, np.asarray(value, dtype=np.float32)), step)

    def histogram(self, tag: str, values, step: int, buckets: int = 30) -> None:
        """`values` of any shape, counted in `buckets` equal-width buckets between their
        minimum and maximum (tf.summary.histogram's rule)."""
        from tensorboard.plugins.histogram.summary_v2 import histogram_pb

        self._write(histogram_pb(tag, np.asarray(values, dtype=np.float64), buckets), step)

    def image(self, tag: str, images, step: int, max_outputs: int = 3) -> None:
        """`images` (k, h, w, c) with c in {1, 3, 4}: floats are clipped to [0, 1] and scaled
        to 0..255, as tf.summary.image does; the first `max_outputs` are written as PNG."""
        from tensorboard.compat.proto import summary_pb2
        from tensorboard.plugins.image.metadata import create_summary_metadata
        from tensorboard.util.tensor_util import make_tensor_proto

        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
            raise ValueError(
                f"image summary {tag!r}: expected images shaped (k, h, w, c) "
                f"with c in (1, 3, 4), received shape {images.shape}"
            )
        if images.dtype.kind == "f":
            images = np.round(np.clip(images, 0.0, 1.0) * 255.0)
        pixels = np.clip(images, 0, 255).astype(np.uint8)
        _, height, width, _ = pixels.shape
        strings = [str(width).encode(), str(height).encode()]
        strings += [encode_png(picture) for picture in pixels[:max_outputs]]
        summary = summary_pb2.Summary()
        summary.value.add(
            tag=tag,
            metadata=create_summary_metadata(None, None),
            tensor=make_tensor_proto(np.array(strings, dtype=object)),
        )
        self._write(summary, step)

    def graph(self, graph_def) -> None:
        """A GraphDef proto, shown by TensorBoard's Graphs dashboard."""
        from tensorboard.compat.proto import event_pb2

        self._file.add_event(
            event_pb2.Event(wall_time=time.time(), graph_def=graph_def.SerializeToString())
        )

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def _write(self, summary, step: int) -> None:
        from tensorboard.compat.proto import event_pb2

        self._file.add_event(
            event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary)
        )


def encode_png(pixels: np.ndarray) -> bytes:
    """A (h, w, c) uint8 array as PNG bytes (c = 1 grey, 3 RGB, 4 RGBA; 8 bits, no filter)."""
    height, width, channels = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    # Each row is prefixed by its filter type (0: none).
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes()))
        + chunk(b"IEND", b"")
    )
