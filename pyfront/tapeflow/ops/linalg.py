"""linalg ops (see csrc/ops/linalg.cpp)."""

__all__: list[str] = []
