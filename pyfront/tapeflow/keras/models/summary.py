"""`model.summary()`: Keras 3's table of layers, output shapes and parameter counts.

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
    │ dense (Dense)                   │ (None, 512)            │       401,920 │
    ├─────────────────────────────────┼────────────────────────┼───────────────┤
    │ dense_1 (Dense)                 │ (None, 10)             │         5,130 │
    └─────────────────────────────────┴────────────────────────┴───────────────┘
     Total params: 407,050 (1.55 MB)
     Trainable params: 407,050 (1.55 MB)
     Non-trainable params: 0 (0.00 B)

Functional models that are not a single chain get a fourth column, "Connected to".
"""

from __future__ import annotations

import numpy as np

from tapeflow import nest


def print_summary(model, line_length=None, print_fn=None, show_trainable=False) -> None:
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    print_fn = print_fn or print
    rows, connected = _rows(model)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    widths = [33, 24, 15]
    if connected:
        headers.append("Connected to")
        widths = [31, 24, 11, 26]
    if show_trainable:
        headers.append("Trainable")
        widths.append(11)
    for row in rows:
        for column, cell in enumerate(row):
            longest = max(len(line) for line in cell.split("\n"))
            widths[column] = max(widths[column], longest + 2)
    lines = [f'Model: "{model.name}"', _rule("┏", "━", "┳", "┓", widths),
             _cells(headers, widths, "┃"), _rule("┡", "━", "╇", "┩", widths)]
    for index, row in enumerate(rows):
        if index:
            lines.append(_rule("├", "─", "┼", "┤", widths))
        lines.extend(_multiline(row, widths))
    lines.append(_rule("└", "─", "┴", "┘", widths))
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    lines.append(f" Total params: {total:,} ({_memory(model.weights)})")
    lines.append(f" Trainable params: {trainable:,} ({_memory(model.trainable_weights)})")
    non_trainable = [w for w in model.weights if all(w is not t for t in model.trainable_weights)]
    lines.append(f" Non-trainable params: {total - trainable:,} ({_memory(non_trainable)})")
    optimizer = getattr(model, "optimizer", None)
    optimizer_vars = list(getattr(optimizer, "variables", []) or []) if optimizer else []
    if optimizer_vars:
        lines.append(f" Optimizer params: {_count(optimizer_vars):,} "
                     f"({_memory(optimizer_vars)})")
    for line in lines:
        print_fn(line)


def _rows(model):
    """One row per layer: [name (type), output shape, params(, connected to)], and whether
    the "Connected to" column is needed."""
    from tapeflow.keras.layers.input_layer import InputLayer
    from tapeflow.keras.models.functional import Functional

    graph = model if isinstance(model, Functional) else getattr(model, "_graph", None)
    nodes = {}
    if graph is not None:
        for tensor in graph.inputs:
            nodes.setdefault(id(tensor._keras_history[0]), []).append(tensor._keras_history[1])
        for node in graph._nodes:
            nodes.setdefault(id(node.layer), []).append(node)
    connected = isinstance(model, Functional) and not _is_chain(model)
    rows = []
    for layer in model.layers:
        layer_nodes = nodes.get(id(layer), [])
        shapes = [_shape_text(node.outputs) for node in layer_nodes]
        shape = shapes[0] if len(set(shapes)) == 1 else ("?" if not shapes else "multiple")
        if not layer_nodes:
            shape = _eager_shape(layer)
        params = f"{_count(layer.weights):,}" if layer.built else "0 (unbuilt)"
        row = [f"{layer.name} ({type(layer).__name__})", shape, params]
        if connected:
            row.append(_connections(layer_nodes) if not isinstance(layer, InputLayer) else "-")
        rows.append(row)
    return rows, connected


def _is_chain(model) -> bool:
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        return False
    return all(len(node.input_tensors) == 1 for node in model._nodes)


def _connections(nodes) -> str:
    parts = []
    for node in nodes:
        for tensor in node.input_tensors:
            layer, parent, index = tensor._keras_history
            node_index = layer._inbound_nodes.index(parent) if parent in layer._inbound_nodes \
                else 0
            parts.append(f"{layer.name}[{node_index}][{index}]")
    return ",\n".join(parts) if parts else "-"


def _shape_text(outputs) -> str:
    shapes = [t.shape for t in nest.flatten(outputs)]
    text = [str(s) if len(s) != 1 else f"({s[0]},)" for s in shapes]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def _eager_shape(layer) -> str:
    shapes = getattr(layer, "_build_shapes", None)
    if shapes is None:
        return "?"
    try:
        out = layer.compute_output_shape(shapes)
    except Exception:  # noqa: BLE001  (any layer may fail to state its shape: show '?')
        return "?"
    if isinstance(out, tuple) and all(d is None or isinstance(d, int) for d in out):
        return str(out)
    return "multiple"


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _memory(weights) -> str:
    size = float(sum(int(np.prod(w.shape)) * w.dtype.size for w in weights))
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _rule(left, fill, join, right, widths) -> str:
    return left + join.join(fill * w for w in widths) + right


def _cells(cells, widths, bar) -> str:
    parts = []
    for column, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        text = cell.rjust(width - 2) if column == 2 else cell.ljust(width - 2)
        parts.append(f" {text} ")
    return bar + bar.join(parts) + bar


def _multiline(row, widths) -> list:
    split = [cell.split("\n") for cell in row]
    height = max(len(lines) for lines in split)
    return [_cells([lines[i] if i < len(lines) else "" for lines in split], widths, "│")
            for i in range(height)]
