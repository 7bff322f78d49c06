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


class AttentionConv(nn.Module):
    """The parameters and output of a multi-head additive-attention layer (GAT, UniGAT).

    A shared projection ``Theta`` ``(F -> K * C)``, two attention vectors ``(1, K, C)`` named by the
    subclass's ``attention`` (one scores the receiver, one the sender), a bias; the heads are concatenated
    or averaged by :meth:`combine`. Subclasses write ``forward``.

    Args:
        in_channels: Input feature size F.
        out_channels: Output size per head C.
        heads: Number of attention heads K.
        concat: Concatenate the heads (output ``K * C``) or average them (``C``).
        negative_slope: Slope of the LeakyReLU on the scores.
        dropout: Dropout probability on the attention coefficients (training only).
        bias: Whether to add a learnable bias.
    """

    #: Names of the two attention vectors (kept as the parameter names of saved models).
    attention: tuple[str, str]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        heads: int = 1,
        concat: bool = True,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heads = heads
        self.concat = concat
        self.negative_slope = negative_slope
        self.dropout = dropout
        self.lin = nn.Linear(in_channels, heads * out_channels, bias=False)
        for name in self.attention:
            self.register_parameter(name, nn.Parameter(torch.empty(1, heads, out_channels)))
        size = heads * out_channels if concat else out_channels
        self.bias = nn.Parameter(torch.empty(size)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.xavier_uniform_(self.lin.weight)
        for name in self.attention:
            nn.init.xavier_uniform_(getattr(self, name))
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def combine(self, out: Tensor) -> Tensor:
        """``(N, K, C)`` per-head outputs -> concatenated or averaged heads, plus the bias."""
        out = out.reshape(out.size(0), -1) if self.concat else out.mean(dim=1)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}, heads={self.heads}, concat={self.concat}"
