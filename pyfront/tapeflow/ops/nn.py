"""nn ops (see csrc/ops/nn.cpp)."""

__all__: list[str] = []
