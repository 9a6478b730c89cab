"""``keras.utils.plot_model`` and ``model_to_dot``: a model's layer graph as a picture.

    keras.utils.plot_model(model, "ticket_classifier.png", show_shapes=True)   # section 7.2.2

One box per layer (its name and class; optionally its activation, input and output shapes,
output dtype, trainability) and one arrow per connection. A Sequential model is its chain of
layers, a Functional model its graph; a subclassed model has no graph and is one box.
`expand_nested=True` draws a nested Sequential or Functional model as a dashed cluster of its
own layers instead of one box.

`model_to_dot` needs the `pydot` package; `plot_model` also needs Graphviz's `dot` program
to lay the graph out (`pip install tapeflow[plot]`, and Graphviz from your system's package
manager). A missing one raises ImportError saying which.
"""

from __future__ import annotations

import os
import sys

from tapeflow import nest


def _pydot():
    try:
        import pydot
    except ImportError:
        return None
    return pydot


def check_pydot() -> bool:
    """True when the `pydot` package can be imported."""
    return _pydot() is not None


def check_graphviz() -> bool:
    """True when pydot can run Graphviz's `dot` program (laying out an empty graph)."""
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException):
        return False
    return True


def layer_connections(model):
    """[(layer, [layers feeding it]), ...] over `model.layers` for a Sequential (its chain) or
    Functional model (its recorded calls); None for a subclassed model, which has no graph."""
    from tapeflow.keras.models.functional import Functional
    from tapeflow.keras.models.sequential import Sequential

    if isinstance(model, Sequential):
        layers = model.layers
        return [(layer, layers[i - 1 : i]) for i, layer in enumerate(layers)]
    if not isinstance(model, Functional):
        return None
    sources = {id(layer): [] for layer in model.layers}
    for node in model._nodes:
        feeding = sources[id(node.layer)]
        for tensor in node.input_tensors:
            source = tensor._keras_history[0]
            if all(source is not known for known in feeding):
                feeding.append(source)
    return [(layer, sources[id(layer)]) for layer in model.layers]


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
):
    """The model's layer graph as a `pydot.Dot` (a `pydot.Cluster` when `subgraph=True`).

    Args:
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's output dtype.
        show_layer_names: label boxes "name (Class)" rather than "Class".
        rankdir: "TB" (top to bottom) or "LR" (left to right).
        expand_nested: draw nested Sequential/Functional models as clusters of layers.
        dpi: the image resolution.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: show whether each layer with weights is trainable.
        splines: how Graphviz draws edges ("ortho", "curved", "polyline", "spline", "line").
    """
    _check_built(model)
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")
    label_options = dict(
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    if subgraph:
        dot = pydot.Cluster(graph_name=model.name, label=model.name, style="dashed", labeljust="l")
    else:
        dot = pydot.Dot(
            graph_type="digraph", rankdir=rankdir, concentrate=True, dpi=dpi, splines=splines
        )
        dot.set_node_defaults(shape="record")
    _draw(pydot, dot, model, "", expand_nested, label_options)
    return dot


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
):
    """Draws the model's layer graph into `to_file` (format from its extension, PNG when
    there is none); returns an IPython Image of a PNG or JPEG when IPython is installed, so a
    notebook shows it. Arguments as in `model_to_dot`."""
    _check_built(model)
    for available, message in (
        (check_pydot, "You must install pydot (`pip install pydot`) for `plot_model` to work."),
        (
            check_graphviz,
            "You must install graphviz, whose `dot` program lays out the "
            "graph (see https://graphviz.org/download/), for `plot_model` "
            "to work.",
        ),
    ):
        if not available():
            if _in_notebook():
                print(message)  # a notebook shows the advice instead of failing the cell
                return None
            raise ImportError(message)
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension.lower() not in ("png", "jpg", "jpeg"):
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=to_file)


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (importing IPython alone does not count)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def _check_built(model) -> None:
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling "
            "`build()` or by calling the model on a batch of data."
        )


def _is_graph_model(layer) -> bool:
    from tapeflow.keras.models.functional import Functional

    return isinstance(layer, Functional) or _is_sequential(layer)


