"""save_model / load_model / save_weights / load_weights (`model.save`, `model.load_weights`,
`keras.models.load_model`).

    model.save("model.keras")                         # config + weights + optimizer state
    model = keras.models.load_model("model.keras")    # compiled again, training resumes
    model.save_weights("model.weights.h5")            # the variables only
    model.load_weights("model.weights.h5")

Paths follow Keras 3: a model file ends in `.keras`, a weights file in `.weights.h5`.
NOTE (a deliberate Keras 2 compatibility deviation): a path with no suffix at all, such as the
book's `model.save('my_checkpoint_path')` or `ModelCheckpoint(filepath='my_checkpoint_path')`
(Keras 2 wrote a SavedModel folder there), gets the `.keras` zip written at exactly that
path, and load_model / load_weights recognise such a file as a zip whatever its name.
The legacy `.h5` full-model format and TensorFlow SavedModel folders are not supported.
"""

from __future__ import annotations

import datetime
import io
import os
import warnings

from tapeflow.keras.saving import archive, h5_store, serialization_lib, state


# -- whole models ----------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs) -> None:
    """Writes `model` as a `.keras` zip to `filepath` (a path or a binary file object)."""
    _check_model(model, "save")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    if zipped is False:
        raise ValueError(
            "zipped=False (an unzipped model folder) is not supported; save a `.keras` zip"
        )
    if not hasattr(filepath, "write"):
        filepath = _model_path(filepath)
        if not _may_overwrite(filepath, overwrite):
            return
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built: it has no weights "
            "yet. Build it (call it on data or call build()) before saving.",
            stacklevel=3,
        )
    config = serialization_lib.serialize_keras_object(model)
    metadata = {
        "keras_version": archive.KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    data = archive.model_archive_bytes(config, metadata, _weights_bytes(model, "model file"))
    if hasattr(filepath, "write"):
        filepath.write(data)
    else:
        archive.write_atomically(filepath, data)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file (a path or a binary file object), with its weights
    and, when `compile`, its compile() settings and optimizer state.

    Args:
        custom_objects: a dict name -> class or function for the user objects it names.
        compile: restore compile() (loss, metrics, optimizer and its state).
        safe_mode: refuse Lambda layers, whose function is found by module and name.
    """
    label = "the model file" if hasattr(filepath, "read") else os.fspath(filepath)
    if not hasattr(filepath, "read"):
        _check_readable_model(label)
    with archive.ModelArchive(filepath, label) as model_archive:
        config = model_archive.read_json(archive.CONFIG_FILENAME)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"{label}: config.json does not describe a model: "
                f"{serialization_lib._short(config)}"
            )
        if not compile:
            config.pop("compile_config", None)
        model = serialization_lib.deserialize_keras_object(config, custom_objects, safe_mode)
        if not hasattr(model, "load_own_variables"):
            raise ValueError(
                f"{label}: config.json describes a {type(model).__name__}, not a model"
            )
        weights = model_archive.weights_bytes()
    label = f"{label}: {archive.WEIGHTS_FILENAME}"
    _load_weights_from(model, h5_store.WeightsFile(weights, "r", label))
    return model


# -- weights only ----------------------------------------------------------------------------
def save_weights(model, filepath, overwrite=True, max_shard_size=None) -> None:
    """Writes the variables of `model` (and its optimizer) to a `.weights.h5` file."""
    _check_model(model, "save_weights")
    filepath = os.fspath(filepath)
    if max_shard_size is not None:
        raise ValueError("Sharded weights (max_shard_size) are not supported")
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    if not model.built:
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the "
            "model first by calling it on some data or by using `build()`."
        )
    if _may_overwrite(filepath, overwrite):
        archive.write_atomically(filepath, _weights_bytes(model, filepath))


def load_weights(model, filepath, skip_mismatch=False, **kwargs) -> None:
    """Loads the variables saved by save_weights (`.weights.h5`) or save (`.keras`, or the
    suffix-less compat file) into `model`. On a mismatch nothing is changed and ValueError
    is raised, unless `skip_mismatch`, which loads what matches and warns about the rest."""
    _check_model(model, "load_weights")
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {sorted(kwargs)}")
    filepath = os.fspath(filepath)
    if not model.built:
        raise ValueError(
            "You are loading weights into a model that has not yet been built. "
            "Try building the model first by calling it on some data or by "
            "using `build()`."
        )
    if not os.path.isfile(filepath):
        raise ValueError(f"File not found: filepath={filepath}")
    if filepath.endswith(".weights.h5"):
        weights = h5_store.WeightsFile(filepath, "r", filepath)
    elif filepath.endswith(".keras") or archive.is_zip(filepath):
        with archive.ModelArchive(filepath) as model_archive:
            data = model_archive.weights_bytes()
        weights = h5_store.WeightsFile(data, "r", f"{filepath}: {archive.WEIGHTS_FILENAME}")
    else:
        raise ValueError(
            f"File format not supported: filepath={filepath}. tapeflow reads "
            "`.keras` and `.weights.h5` files (legacy `.h5` files are not "
            "supported)."
        )
    _load_weights_from(model, weights, skip_mismatch)


# -- helpers ---------------------------------------------------------------------------------
def _weights_bytes(model, label: str) -> bytes:
    buffer = io.BytesIO()
    with h5_store.WeightsFile(buffer, "w", label) as weights:
        state.save_state(model, weights)
    return buffer.getvalue()


def _load_weights_from(model, weights, skip_mismatch=False) -> None:
    """Loads every saveable of `model`; all or nothing unless `skip_mismatch`."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built and model.built:
        optimizer.build(model.trainable_variables)  # so that its saved slots have a home
    backup = [(v, v.numpy()) for v in _all_variables(model)]
    with weights:
        errors = state.load_state(model, weights)
    if not errors:
        return
    failed = [f"{getattr(obj, 'name', obj)} (at {path})" for path, obj, _ in errors]
    message = (
        f"{len(errors)} object(s) could not be loaded: {failed}. First error, at "
        f"{errors[0][0]}: {errors[0][2]}"
    )
    if skip_mismatch:
        warnings.warn(message, stacklevel=3)
        return
    for variable, value in backup:
        variable.assign(value)
    raise ValueError(message)


def _all_variables(model) -> list:
    variables = list(model.weights) if model.built else []
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        variables.extend(optimizer.variables)
    return variables


def _check_model(model, what: str) -> None:
    from tapeflow.keras.layers.layer import Layer

    if not isinstance(model, Layer):
        raise TypeError(f"{what}: expected a keras Model, received {type(model).__name__}")


def _model_path(filepath) -> str:
    path = os.fspath(filepath)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if path.endswith(".keras") or has_no_suffix(path):
        if os.path.isdir(path):
            raise ValueError(
                f"Cannot save the model to {path}: it is an existing directory "
                "(tapeflow writes a `.keras` zip file, not a SavedModel folder)"
            )
        return path
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"The legacy HDF5 model format is not supported (filepath={path}): "
            "use a `.keras` extension"
        )
    raise ValueError(
        "Invalid filepath extension for saving. Please add a `.keras` extension "
        f"for the native Keras format. Received: filepath={path}"
    )


