"""shape ops (see csrc/ops/shape.cpp)."""

__all__: list[str] = []
