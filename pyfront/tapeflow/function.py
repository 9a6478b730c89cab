"""``tf.function``: accepted as a decorator (bare or with arguments) so TensorFlow code runs
unchanged; for now the function runs eagerly, op by op, every time it is called.

    @tf.function
    def train_step(inputs, targets): ...

    @tf.function(jit_compile=True)
    def test_step(inputs, targets): ...
"""

from __future__ import annotations

import functools


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Returns `func` wrapped to run eagerly (the decorated object keeps `__wrapped__`,
    `python_function` and, on methods, binds `self` as usual)."""
    if func is None:
        return functools.partial(function, input_signature=input_signature,
                                 autograph=autograph, jit_compile=jit_compile,
                                 reduce_retracing=reduce_retracing)
    if not callable(func):
        raise TypeError(f"tf.function: expected a callable, received {type(func).__name__}")

    @functools.wraps(func)
    def eager(*args, **kwargs):
        return func(*args, **kwargs)

    eager.python_function = func
    return eager


__all__ = ["function"]
