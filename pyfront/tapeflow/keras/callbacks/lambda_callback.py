"""``keras.callbacks.LambdaCallback``: a callback made of plain functions.

    keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]),
        on_train_end=lambda logs: log_file.close(),
    )

Each function takes the hook's arguments: `(epoch, logs)`, `(batch, logs)` or `(logs)`.
"""

from __future__ import annotations

from tapeflow.keras.callbacks.callback import Callback

_HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))


class LambdaCallback(Callback):
    """Calls the given functions at the matching hooks.

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.
        on_train_batch_begin, on_train_batch_end: `f(batch, logs)`.
        **kwargs: any other hook by name (`on_test_end=f`, `on_batch_end=f`, ...).
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_HOOKS))
        if unknown:
            raise ValueError(
                f"LambdaCallback: unknown hook(s) {unknown}; the hooks are {list(_HOOKS)}"
            )
        hooks = dict(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
            **kwargs,
        )
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)  # the instance attribute shadows the method
