import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # makes tests/op_table importable


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _default_device():
    """Tests pin new tensors to one device so that they check the same thing on every machine:
    the CPU, or the device named by TAPEFLOW_TEST_DEVICE (e.g. "/GPU:0", to run the whole suite
    through the CUDA backend). tests/test_cuda.py overrides this to test placement itself."""
    import tapeflow as tf

    with tf.device(os.environ.get("TAPEFLOW_TEST_DEVICE", "/CPU:0")):
        yield
