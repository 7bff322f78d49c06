"""The UniGCN teacher (Huang & Yang, IJCAI 2021, arXiv:2105.00956).

Defaults from the UniGNN code's node-classification settings: two layers, hidden 64 (8 x 8), ReLU,
dropout 0.6 on the input and after the hidden layer; its lr 0.01, weight decay 5e-4, 200 epochs are the
project's loop.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.models.stack import ConvStack
from hyperdistill.nn.conv.unigcn import UniGCNConv


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
    ) -> None:
        super().__init__(in_channels, out_channels, hidden_channels, num_layers, dropout)
        self.input_dropout = input_dropout

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last convolution, after input dropout."""
        return super().forward_with_hidden(F.dropout(x, self.input_dropout, self.training), hypergraph)
