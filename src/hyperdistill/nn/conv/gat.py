"""GAT convolution (Veličković et al., "Graph Attention Networks", ICLR 2018, arXiv:1710.10903)."""

from __future__ import annotations

import os

import torch.nn.functional as F
from torch import Tensor

from hyperdistill.errors import DataError
from hyperdistill.nn.conv.base import AttentionConv
from hyperdistill.nn.functional import scatter_sum, segment_softmax
from hyperdistill.nn.graph import GraphInput, graph_edges

#: Per-edge tensors GAT may hold (GiB) before it refuses; override with $HYPERDISTILL_MAX_EDGE_GIB.
MAX_EDGE_GIB = 6.0
#: (E, K, C) float tensors alive at once in a training step: the gathered messages, their weighted copy,
#: and the gradients of both.
EDGE_TENSORS = 4


class GATConv(AttentionConv):
    r"""Graph attention layer: each vertex attends over its in-neighbours and itself.

    .. math::
        \alpha_{ij} = \operatorname{softmax}_{j \in N(i) \cup \{i\}}
        \big(\mathrm{LeakyReLU}(a_{\text{src}}^\top \Theta x_j + a_{\text{dst}}^\top \Theta x_i)\big),
        \qquad x_i' = \Big\Vert_{k=1}^{K} \sum_{j} \alpha^k_{ij} \Theta^k x_j + b

    The structure is a graph ``edge_index`` ``(2, E)`` (row 0 source, row 1 target; self-loops are
    replaced by one per vertex, like PyG's ``GATConv``) or a :class:`Hypergraph`, read as its clique
    expansion with self-loops (cached). The softmax is a segment softmax over each target's edges.

    Args:
        in_channels: Input feature size F.
        out_channels: Output size per head.
        heads: Number of attention heads K.
        concat: Concatenate the heads (output ``K * out_channels``) or average them (``out_channels``).
        negative_slope: Slope of the LeakyReLU on the scores.
        dropout: Dropout probability on the attention coefficients (training only), as in the paper.
        bias: Whether to add a learnable bias.

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, heads * out_channels)`` if ``concat`` else ``(N, out_channels)``
    """

    attention = ("att_src", "att_dst")

    def forward(self, x: Tensor, graph: GraphInput) -> Tensor:
        n = x.size(0)
        src, dst = graph_edges(graph, n, self_loops=True).to(x.device)
        check_edge_memory(src.numel(), self.heads * self.out_channels)
        h = self.lin(x).view(n, self.heads, self.out_channels)
        score = (h * self.att_src).sum(-1)[src] + (h * self.att_dst).sum(-1)[dst]  # (E, K)
        alpha = segment_softmax(F.leaky_relu(score, self.negative_slope), dst, n)
        alpha = F.dropout(alpha, self.dropout, self.training)
        out = scatter_sum(h[src] * alpha.unsqueeze(-1), dst, n)  # (N, K, C)
        return self.combine(out)


def check_edge_memory(num_edges: int, width: int) -> None:
    """Refuse, with a clear error, a graph whose per-edge tensors would not fit in memory.

    Attention materialises an ``(E, heads * channels)`` message per edge; the clique expansion of a
    hypergraph with hyperedges of thousands of vertices (news20, the DBLP term and conference sets) has tens
    of millions of edges, which would otherwise end in the kernel's out-of-memory killer.
    """
    limit = float(os.environ.get("HYPERDISTILL_MAX_EDGE_GIB", MAX_EDGE_GIB))
    need = EDGE_TENSORS * num_edges * width * 4 / 2**30
    if need > limit:
        raise DataError(
            f"GAT would hold about {need:.1f} GiB of per-edge tensors ({num_edges:,} edges x {width} "
            f"channels), over the {limit:g} GiB limit; on a hypergraph with large hyperedges its clique "
            "expansion is too dense: use a hypergraph attention teacher (unigat), or raise "
            "$HYPERDISTILL_MAX_EDGE_GIB if the memory is there"
        )
