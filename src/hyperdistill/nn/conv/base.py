"""Shared skeleton of the linear-then-propagate hypergraph convolutions."""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph


class PropagationConv(nn.Module, ABC):
    """``propagate(x @ Theta) + b``; subclasses supply the propagation (one abstract hook).

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)``
    """

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    @abstractmethod
    def propagate(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        """Spread ``x`` ``(N, C)`` over the hypergraph; returns ``(N, C)``."""

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        out = self.propagate(self.lin(x), hypergraph)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}"
