"""``tapeflow.keras`` (also ``tf.keras``): the Keras API on top of tapeflow's ops.

    from tapeflow import keras
    from tapeflow.keras import layers

The leaf modules (backend, activations, initializers, regularizers, losses, metrics,
optimizers), datasets and utils are imported here; layers, models, callbacks and saving are
added below them by their own packages.
"""

from tapeflow.keras import (
    activations,
    backend,
    datasets,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
    utils,
)
from tapeflow.keras.losses import Loss
from tapeflow.keras.metrics import Metric
from tapeflow.keras.optimizers import Optimizer

# -- layers, models, callbacks, ... (added by their packages) ---------------------------------
