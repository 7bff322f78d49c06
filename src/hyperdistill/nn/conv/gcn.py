"""GCN convolution (Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional Networks",
ICLR 2017, arXiv:1609.02907)."""

from __future__ import annotations

from torch import Tensor

from hyperdistill.nn.conv.base import PropagationConv
from hyperdistill.nn.graph import GraphInput, gcn_operator


class GCNConv(PropagationConv):
    r"""Graph convolution with symmetric normalisation and self-loops.

    .. math::
        X' = \hat D^{-1/2} (A + I) \hat D^{-1/2} X \Theta + b, \qquad \hat D = \operatorname{diag}((A + I) 1)

    The structure is a graph ``edge_index`` ``(2, E)`` (messages flow from row 0 to row 1; existing
    self-loops are replaced by unit ones, like PyG's ``GCNConv``) or a :class:`Hypergraph`, read as its
    clique expansion with self-loops. The normalised operator of a hypergraph is built once and cached.

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, out_channels)``
    """

    def propagate(self, x: Tensor, graph: GraphInput) -> Tensor:
        return gcn_operator(graph, x.size(0), x.device) @ x