def has_no_suffix(path: str) -> bool:
    """Whether the last component of `path` has no suffix ('my_checkpoint_path'): the Keras 2
    compat case of the module docstring."""
    name = os.path.basename(path.rstrip(os.sep))
    return bool(name) and "." not in name.lstrip(".")


def _check_readable_model(path: str) -> None:
    if os.path.isdir(path):
        raise ValueError(
            f"{path} is a directory: tapeflow loads `.keras` zip files (a "
            "TensorFlow SavedModel folder is not supported)"
        )
    if not os.path.isfile(path):
        raise ValueError(
            f"File not found: filepath={path}. Please ensure the file is an "
            "accessible `.keras` zip file."
        )
    if path.endswith(".keras") or archive.is_zip(path):
        return
    if path.endswith(".weights.h5"):
        raise ValueError(
            f"{path} holds weights only: build the model and call model.load_weights() on it"
        )
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(f"The legacy HDF5 model format is not supported: filepath={path}")
    raise ValueError(
        f"File format not supported: filepath={path}. tapeflow loads `.keras` zip files."
    )


def _may_overwrite(path: str, overwrite: bool) -> bool:
    if overwrite or not os.path.exists(path):
        return True
    try:
        answer = input(f"[WARNING] {path} already exists - overwrite? [y/n] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
