"""The GCN teacher (Kipf & Welling, ICLR 2017, arXiv:1609.02907).

Defaults: two layers, hidden 64, ReLU and dropout 0.5 (the paper: hidden 16, dropout 0.5, lr 0.01,
weight decay 5e-4, 200 epochs; 64 as in GLNN and PyG's examples, to give the wider datasets room). On a
hypergraph GCN runs on the clique expansion with self-loops; ``structure="pairs"`` keeps only the
2-vertex hyperedges, which for data converted from a graph is the original graph.
"""

from __future__ import annotations

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.models.stack import ConvStack
from hyperdistill.nn.conv.gcn import GCNConv
from hyperdistill.nn.graph import GraphInput, pairwise_part

STRUCTURES = ("clique", "pairs")


def graph_structure(graph: GraphInput, structure: str) -> GraphInput:
    """The graph a graph teacher propagates over: see the ``structure`` argument of the graph teachers."""
    if structure == "pairs" and isinstance(graph, Hypergraph):
        return pairwise_part(graph)
    return graph


def check_structure(structure: str) -> None:
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {', '.join(STRUCTURES)}, got {structure!r}")


@TEACHERS.register("gcn")
class GCN(ConvStack):
    """A stack of :class:`GCNConv`.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of convolutions (>= 1).
        dropout: Dropout probability after every hidden layer.
        structure: For a hypergraph input, ``"clique"`` (its clique expansion) or ``"pairs"`` (its
            2-vertex hyperedges only). An ``edge_index`` input is used as it is.

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, out_channels)`` logits
    """

    conv = GCNConv

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.5,
        structure: str = "clique",
    ) -> None:
        check_structure(structure)
        super().__init__(in_channels, out_channels, hidden_channels, num_layers, dropout)
        self.structure = structure

    def propagation_structure(self, graph: GraphInput) -> GraphInput:  # type: ignore[override]
        """The graph the convolutions propagate over: see ``structure``."""
        return graph_structure(graph, self.structure)
