"""Type stub for tapeflow._C._testing (csrc/bindings/init_testing.cpp): aids for tapeflow's own
tests, not an API. A stub beside _C.pyi, since a compiled module's submodule has no file of its
own for a type checker to find.
"""

from collections.abc import Sequence
from typing import SupportsIndex

from tapeflow._C import Tensor

def matmul_reference(
    a: Tensor, b: Tensor, transpose_a: bool = False, transpose_b: bool = False
) -> Tensor:
    """matmul by the obviously correct triple loop, which the tuned GEMM is checked against."""

def strided_view(
    base: Tensor,
    shape: Sequence[SupportsIndex],
    strides: Sequence[SupportsIndex],
    offset: SupportsIndex,
) -> Tensor:
    """Any view of `base` (zero, negative, overlapping strides), validated against its storage."""
