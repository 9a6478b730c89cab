"""``keras.utils``: helpers around the training loop.

keras.utils.get_file("mnist.npz", origin=URL, file_hash=SHA256)   # cached, verified download
"""

from tapeflow.keras.utils.file_utils import get_file

__all__ = ["get_file"]
