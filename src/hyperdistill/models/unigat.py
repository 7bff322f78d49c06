"""The UniGAT teacher (Huang & Yang, IJCAI 2021, arXiv:2105.00956).

Defaults from the UniGNN code: 8 heads of 8 channels concatenated, then one head for the classes;
ReLU; dropout 0.6 on the input, after the hidden layer and on the attention coefficients. Like UniGCN (and
the UniGNN runs, ``--add-self-loop``) it adds a singleton hyperedge to every vertex without one, so a vertex
attends to its own features too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.unigat import UniGATConv
from hyperdistill.nn.graph import with_self_loops


@TEACHERS.register("unigat")
class UniGAT(nn.Module):
    """Multi-head :class:`UniGATConv` layers, a single-head output layer.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Channels per head in the hidden layers.
        heads: Heads of the hidden layers (concatenated).
        num_layers: Number of layers (>= 1).
        dropout: Dropout probability on the input and after every hidden layer.
        attention_dropout: Dropout probability on the attention coefficients.
        self_loops: Add a singleton hyperedge ``{v}`` to every vertex without one (UniGNN's
            ``--add-self-loop``).

    Shapes:
        - x: ``(N, in_channels)``
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
        self_loops: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        width = in_channels
        self.convs = nn.ModuleList()
        for _ in range(num_layers - 1):
            self.convs.append(UniGATConv(width, hidden_channels, heads, dropout=attention_dropout))
            width = heads * hidden_channels
        self.convs.append(UniGATConv(width, out_channels, 1, concat=False, dropout=attention_dropout))
        self.dropout = dropout
        self.self_loops = self_loops

    def reset_parameters(self) -> None:
        for conv in cast("Iterable[UniGATConv]", self.convs):
            conv.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return self.forward_with_hidden(x, hypergraph)[0]

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last layer (the teacher's vertex representation)."""
        if self.self_loops:
            hypergraph = with_self_loops(hypergraph)
        x = F.dropout(x, self.dropout, self.training)
        for conv in self.convs[:-1]:
            x = F.dropout(F.relu(conv(x, hypergraph)), self.dropout, self.training)
        return self.convs[-1](x, hypergraph), x
