"""The HNHN teacher (Dong, Sawin & Bengio 2020, arXiv:2006.12278).

Defaults: one HNHN layer (vertex -> hyperedge -> vertex, the architecture of the paper and of the AllSet
benchmark code), hyperedge width 64, dropout 0.5 on the hyperedge features, plain-mean normalisation
(``alpha = beta = 0``, as DeepHypergraph's HNHN that LightHGNN's code builds on). HNHN tunes alpha and
beta per dataset; the AllSet / ED-HNN benchmark code uses ``alpha = -1.5, beta = -0.5``. Two layers
without hyperedge dropout (DeepHypergraph's HNHN model: four linear maps) overfit the 20-per-class splits
badly: 35.5% test accuracy on CC-Cora (seeds 0, 1) where one layer reaches about 70% on validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import cast

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.hnhn import HNHNConv


@TEACHERS.register("hnhn")
class HNHN(nn.Module):
    """A stack of :class:`HNHNConv` (each with its own hyperedge nonlinearity).

    Layer ``i`` maps its input to ``hidden_channels`` hyperedge features and back to vertices, with
    ``hidden_channels`` outputs except the last layer's ``out_channels``; ReLU and dropout follow every
    layer but the last, and dropout acts on the hyperedge features inside every layer.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hyperedge features and of the hidden vertex layers.
        num_layers: Number of HNHN layers (>= 1).
        dropout: Dropout probability on hyperedge features and after every hidden layer.
        alpha: Hyperedge-size exponent of the hyperedge -> vertex normalisation.
        beta: Vertex-degree exponent of the vertex -> hyperedge normalisation.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        num_layers: int = 1,
        dropout: float = 0.5,
        alpha: float = 0.0,
        beta: float = 0.0,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(
            HNHNConv(a, b, hidden_channels, alpha=alpha, beta=beta, dropout=dropout)
            for a, b in pairwise(sizes)
        )
        self.dropout = dropout

    def reset_parameters(self) -> None:
        for conv in cast("Iterable[HNHNConv]", self.convs):
            conv.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return self.forward_with_hidden(x, hypergraph)[0]

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last layer (the input features for a one-layer model)."""
        for conv in self.convs[:-1]:
            x = F.dropout(F.relu(conv(x, hypergraph)), self.dropout, self.training)
        return self.convs[-1](x, hypergraph), x
