"""``tf.data``: input pipelines (Dataset), run eagerly.

    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024).batch(32)
"""

from types import SimpleNamespace

from tapeflow.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

experimental = SimpleNamespace(AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE_CARDINALITY,
                               UNKNOWN_CARDINALITY=UNKNOWN_CARDINALITY)

__all__ = ["AUTOTUNE", "Dataset", "experimental"]
