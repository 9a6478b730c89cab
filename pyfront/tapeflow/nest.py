"""Flattening and re-packing nested lists, tuples and dicts of values (``tf.nest``-like).

Dicts flatten in sorted-key order, as TensorFlow's nest does; anything else is a leaf.
"""

from __future__ import annotations

_CONTAINERS = (list, tuple, dict)


def flatten(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        flat = []
        for item in structure:  # leaves appended directly: lists of tensors are the hot case
            if isinstance(item, _CONTAINERS):
                flat.extend(flatten(item))
            else:
                flat.append(item)
        return flat
    return [structure]


def pack_sequence_as(structure, flat_sequence):
    if type(structure) is list and not any(isinstance(x, _CONTAINERS) for x in structure):
        flat = list(flat_sequence)
        if len(flat) == len(structure):  # a flat list (e.g. gradients for a list of weights)
            return flat
        flat_sequence = flat
    leaves = iter(flat_sequence)

    def build(node):
        if isinstance(node, dict):
            built = {key: build(node[key]) for key in sorted(node)}
            return type(node)((key, built[key]) for key in node)
        if isinstance(node, tuple) and hasattr(node, "_fields"):  # namedtuple
            return type(node)(*(build(item) for item in node))
        if isinstance(node, (list, tuple)):
            return type(node)(build(item) for item in node)
        return next(leaves)

    return build(structure)


def map_structure(fn, structure):
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])
