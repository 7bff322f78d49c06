"""The GraphSAGE teacher, mean aggregator (Hamilton, Ying & Leskovec, NeurIPS 2017, arXiv:1706.02216).

Defaults: GLNN's SAGE teacher (two layers, hidden 128, lr 0.01, weight decay 5e-4), full-batch; GLNN
samples 5 neighbours per layer with no dropout, this teacher uses every neighbour and dropout 0.5.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import cast

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.models.gcn import check_structure, graph_structure
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.sage import SAGEConv
from hyperdistill.nn.graph import GraphInput


@TEACHERS.register("sage")
class GraphSAGE(nn.Module):
    """A stack of :class:`SAGEConv` with ReLU and dropout between layers.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of convolutions (>= 1).
        dropout: Dropout probability after every hidden layer.
        structure: For a hypergraph input, ``"clique"`` or ``"pairs"`` (see :class:`GCN`).

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 128,
        num_layers: int = 2,
        dropout: float = 0.5,
        structure: str = "clique",
    ) -> None:
        super().__init__()
        check_structure(structure)
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(SAGEConv(a, b) for a, b in pairwise(sizes))
        self.dropout = dropout
        self.structure = structure

    def reset_parameters(self) -> None:
        for conv in cast("Iterable[SAGEConv]", self.convs):
            conv.reset_parameters()

    def forward(self, x: Tensor, graph: GraphInput) -> Tensor:
        return self.forward_with_hidden(x, graph)[0]

    def forward_with_hidden(self, x: Tensor, graph: GraphInput) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last layer (the teacher's vertex representation)."""
        graph = graph_structure(graph, self.structure)
        for conv in self.convs[:-1]:
            x = F.dropout(F.relu(conv(x, graph)), self.dropout, self.training)
        return self.convs[-1](x, graph), x
