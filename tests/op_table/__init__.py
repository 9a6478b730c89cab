"""The op table: one row per op, driving the forward tests (tests/test_op_table.py) and, with
the autograd engine, the finite-difference gradient checks.

Each family keeps its rows in its own module here (elementwise.py, reduce.py, ...) as a list
named CASES; ALL_CASES concatenates them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Shape = tuple[int, ...]


@dataclass(frozen=True)
class OpCase:
    name: str
    fn: Callable[..., Any]  # tapeflow: takes tensors (+ kwargs), returns a tensor or a list
    ref: Callable[..., Any]  # NumPy: the same arguments as float64 (or integer/bool) arrays
    shapes: tuple[tuple[Shape, ...], ...]  # each entry gives one shape per input
    dtypes: tuple[str, ...] = ("float32", "float64")
    low: float = -2.0  # inputs drawn uniformly from [low, high) ...
    high: float = 2.0
    kwargs: dict = field(default_factory=dict)
    # Per-input dtype overrides ("bool", "int32", ...); None keeps the case's dtype.
    input_dtypes: tuple[str | None, ...] | None = None
    # Custom input maker: (rng, shapes, dtype) -> list of NumPy arrays, for restricted domains.
    make_inputs: Callable[..., list] | None = None
    grad: bool = True  # differentiable with respect to its float inputs
    rtol: dict = field(default_factory=lambda: {"float32": 2e-5, "float64": 1e-12})
    atol: dict = field(default_factory=lambda: {"float32": 2e-6, "float64": 1e-12})

    def inputs(self, rng: np.random.Generator, shapes: tuple[Shape, ...], dtype: str) -> list:
        if self.make_inputs is not None:
            return self.make_inputs(rng, shapes, dtype)
        arrays = []
        for i, shape in enumerate(shapes):
            dt = dtype
            if self.input_dtypes is not None and self.input_dtypes[i] is not None:
                dt = self.input_dtypes[i]
            arrays.append(random_array(rng, shape, dt, self.low, self.high))
        return arrays


def random_array(rng, shape, dtype, low=-2.0, high=2.0) -> np.ndarray:
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


# Shapes every elementwise-like op is tried on: scalars, empty, odd sizes, broadcasting.
UNARY_SHAPES = (((),), ((1,),), ((7,),), ((0,),), ((3, 5),), ((33, 4),), ((1025,),),
                ((2, 0, 3),), ((2, 3, 4, 5),))
BINARY_SHAPES = (
    ((), ()), ((7,), ()), ((), (7,)), ((3, 5), (3, 5)), ((3, 5), (5,)), ((3, 1), (1, 5)),
    ((2, 3, 4), (3, 1)), ((0, 3), (3,)), ((1025,), (1025,)), ((4, 1, 33), (1, 7, 1)),
)

_FAMILIES = ("elementwise", "reduce", "linalg", "shape", "creation", "nn", "random")


def all_cases() -> list[OpCase]:
    cases = []
    for family in _FAMILIES:
        try:
            module = importlib.import_module(f"op_table.{family}")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases
