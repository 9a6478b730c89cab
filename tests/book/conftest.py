import os
import sys

import pytest

import tapeflow as tf

# The book's datasets (and their offline stand-ins) have one home: examples/book_data.py.
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "examples")
sys.path.insert(0, os.path.abspath(EXAMPLES))


@pytest.fixture(autouse=True)
def unseeded_afterwards():
    """The book tests seed tf.random (keras.utils.set_random_seed); later tests start unseeded."""
    yield
    tf.random.set_seed(None)
