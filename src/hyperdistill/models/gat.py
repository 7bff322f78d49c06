"""The GAT teacher (Veličković et al., ICLR 2018, arXiv:1710.10903).

Defaults: the paper's transductive setting (Cora): 8 heads of 8 channels concatenated, ELU, then one
output head; dropout 0.6 on each layer's input and on the attention coefficients. (The paper's lr 0.005
and 8 output heads for PubMed are not copied: the project's loop sets the optimiser.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.models.gcn import check_structure, graph_structure
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.gat import GATConv
from hyperdistill.nn.graph import GraphInput


@TEACHERS.register("gat")
class GAT(nn.Module):
    """Multi-head :class:`GATConv` layers with ELU, a single-head output layer.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Channels per head in the hidden layers.
        heads: Heads of the hidden layers (concatenated).
        num_layers: Number of layers (>= 1).
        dropout: Dropout probability on every layer's input.
        attention_dropout: Dropout probability on the attention coefficients.
        structure: For a hypergraph input, ``"clique"`` or ``"pairs"`` (see :class:`GCN`).

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 8,
        heads: int = 8,
        num_layers: int = 2,
        dropout: float = 0.6,
        attention_dropout: float = 0.6,
        structure: str = "clique",
    ) -> None:
        super().__init__()
        check_structure(structure)
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        width = in_channels
        self.convs = nn.ModuleList()
        for _ in range(num_layers - 1):
            self.convs.append(GATConv(width, hidden_channels, heads, dropout=attention_dropout))
            width = heads * hidden_channels
        self.convs.append(GATConv(width, out_channels, 1, concat=False, dropout=attention_dropout))
        self.dropout = dropout
        self.structure = structure

    def reset_parameters(self) -> None:
        for conv in cast("Iterable[GATConv]", self.convs):
            conv.reset_parameters()

    def forward(self, x: Tensor, graph: GraphInput) -> Tensor:
        return self.forward_with_hidden(x, graph)[0]

    def forward_with_hidden(self, x: Tensor, graph: GraphInput) -> tuple[Tensor, Tensor]:
        """Logits and the (pre-dropout) input of the last layer (the teacher's vertex representation)."""
        graph = graph_structure(graph, self.structure)
        for conv in self.convs[:-1]:
            x = F.elu(conv(F.dropout(x, self.dropout, self.training), graph))
        return self.convs[-1](F.dropout(x, self.dropout, self.training), graph), x
