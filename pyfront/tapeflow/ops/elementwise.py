"""elementwise ops (see csrc/ops/elementwise.cpp)."""

__all__: list[str] = []
