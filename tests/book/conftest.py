import pytest

import tapeflow as tf


@pytest.fixture(autouse=True)
def unseeded_afterwards():
    """The book tests seed tf.random (keras.utils.set_random_seed); later tests start unseeded."""
    yield
    tf.random.set_seed(None)
