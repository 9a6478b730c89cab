"""``keras.utils``: the progress bar and data helpers.

keras.utils.to_categorical(labels)   # one-hot float32 rows
keras.utils.Progbar(target=100)      # the bar fit prints
"""

from tapeflow.keras.utils.numerical_utils import to_categorical
from tapeflow.keras.utils.progbar import Progbar
