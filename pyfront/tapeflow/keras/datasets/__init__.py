"""``keras.datasets``: the small datasets Keras ships loaders for, downloaded once from Keras's
own files into ``~/.keras/datasets`` (or ``$KERAS_HOME/datasets``) and verified by hash.

    from tapeflow.keras.datasets import mnist, imdb
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)

Same files, arrays, dtypes, shapes and splits as Keras 3.
"""

from tapeflow.keras.datasets import boston_housing, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "fashion_mnist", "imdb", "mnist", "reuters"]
