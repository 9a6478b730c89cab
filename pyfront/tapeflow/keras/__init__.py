"""``tapeflow.keras`` (also ``tf.keras``): the Keras API on top of tapeflow's ops.

    from tapeflow import keras
    from tapeflow.keras import layers

The leaf modules (backend, activations, constraints, initializers, regularizers, losses, metrics,
optimizers) are imported here; layers, models, callbacks, datasets, utils and saving are added
below them by their own packages.
"""

# -- layers, models, callbacks, ... (added by their packages) ---------------------------------
from tapeflow.keras import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    saving,
    utils,
)
from tapeflow.keras.layers import Input
from tapeflow.keras.losses import Loss
from tapeflow.keras.metrics import Metric
from tapeflow.keras.models import Model, Sequential
from tapeflow.keras.optimizers import Optimizer
