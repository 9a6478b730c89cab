"""Which object's variables go where in a weights file: Keras 3's walk of "saveables".

A saveable (a layer, a model, an optimizer) writes its own variables at `<path>/vars`, then
its children are visited, each once:

- Sequential and Functional models first visit `layers` (a container);
- then, for every object, its attributes holding a saveable or a list/tuple/dict of them,
  in name order with private (`_x`) names last; the attribute name extends the path
  (`optimizer`, `dense_1`, `blocks`), tapeflow's own internal attributes excepted;
- inside a container, an item is named by the snake_case name of its CLASS, made unique
  within the container (`dense`, `dense_1`, ...; nested containers `container`,
  `container_1`), never by `layer.name`, which varies between two builds of one model.
"""

from __future__ import annotations

from tapeflow.keras import backend


def _is_saveable(value) -> bool:
    from tapeflow.keras.layers.layer import Layer
    from tapeflow.keras.optimizers.optimizer import Optimizer

    return isinstance(value, (Layer, Optimizer))


def save_state(obj, weights_file, path: str = "", visited=None) -> None:
    """Writes `obj` and everything reachable from it into `weights_file`."""
    visited = set() if visited is None else visited
    if id(obj) in visited:
        return
    visited.add(id(obj))
    obj.save_own_variables(weights_file.make(path, getattr(obj, "name", None)))
    for child_path, child in _children(obj, path):
        save_state(child, weights_file, child_path, visited)


def load_state(obj, weights_file, path: str = "", visited=None, errors=None) -> list:
    """Reads what save_state wrote into the same structure; returns [(path, object, error)]
    for the objects whose variables could not be loaded (the others are loaded)."""
    visited = set() if visited is None else visited
    errors = [] if errors is None else errors
    if id(obj) in visited:
        return errors
    visited.add(id(obj))
    try:
        obj.load_own_variables(weights_file.get(path))
    except (ValueError, KeyError, TypeError) as error:
        errors.append((path or "(root)", obj, error))
    for child_path, child in _children(obj, path):
        load_state(child, weights_file, child_path, visited, errors)
    return errors


def _children(obj, path: str):
    """(path, saveable) for every saveable below `obj`, in Keras's order and naming."""
    for name, value in _attributes(obj):
        child_path = f"{path}/{name}" if path else name
        if _is_saveable(value):
            yield child_path, value
        elif isinstance(value, (list, tuple, dict)):
            yield from _container_children(value, child_path, set())


def _container_children(container, path: str, seen: set):
    if id(container) in seen:
        return
    seen.add(id(container))
    used: dict = {}
    items = container.values() if isinstance(container, dict) else container
    for item in items:
        if _is_saveable(item):
            yield f"{path}/{_unique(backend.to_snake_case(type(item).__name__), used)}", item
        elif isinstance(item, (list, tuple, dict)):
            yield from _container_children(item, f"{path}/{_unique('container', used)}", seen)


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _attributes(obj):
    """(name, value) of the attributes walked for `obj`: `layers` first for Sequential and
    Functional, then attribute names sorted with private ones last."""
    from tapeflow.keras.layers.layer import Layer
    from tapeflow.keras.models.functional import Functional
    from tapeflow.keras.models.model import Model
    from tapeflow.keras.models.sequential import Sequential

    if not isinstance(obj, Layer):
        return []  # an optimizer holds no saveables
    result = []
    graph_model = isinstance(obj, (Sequential, Functional))
    if graph_model:
        result.append(("layers", obj.layers))
    names = set(obj.__dict__) - _internal_attributes()
    if isinstance(obj, Model) and not graph_model:
        names.add("layers")
    for name in sorted(names, key=lambda n: "~" + n if n.startswith("_") else n):
        value = obj.layers if name == "layers" else obj.__dict__[name]
        if _is_saveable(value) or isinstance(value, (list, tuple, dict)):
            result.append((name, value))
    return result


def _internal_attributes() -> frozenset:
    """The attributes tapeflow's Layer, Model, Sequential and Functional set themselves
    (`optimizer` excepted: the compiled optimizer is saved, at `optimizer`)."""
    cached = _cache.get("internal")
    if cached is None:
        from tapeflow.keras.layers.layer import Layer
        from tapeflow.keras.models.sequential import Sequential

        probe = Sequential(name="saving_probe")  # a named probe uses no automatic name
        functional = {"_inputs_struct", "_outputs_struct", "_nodes", "_functional_layers"}
        names = set(probe.__dict__) | functional | Layer._NOT_TRACKED
        cached = frozenset(names - {"optimizer"})
        _cache["internal"] = cached
    return cached


_cache: dict = {}
