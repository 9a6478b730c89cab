"""reduce ops (see csrc/ops/reduce.cpp)."""

__all__: list[str] = []
