"""The ED-HNN teacher (Wang, Yang, Liu, Wang & Li, ICLR 2023, arXiv:2207.06680).

Defaults are the paper's settings for the co-citation data (its README): one diffusion layer, hidden 256,
MLP depths (0, 0, 1), a one-layer classifier, mean aggregation, no restart (alpha 0), dropout 0.5 on the
input and between blocks, and a self-loop hyperedge for every vertex (AllSet's preprocessing). For the
co-authorship data the paper uses hidden 128 and a two-layer classifier of width 96; for its heterophilic
benchmarks 2-layer MLPs, 8 layers and alpha 0.5. The paper trains 500 epochs at lr 0.001 without weight
decay; the project's loop (200 epochs, lr 0.01, weight decay 5e-4) is used as for every teacher.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.edhnn import EDHNNConv, mlp
from hyperdistill.nn.graph import with_self_loops


@TEACHERS.register("edhnn")
class EDHNN(nn.Module):
    """Encoder, ``num_layers`` applications of one shared :class:`EDHNNConv`, MLP classifier.

    ``x0 = ReLU(Linear(dropout(x)))``; then ``num_layers`` times ``x = ReLU(conv(dropout(x), x0))`` (the
    same weights every step: a learned diffusion); logits ``= classifier(dropout(x))``.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the diffusion (and of the conv's MLPs).
        num_layers: Number of diffusion steps (>= 1).
        mlp1_layers: Depth of the vertex -> hyperedge MLP.
        mlp2_layers: Depth of the hyperedge -> vertex MLP.
        mlp3_layers: Depth of the vertex-update MLP.
        classifier_layers: Depth of the classifier MLP (>= 1).
        classifier_hidden: Width of the classifier's hidden layers.
        alpha: Restart weight of ``x0`` in every step.
        aggregate: ``"mean"`` or ``"sum"``.
        dropout: Dropout probability on the input, before every step and before the classifier.
        self_loops: Whether to add a singleton hyperedge for every vertex that has none.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 256,
        num_layers: int = 1,
        mlp1_layers: int = 0,
        mlp2_layers: int = 0,
        mlp3_layers: int = 1,
        classifier_layers: int = 1,
        classifier_hidden: int = 256,
        alpha: float = 0.0,
        aggregate: str = "mean",
        dropout: float = 0.5,
        self_loops: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1 or classifier_layers < 1:
            raise ValueError("num_layers and classifier_layers must be >= 1")
        self.encoder = nn.Linear(in_channels, hidden_channels)
        self.conv = EDHNNConv(
            hidden_channels, mlp1_layers, mlp2_layers, mlp3_layers, alpha, aggregate, dropout
        )
        self.classifier = mlp(hidden_channels, classifier_hidden, out_channels, classifier_layers, dropout)
        self.num_layers = num_layers
        self.dropout = dropout
        self.self_loops = self_loops

    def reset_parameters(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Linear):
                module.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return self.forward_with_hidden(x, hypergraph)[0]

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the diffused representation fed to the classifier."""
        if self.self_loops:
            hypergraph = with_self_loops(hypergraph)
        x = F.relu(self.encoder(F.dropout(x, self.dropout, self.training)))
        x0 = x
        for _ in range(self.num_layers):
            x = F.relu(self.conv(F.dropout(x, self.dropout, self.training), hypergraph, x0))
        return self.classifier(F.dropout(x, self.dropout, self.training)), x
