"""``keras.utils.set_random_seed``: one call that makes a training run repeatable.

keras.utils.set_random_seed(1337)   # Python's random, NumPy's global generator, tf.random
"""

from __future__ import annotations

import random

import numpy as np

from tapeflow.ops import random as _tf_random


def set_random_seed(seed) -> None:
    """Seeds Python's `random`, NumPy's global generator (which `fit` shuffles with) and
    tapeflow's global seed (`tf.random.set_seed`: initializers, dropout, random ops).

    Args:
        seed: an int in [0, 2**32).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
            f"(of type {type(seed).__name__})"
        )
    if not 0 <= seed < 2**32:
        raise ValueError(f"`seed` must be in [0, 2**32), received: seed={seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 -- the global generator is the one Keras seeds
    _tf_random.set_seed(seed)
