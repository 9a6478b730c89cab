"""creation ops (see csrc/ops/creation.cpp)."""

__all__: list[str] = []
