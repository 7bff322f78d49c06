"""A stack of hypergraph convolutions: the shape shared by the HGNN-family teachers."""

from __future__ import annotations

import itertools
from typing import ClassVar

from torch import Tensor, nn
from torch.nn import functional as F

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import PropagationConv


class ConvStack(nn.Module):
    """``conv -> ReLU -> dropout -> ... -> conv``; subclasses name the convolution in ``conv``.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of convolutions (>= 1).
        dropout: Dropout probability after every hidden layer.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)`` logits
    """

    conv: ClassVar[type[PropagationConv]]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 32,
        num_layers: int = 2,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(self.conv(a, b) for a, b in itertools.pairwise(sizes))
        self.dropout = dropout

    def reset_parameters(self) -> None:
        for conv in self.convs:
            conv.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return self.forward_with_hidden(x, hypergraph)[0]

    def propagation_structure(self, hypergraph: Hypergraph) -> Hypergraph:
        """The hypergraph the convolutions propagate over (the input one; subclasses may augment it)."""
        return hypergraph

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last convolution (the teacher's vertex representation).

        Shapes:
            - output: ``(N, out_channels)`` and ``(N, hidden_channels)`` (``(N, in_channels)`` for one layer)
        """
        hypergraph = self.propagation_structure(hypergraph)
        for conv in self.convs[:-1]:
            x = F.dropout(F.relu(conv(x, hypergraph)), self.dropout, self.training)
        return self.convs[-1](x, hypergraph), x
