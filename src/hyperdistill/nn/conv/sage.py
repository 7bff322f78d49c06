"""GraphSAGE convolution with the mean aggregator (Hamilton, Ying & Leskovec, "Inductive Representation
Learning on Large Graphs", NeurIPS 2017, arXiv:1706.02216)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.nn.graph import GraphInput, mean_operator


class SAGEConv(nn.Module):
    r"""GraphSAGE layer, mean aggregator, root weight kept separate (PyG's ``SAGEConv`` defaults).

    .. math::
        x_i' = \Theta_{\text{root}} x_i + \Theta_{\text{nbr}} \frac{1}{|N(i)|} \sum_{j \in N(i)} x_j + b

    :math:`N(i)` excludes ``i``: self-loops of an ``edge_index`` are dropped, and a :class:`Hypergraph` is
    read as its clique expansion without self-loops (built once and cached). A vertex without neighbours
    keeps only its root term. Full-batch: no neighbour sampling. The neighbour transform is applied
    before averaging (the same map, cheaper when F is large).

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias.

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, out_channels)``
    """

    def __init__(self, in_channels: int, out_channels: int, bias: bool = True) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.lin_neighbour = nn.Linear(in_channels, out_channels, bias=bias)
        self.lin_root = nn.Linear(in_channels, out_channels, bias=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin_neighbour.reset_parameters()
        self.lin_root.reset_parameters()

    def forward(self, x: Tensor, graph: GraphInput) -> Tensor:
        neighbours = mean_operator(graph, x.size(0), x.device) @ F.linear(x, self.lin_neighbour.weight)
        if self.lin_neighbour.bias is not None:
            neighbours = neighbours + self.lin_neighbour.bias
        return neighbours + self.lin_root(x)

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}"
