"""HNHN convolution (Dong, Sawin & Bengio, "HNHN: Hypergraph Networks with Hyperedge Neurons", ICML 2020
GRL+ workshop, arXiv:2006.12278)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.functional import scatter_sum
from hyperdistill.nn.graph import cached
from hyperdistill.nn.operators import TwoStageOperator


def hnhn_operator(hypergraph: Hypergraph, alpha: float = 0.0, beta: float = 0.0) -> TwoStageOperator:
    r"""HNHN's two normalised aggregations as sparse stages (cached per hypergraph, alpha and beta).

    - vertex -> hyperedge: :math:`x_e = \sum_{v \in e} d_v^\beta x_v / \sum_{v \in e} d_v^\beta`
    - hyperedge -> vertex: :math:`x_v = \sum_{e \ni v} w_e |e|^\alpha x_e / \sum_{e \ni v} w_e |e|^\alpha`

    with :math:`d_v` the number of hyperedges of ``v``. ``alpha = beta = 0`` gives plain means (as
    DeepHypergraph's ``HNHNConv``).
    """

    def build() -> TwoStageOperator:
        vertices, edges = hypergraph.hyperedge_index
        n, m = hypergraph.num_nodes, hypergraph.num_edges
        vertex_term = hypergraph.vertex_degrees(weighted=False).pow(beta)[vertices]
        edge_term = hypergraph.edge_sizes().float().pow(alpha)[edges] * hypergraph.weight[edges]
        v2e = vertex_term / scatter_sum(vertex_term, edges, m)[edges]
        e2v = edge_term / scatter_sum(edge_term, vertices, n)[vertices]
        return TwoStageOperator.from_incidences(vertices, edges, v2e, e2v, n, m)

    return cached(hypergraph, ("hnhn", alpha, beta), build)


class HNHNConv(nn.Module):
    r"""HNHN layer: hyperedges are neurons with their own weights and nonlinearity.

    .. math::
        X_E = \sigma\big(D_{E,\beta}^{-1} H^\top D_{V,\beta} (X \Theta_V + b_V)\big), \qquad
        X' = D_{V,\alpha}^{-1} H W D_{E,\alpha} (X_E \Theta_E + b_E)

    with :math:`\sigma` = ReLU and the normalisations of :func:`hnhn_operator`. The hyperedge
    nonlinearity (and dropout on hyperedge features) is part of the operator; the vertex activation after
    the layer belongs to the model.

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        hidden_channels: Hyperedge feature size; ``None`` means ``out_channels`` (DeepHypergraph's
            choice; the HNHN and AllSet code size it separately).
        bias: Whether both linear maps have a bias.
        alpha: Exponent of the hyperedge size in the hyperedge -> vertex weights (0: plain mean).
        beta: Exponent of the vertex degree in the vertex -> hyperedge weights (0: plain mean).
        dropout: Dropout probability on the hyperedge features after their nonlinearity.

    Shapes:
        - x: ``(N, in_channels)``
        - hyperedge features: ``(M, hidden_channels)``
        - output: ``(N, out_channels)``
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int | None = None,
        bias: bool = True,
        alpha: float = 0.0,
        beta: float = 0.0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.alpha = alpha
        self.beta = beta
        self.dropout = dropout
        self.hidden_channels = out_channels if hidden_channels is None else hidden_channels
        self.lin_v2e = nn.Linear(in_channels, self.hidden_channels, bias=bias)
        self.lin_e2v = nn.Linear(self.hidden_channels, out_channels, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.lin_v2e.reset_parameters()
        self.lin_e2v.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        operator = hnhn_operator(hypergraph, self.alpha, self.beta)
        if operator.v2e.device != x.device:
            key = ("hnhn", self.alpha, self.beta, str(x.device))
            operator = cached(hypergraph, key, lambda: operator.to(x.device))
        hyperedges = F.relu(operator.v2e @ self.lin_v2e(x))
        hyperedges = F.dropout(hyperedges, self.dropout, self.training)
        return operator.e2v @ self.lin_e2v(hyperedges)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, hidden_channels={self.hidden_channels}, "
            f"alpha={self.alpha}, beta={self.beta}"
        )
