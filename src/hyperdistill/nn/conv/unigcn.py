"""UniGCN convolution (Huang & Yang, "UniGNN: a Unified Framework for Graph and Hypergraph Neural
Networks", IJCAI 2021, arXiv:2105.00956)."""

from __future__ import annotations

from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import PropagationConv
from hyperdistill.nn.functional import scatter_mean
from hyperdistill.nn.graph import cached
from hyperdistill.nn.operators import TwoStageOperator


def unigcn_operator(hypergraph: Hypergraph) -> TwoStageOperator:
    r"""UniGCN's propagation ``D_v^-1/2 H W \tilde D_e^-1/2 D_e^-1 H^T`` as two sparse stages (cached).

    ``\tilde d_e`` is the mean degree of the members of ``e``; ``d_v`` the (weighted) vertex degree.
    """

    def build() -> TwoStageOperator:
        vertices, edges = hypergraph.hyperedge_index
        degree = hypergraph.vertex_degrees()
        edge_degree = scatter_mean(degree[vertices], edges, hypergraph.num_edges)
        dv = degree.pow(-0.5).masked_fill_(degree == 0, 0.0)
        de = edge_degree.pow(-0.5).masked_fill_(edge_degree == 0, 0.0)
        v2e = 1.0 / hypergraph.edge_sizes().float()[edges]
        e2v = dv[vertices] * hypergraph.weight[edges] * de[edges]
        return TwoStageOperator.from_incidences(
            vertices, edges, v2e, e2v, hypergraph.num_nodes, hypergraph.num_edges
        )

    return cached(hypergraph, "unigcn", build)


class UniGCNConv(PropagationConv):
    r"""UniGCN layer: hyperedge mean, then GCN-style degree-normalised sum over a vertex's hyperedges.

    .. math::
        h_e = \frac{1}{|e|} \sum_{j \in e} x_j \Theta, \qquad
        x_i' = \frac{1}{\sqrt{d_i}} \sum_{e \ni i} \frac{w_e}{\sqrt{\tilde d_e}} h_e + b, \qquad
        \tilde d_e = \frac{1}{|e|} \sum_{i \in e} d_i

    with :math:`d_i` the vertex degree (weighted by :math:`w_e`; with unit weights this is the paper's
    operator and DeepHypergraph's ``UniGCNConv``).

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)``
    """

    def propagate(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        operator = unigcn_operator(hypergraph)
        if operator.v2e.device != x.device:
            operator = cached(hypergraph, ("unigcn", str(x.device)), lambda: operator.to(x.device))
        return operator(x)