def _is_sequential(layer) -> bool:
    from tapeflow.keras.models.sequential import Sequential

    return isinstance(layer, Sequential)


def _draw(pydot, dot, model, scope, expand_nested, label_options) -> None:
    """Adds `model`'s boxes and arrows to `dot`; node names are `scope` + layer name, so the
    layers of an expanded nested model are named "<model>/<layer>"."""
    connections = layer_connections(model)
    if connections is None:  # a subclassed model: one box
        dot.add_node(_box(pydot, scope + model.name, model, label_options))
        return
    for layer, _ in connections:
        if expand_nested and _is_graph_model(layer):
            cluster = pydot.Cluster(
                graph_name=scope + layer.name, label=layer.name, style="dashed", labeljust="l"
            )
            _draw(pydot, cluster, layer, scope + layer.name + "/", expand_nested, label_options)
            dot.add_subgraph(cluster)
        else:
            dot.add_node(_box(pydot, scope + layer.name, layer, label_options))
    drawn = set()
    for layer, sources in connections:
        for input_index, source in enumerate(sources):
            tail = _exit_node(source, scope, expand_nested)
            head = _entry_node(layer, scope, input_index, expand_nested)
            if (tail, head) not in drawn:
                drawn.add((tail, head))
                dot.add_edge(pydot.Edge(tail, head, penwidth="2"))


def _exit_node(layer, scope, expand_nested) -> str:
    """The box an arrow leaving `layer` starts from: inside an expanded model, the layer that
    makes its (first) output."""
    while expand_nested and _is_graph_model(layer):
        scope += layer.name + "/"
        layer = layer.layers[-1] if _is_sequential(layer) else layer.outputs[0]._keras_history[0]
    return scope + layer.name


def _entry_node(layer, scope, input_index, expand_nested) -> str:
    """The box an arrow into `layer` ends at: inside an expanded Functional model the Input
    it feeds, inside an expanded Sequential its first layer."""
    while expand_nested and _is_graph_model(layer):
        scope += layer.name + "/"
        if _is_sequential(layer):
            layer = layer.layers[0]
        else:
            inputs = layer.inputs
            layer = inputs[min(input_index, len(inputs) - 1)]._keras_history[0]
        input_index = 0
    return scope + layer.name


def _box(pydot, name, layer, options):
    return pydot.Node(name, label=_label(layer, **options), fontname="Helvetica", margin="0")


def _label(
    layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable
) -> str:
    """An HTML-like Graphviz label: a title row, then optional rows of details."""
    class_name = type(layer).__name__
    title = (
        f"<b>{_escape(layer.name)}</b> ({class_name})"
        if show_layer_names
        else f"<b>{class_name}</b>"
    )
    rows = [f'<tr><td bgcolor="lightgrey">{title}</td></tr>']
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = getattr(activation, "__name__", None) or str(activation)
        rows.append(f"<tr><td>Activation: {_escape(name)}</td></tr>")
    node = layer._inbound_nodes[0] if getattr(layer, "_inbound_nodes", None) else None
    if show_shapes:
        if class_name != "InputLayer":
            shape = _shapes(node.input_tensors) if node is not None else "?"
            rows.append(f"<tr><td>Input shape: {_escape(shape)}</td></tr>")
        shape = _shapes(node.output_tensors) if node is not None else "?"
        rows.append(f"<tr><td>Output shape: {_escape(shape)}</td></tr>")
    if show_dtype:
        dtypes = [t.dtype.name for t in node.output_tensors] if node is not None else []
        dtype = ", ".join(dtypes) if dtypes else "?"
        rows.append(f"<tr><td>Output dtype: {dtype}</td></tr>")
    if show_trainable and layer.weights:
        rows.append(
            "<tr><td>Trainable</td></tr>" if layer.trainable else "<tr><td>Non-trainable</td></tr>"
        )
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">'
        + "".join(rows)
        + "</table>>"
    )


def _shapes(tensors) -> str:
    shapes = [tuple(t.shape) for t in nest.flatten(tensors)]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(map(str, shapes)) + "]"


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
