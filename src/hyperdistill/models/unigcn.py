"""The UniGCN teacher (Huang & Yang, IJCAI 2021, arXiv:2105.00956).

Defaults from the UniGNN code's node-classification settings: two layers, hidden 64 (8 x 8), ReLU,
dropout 0.6 on the input and after the hidden layer; its lr 0.01, weight decay 5e-4, 200 epochs are the
project's loop. Like the UniGNN runs (``--add-self-loop``) it adds a singleton hyperedge to every vertex
without one: otherwise a vertex's own features reach it only through its hyperedges' means, and on data with
huge hyperedges the model falls below the MLP (dblp4k_term, seeds 0-1: 57.6% without, 74.8% with).
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.models.stack import ConvStack
from hyperdistill.nn.conv.unigcn import UniGCNConv
from hyperdistill.nn.graph import with_self_loops


@TEACHERS.register("unigcn")
class UniGCN(ConvStack):
    """A stack of :class:`UniGCNConv` with input dropout.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of convolutions (>= 1).
        dropout: Dropout probability after every hidden layer.
        input_dropout: Dropout probability on the input features.
        self_loops: Add a singleton hyperedge ``{v}`` to every vertex without one (UniGNN's
            ``--add-self-loop``).

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)`` logits
    """

    conv = UniGCNConv

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.6,
        input_dropout: float = 0.6,
        self_loops: bool = True,
    ) -> None:
        super().__init__(in_channels, out_channels, hidden_channels, num_layers, dropout)
        self.input_dropout = input_dropout
        self.self_loops = self_loops

    def propagation_structure(self, hypergraph: Hypergraph) -> Hypergraph:
        """The input hypergraph, with a singleton hyperedge for every vertex without one if ``self_loops``."""
        return with_self_loops(hypergraph) if self.self_loops else hypergraph

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last convolution, after input dropout."""
        return super().forward_with_hidden(F.dropout(x, self.input_dropout, self.training), hypergraph)
