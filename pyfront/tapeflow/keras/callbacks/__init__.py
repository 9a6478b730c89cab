"""``keras.callbacks``: objects that `fit`, `evaluate` and `predict` call at fixed points.

    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
        keras.callbacks.ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True),
    ]
    model.fit(x, y, epochs=10, validation_split=0.2, callbacks=callbacks)

Subclass `Callback` and override its `on_*` hooks for your own.
"""

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.callback_list import CallbackList
from tapeflow.keras.callbacks.csv_logger import CSVLogger
from tapeflow.keras.callbacks.early_stopping import EarlyStopping
from tapeflow.keras.callbacks.history import History
from tapeflow.keras.callbacks.lambda_callback import LambdaCallback
from tapeflow.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from tapeflow.keras.callbacks.model_checkpoint import ModelCheckpoint
from tapeflow.keras.callbacks.progbar_logger import ProgbarLogger
from tapeflow.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from tapeflow.keras.callbacks.tensorboard import TensorBoard
from tapeflow.keras.callbacks.terminate_on_nan import TerminateOnNaN
