"""``keras.callbacks.TensorBoard``: logs for `tensorboard --logdir logs` (section 7.3.4).

    tensorboard = keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)
    model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[tensorboard])

What it writes, as Keras 3 does (one event file per run folder):

    logs/train/        epoch_loss, epoch_accuracy, ..., epoch_learning_rate   step = epoch
                       batch_loss, ...       every `update_freq` batches      step = batch count
                       <layer>/<weight>/histogram (and /image)                every histogram_freq
                       the layer graph (write_graph)
    logs/validation/   epoch_loss, ...  (the `val_` logs without the prefix)  step = epoch
                       evaluation_loss_vs_iterations, ...                      step = optimizer
                                                                                 iterations
Needs the `tensorboard` package (`pip install tapeflow[tensorboard]`); TensorFlow is not needed.
"""

from __future__ import annotations

import os
import time

import numpy as np

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.tensorboard_events import EventWriter, require_tensorboard


class TensorBoard(Callback):
    """Writes metrics, weight histograms and the model's layer graph for TensorBoard.

    Args:
        log_dir: the folder of the logs; `train/` and `validation/` are made inside it.
        histogram_freq: write a histogram of every weight every this many epochs (0: never).
        write_graph: write the graph of layers (Sequential and Functional models).
        write_images: also write each weight as an image when histograms are written.
        write_steps_per_second: also log the training steps per second.
        update_freq: "epoch" (scalars per epoch only), "batch" (also every batch) or an
            integer N (also every N batches).
        profile_batch: must be 0 (profiling needs the TensorFlow or JAX runtime).
        embeddings_freq, embeddings_metadata: must be 0 / None (the projector reads
            TensorFlow checkpoints).
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        require_tensorboard()
        if (
            isinstance(histogram_freq, bool)
            or not isinstance(histogram_freq, int)
            or histogram_freq < 0
        ):
            raise ValueError(
                f"TensorBoard: histogram_freq must be an integer >= 0, received {histogram_freq!r}"
            )
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (
            isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1
        ):
            raise ValueError(
                f"TensorBoard: update_freq must be 'epoch', 'batch' or an integer "
                f">= 1, received {update_freq!r}"
            )
        if profile_batch:
            raise ValueError(
                "Profiling is not available with the tapeflow backend. Received: "
                f"profile_batch={profile_batch!r} (must be 0)"
            )
        if embeddings_freq or embeddings_metadata is not None:
            raise ValueError(
                "TensorBoard: embeddings are not available with the tapeflow "
                f"backend. Received: embeddings_freq={embeddings_freq!r}, "
                f"embeddings_metadata={embeddings_metadata!r} (must be 0, None)"
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers = {}  # "train" / "validation" -> EventWriter, opened on first use
        self._should_write_graph = False
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0

    # -- writers -----------------------------------------------------------------------------
    def _writer(self, run: str) -> EventWriter:
        if run not in self._writers:
            self._writers[run] = EventWriter(os.path.join(self.log_dir, run))
        return self._writers[run]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model):
        super().set_model(model)
        self._close_writers()
        # Written after the first training batch, when a Sequential knows its shapes.
        self._should_write_graph = self.write_graph

    # -- hooks -------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_time = time.time()
            self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self._should_write_graph:
            self._should_write_graph = False
            graph_def = model_graph_def(self.model)
            if graph_def is not None:
                self._writer("train").graph(graph_def)
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        writer, step = self._writer("train"), self._global_train_batch
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            writer.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in _scalars(logs):
            writer.scalar("batch_" + name, value, step)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        writer, step = self._writer("validation"), self._iterations()
        for name, value in _scalars(logs):
            writer.scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()  # evaluate() has no on_train_end to close the writer

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[len("val_") :]: v for k, v in logs.items() if k.startswith("val_")}
        learning_rate = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        if learning_rate is not None:
            train["learning_rate"] = float(np.asarray(learning_rate))
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (
                self._iterations() - self._epoch_start_iterations
            ) / elapsed
        for run, values in (("train", train), ("validation", validation)):
            if values:
                writer = self._writer(run)
                for name, value in _scalars(values):
                    writer.scalar("epoch_" + name, value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                path = weight.name.split(":")[0]  # "dense/kernel:0" -> "dense/kernel"
                values = np.asarray(weight)
                writer.histogram(f"{path}/histogram", values, epoch)
                if self.write_images:
                    images = _weight_as_images(values)
                    if images is not None:
                        writer.image(f"{path}/image", images, epoch)

    def _iterations(self) -> int:
        return int(np.asarray(self.model.optimizer.iterations))


def _scalars(logs):
    """(name, value) for the logs that are single numbers (per-class arrays are left out)."""
    for name, value in (logs or {}).items():
        if np.size(value) == 1 and np.asarray(value).dtype.kind in "biuf":
            yield name, float(np.asarray(value).reshape(()))


def _weight_as_images(values: np.ndarray):
    """A weight as a batch of (k, h, w, 1) images, as Keras draws them: a bias as one column, a
    kernel as one image (wider than tall), a 3-D kernel as one image per channel; None when
    the weight has no such picture."""
    values = np.squeeze(values)
    if values.ndim == 1:
        return values.reshape(1, -1, 1, 1)
    if values.ndim == 2:
        if values.shape[0] > values.shape[1]:
            values = values.T
        return values.reshape(1, values.shape[0], values.shape[1], 1)
    if values.ndim == 3:  # (h, w, channels) -> one image per channel
        return np.transpose(values, (2, 0, 1))[..., np.newaxis]
    if values.ndim == 4 and values.shape[-1] in (1, 3, 4):
        return values
    return None


def model_graph_def(model):
    """The layer graph of a Sequential or Functional model as a GraphDef: one node per layer
    (op = its class), inputs from the layers feeding it, `_output_shapes` when known so
    TensorBoard labels the edges. None for subclassed models, which have no graph."""
    from tensorboard.compat.proto import attr_value_pb2, graph_pb2, tensor_shape_pb2

    from tapeflow.keras.utils.model_visualization import layer_connections

    connections = layer_connections(model)
    if connections is None:
        return None
    graph = graph_pb2.GraphDef()
    for layer, sources in connections:
        node = graph.node.add(
            name=layer.name, op=type(layer).__name__, input=[source.name for source in sources]
        )
        shape = _first_output_shape(layer)
        if shape is not None:
            dims = [
                tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in shape
            ]
            node.attr["_output_shapes"].CopyFrom(
                attr_value_pb2.AttrValue(
                    list=attr_value_pb2.AttrValue.ListValue(
                        shape=[tensor_shape_pb2.TensorShapeProto(dim=dims)]
                    )
                )
            )
    return graph


def _first_output_shape(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes or len(nodes[0].output_tensors) != 1:
        return None
    return nodes[0].output_tensors[0].shape
