"""UniGAT convolution (Huang & Yang, "UniGNN: a Unified Framework for Graph and Hypergraph Neural
Networks", IJCAI 2021, arXiv:2105.00956)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import AttentionConv
from hyperdistill.nn.functional import scatter_mean, scatter_sum, segment_softmax


class UniGATConv(AttentionConv):
    r"""UniGAT layer: each vertex attends over the hyperedges it belongs to.

    .. math::
        h_e = \frac{1}{|e|} \sum_{j \in e} \Theta x_j, \qquad
        \alpha_{ie} = \operatorname{softmax}_{e \ni i}\big(\mathrm{LeakyReLU}(a_v^\top \Theta x_i +
        a_e^\top h_e)\big), \qquad
        x_i' = \Big\Vert_{k=1}^{K} \sum_{e \ni i} \alpha^k_{ie} h^k_e + b

    one attention per head :math:`k`, heads concatenated (or averaged with ``concat=False``). The softmax
    runs over the incidences of each vertex (a segment softmax, no loop). Hyperedge weights are not used.
    DeepHypergraph's ``UniGATConv`` (one head) computes the same scores but clamps them to
    ``[0.001, 5]`` and applies dropout before the softmax; here dropout acts on the attention
    coefficients, as in GAT and the UniGNN code.

    Arguments as :class:`AttentionConv`.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, heads * out_channels)`` if ``concat`` else ``(N, out_channels)``
    """

    attention = ("att_vertex", "att_edge")

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        n, m = hypergraph.num_nodes, hypergraph.num_edges
        vertices, edges = hypergraph.hyperedge_index.to(x.device)
        h = self.lin(x).view(n, self.heads, self.out_channels)
        h_edge = scatter_mean(h[vertices], edges, m)  # (M, K, C)
        score = (h * self.att_vertex).sum(-1)[vertices] + (h_edge * self.att_edge).sum(-1)[edges]
        alpha = segment_softmax(F.leaky_relu(score, self.negative_slope), vertices, n)  # (nnz, K)
        alpha = F.dropout(alpha, self.dropout, self.training)
        out = scatter_sum(h_edge[edges] * alpha.unsqueeze(-1), vertices, n)  # (N, K, C)
        return self.combine(out)
