"""GAT convolution (Veličković et al., "Graph Attention Networks", ICLR 2018, arXiv:1710.10903)."""

from __future__ import annotations

import os

import torch.nn.functional as F
from torch import Tensor

from hyperdistill.errors import DataError
from hyperdistill.nn.conv.base import AttentionConv
from hyperdistill.nn.functional import segment_softmax, weighted_gather_sum
from hyperdistill.nn.graph import GraphInput, graph_edges

#: Per-edge tensors GAT may hold (GiB) before it refuses; override with $HYPERDISTILL_MAX_EDGE_GIB.
MAX_EDGE_GIB = 6.0
#: (E, K) float tensors alive at once in a training step (scores, softmax steps, dropout, their gradients),
#: and the bytes of edge indices per edge (source, target, their copies). Measured on dblp4k_term (7.0 M
#: edges, 8 heads): a step's peak grew by about 150 bytes per edge over the cached edges; this says 240.
EDGE_TENSORS = 6
INDEX_BYTES = 48


class GATConv(AttentionConv):
    r"""Graph attention layer: each vertex attends over its in-neighbours and itself.

    .. math::
        \alpha_{ij} = \operatorname{softmax}_{j \in N(i) \cup \{i\}}
        \big(\mathrm{LeakyReLU}(a_{\text{src}}^\top \Theta x_j + a_{\text{dst}}^\top \Theta x_i)\big),
        \qquad x_i' = \Big\Vert_{k=1}^{K} \sum_{j} \alpha^k_{ij} \Theta^k x_j + b

    The structure is a graph ``edge_index`` ``(2, E)`` (row 0 source, row 1 target; self-loops are
    replaced by one per vertex, like PyG's ``GATConv``) or a :class:`Hypergraph`, read as its clique
    expansion with self-loops (cached). The softmax is a segment softmax over each target's edges, with
    dropout on the coefficients as in the paper; the messages are summed in edge chunks
    (:func:`weighted_gather_sum`), so memory grows with ``E * K``, not ``E * K * C``.

    Arguments as :class:`AttentionConv`.

    Shapes:
        - x: ``(N, in_channels)``; graph: Hypergraph or edge_index ``(2, E)``
        - output: ``(N, heads * out_channels)`` if ``concat`` else ``(N, out_channels)``
    """

    attention = ("att_src", "att_dst")

    def forward(self, x: Tensor, graph: GraphInput) -> Tensor:
        n = x.size(0)
        src, dst = graph_edges(graph, n, self_loops=True).to(x.device)
        check_edge_memory(src.numel(), self.heads)
        h = self.lin(x).view(n, self.heads, self.out_channels)
        score = (h * self.att_src).sum(-1)[src] + (h * self.att_dst).sum(-1)[dst]  # (E, K)
        alpha = segment_softmax(F.leaky_relu(score, self.negative_slope), dst, n)
        alpha = F.dropout(alpha, self.dropout, self.training)
        out = weighted_gather_sum(h, alpha, src, dst, n)  # (N, K, C)
        return self.combine(out)


def check_edge_memory(num_edges: int, heads: int) -> None:
    """Refuse, with a clear error, a graph whose per-edge tensors would not fit in memory.

    Attention keeps a few ``(E, heads)`` tensors per layer; the clique expansion of a hypergraph with
    hyperedges of thousands of vertices (news20: 53 M edges) would otherwise end in the kernel's
    out-of-memory killer.
    """
    limit = float(os.environ.get("HYPERDISTILL_MAX_EDGE_GIB", MAX_EDGE_GIB))
    need = num_edges * (EDGE_TENSORS * heads * 4 + INDEX_BYTES) / 2**30
    if need > limit:
        raise DataError(
            f"GAT would hold about {need:.1f} GiB of per-edge tensors ({num_edges:,} edges x {heads} "
            f"heads), over the {limit:g} GiB limit; on a hypergraph with large hyperedges its clique "
            "expansion is too dense: use a hypergraph attention teacher (unigat), or raise "
            "$HYPERDISTILL_MAX_EDGE_GIB if the memory is there"
        )
