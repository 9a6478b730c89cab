"""``keras.utils``: the progress bar, data helpers and downloads.

keras.utils.to_categorical(labels)   # one-hot float32 rows
keras.utils.Progbar(target=100)      # the bar fit prints
keras.utils.get_file("mnist.npz", origin=URL, file_hash=SHA256)   # cached, verified download
keras.utils.plot_model(model, "model.png", show_shapes=True)       # needs pydot + graphviz
"""

from tapeflow.keras.utils.file_utils import get_file
from tapeflow.keras.utils.model_visualization import model_to_dot, plot_model
from tapeflow.keras.utils.numerical_utils import to_categorical
from tapeflow.keras.utils.progbar import Progbar

__all__ = ["Progbar", "get_file", "model_to_dot", "plot_model", "to_categorical"]
