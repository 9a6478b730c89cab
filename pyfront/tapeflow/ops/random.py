"""random ops (see csrc/ops/random.cpp)."""

__all__: list[str] = []
