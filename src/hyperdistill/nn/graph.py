"""Graphs for the graph convolutions: an ``edge_index`` given directly, or derived from a hypergraph.

The graph convolutions (GCN, GraphSAGE, GAT) accept either a graph ``edge_index`` ``(2, E)`` (row 0
source, row 1 target, the PyTorch Geometric convention) or a :class:`Hypergraph`, which they read as its
clique expansion. Everything derived from a hypergraph (its clique expansion, the normalised sparse
operators) is cached per hypergraph instance in a :class:`weakref.WeakKeyDictionary`, so it is built once,
is never stored on the immutable hypergraph itself, and disappears with it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable
from typing import Any, TypeAlias, TypeVar
from weakref import WeakKeyDictionary

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph

#: What a graph convolution accepts as structure.
GraphInput: TypeAlias = Hypergraph | Tensor

T = TypeVar("T")

_CACHE: WeakKeyDictionary[Hypergraph, dict[Hashable, Any]] = WeakKeyDictionary()


def cached(hypergraph: Hypergraph, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per ``(hypergraph instance, key)``; later calls return the stored result."""
    entries = _CACHE.setdefault(hypergraph, {})
    if key not in entries:
        entries[key] = build()
    return entries[key]


def graph_edges(graph: GraphInput, num_nodes: int, self_loops: bool) -> Tensor:
    """The graph's ``edge_index`` ``(2, E)`` with exactly one self-loop per vertex, or none.

    A hypergraph gives its clique expansion (both directions, cached); an ``edge_index`` keeps its edges,
    repeats included, with its self-loops replaced by one per vertex (``self_loops=True``, as PyG's
    ``GATConv``) or removed.
    """
    if isinstance(graph, Hypergraph):
        if graph.num_nodes != num_nodes:
            raise ValueError(f"the hypergraph has {graph.num_nodes} vertices but x has {num_nodes} rows")
        return cached(graph, ("clique", self_loops), lambda: graph.clique_expansion(self_loops))
    edge_index = graph[:, graph[0] != graph[1]]
    if self_loops:
        loops = torch.arange(num_nodes, device=graph.device).expand(2, -1)
        edge_index = torch.cat([edge_index, loops], dim=1)
    return edge_index


def normalized_adjacency(row: Tensor, col: Tensor, weight: Tensor, num_nodes: int) -> Tensor:
    """``D^-1/2 A D^-1/2`` as sparse CSR, with ``A[row, col] = sum of weight`` and ``D = diag(A 1)``.

    Repeated ``(row, col)`` pairs add up; vertices with ``D = 0`` get zero rows and columns.

    Shapes:
        - row, col, weight: ``(E,)``
        - output: ``(num_nodes, num_nodes)`` sparse CSR
    """
    keys, inverse = torch.unique(row * num_nodes + col, return_inverse=True)
    values = weight.new_zeros(keys.numel()).index_add_(0, inverse, weight)
    rows, cols = keys // num_nodes, keys % num_nodes
    degree = weight.new_zeros(num_nodes).index_add_(0, rows, values)
    scale = degree.pow(-0.5).masked_fill_(degree == 0, 0.0)
    return sorted_csr(rows, cols, scale[rows] * values * scale[cols], num_nodes)


def sorted_csr(rows: Tensor, cols: Tensor, values: Tensor, num_nodes: int) -> Tensor:
    """A square sparse CSR tensor from distinct ``(row, col)`` pairs already sorted row-major.

    Built on the device of ``rows`` (unlike :func:`hyperdistill.nn.operators.csr`, which builds on CPU).
    """
    crow = torch.zeros(num_nodes + 1, dtype=torch.long, device=rows.device)
    crow[1:] = torch.cumsum(torch.bincount(rows, minlength=num_nodes), 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's "sparse CSR support is in beta" notice
        return torch.sparse_csr_tensor(
            crow, cols, values.float(), (num_nodes, num_nodes), check_invariants=False
        )


def gcn_operator(graph: GraphInput, num_nodes: int, device: torch.device) -> Tensor:
    """GCN propagation ``D^-1/2 (A + I) D^-1/2`` (Kipf & Welling 2017), sparse CSR ``(N, N)``.

    Self-loops of weight one replace any the graph has (PyG's ``add_remaining_self_loops`` for unweighted
    graphs); messages flow source -> target. Cached per hypergraph and device.
    """

    def build() -> Tensor:
        src, dst = graph_edges(graph, num_nodes, self_loops=True).to(device)
        return normalized_adjacency(dst, src, torch.ones(src.numel(), device=device), num_nodes)

    if isinstance(graph, Hypergraph):
        return cached(graph, ("gcn", str(device)), build)
    return build()


def mean_operator(graph: GraphInput, num_nodes: int, device: torch.device) -> Tensor:
    """Mean over in-neighbours, self excluded (GraphSAGE's mean aggregator), sparse CSR ``(N, N)``.

    A vertex with no neighbour gets a zero row. Cached per hypergraph and device.
    """

    def build() -> Tensor:
        src, dst = graph_edges(graph, num_nodes, self_loops=False).to(device)
        keys, counts = torch.unique(dst * num_nodes + src, return_counts=True)
        rows, cols = keys // num_nodes, keys % num_nodes
        degree = torch.zeros(num_nodes, device=device).index_add_(0, rows, counts.float())
        return sorted_csr(rows, cols, counts.float() / degree[rows], num_nodes)

    if isinstance(graph, Hypergraph):
        return cached(graph, ("mean", str(device)), build)
    return build()


def with_self_loops(hypergraph: Hypergraph) -> Hypergraph:
    """The hypergraph plus a singleton hyperedge ``{v}`` (weight 1) for every vertex without one (cached).

    AllSet and ED-HNN train on this augmentation, so a vertex's own features reach it in every layer.
    """

    def build() -> Hypergraph | None:  # None: nothing to add (a cached value must not hold its key)
        vertices, edges = hypergraph.hyperedge_index
        singleton = hypergraph.edge_sizes()[edges] == 1
        has_loop = torch.zeros(hypergraph.num_nodes, dtype=torch.bool)
        has_loop[vertices[singleton]] = True
        missing = (~has_loop).nonzero().flatten()
        if missing.numel() == 0:
            return None
        new_edges = torch.arange(hypergraph.num_edges, hypergraph.num_edges + missing.numel())
        index = torch.cat([hypergraph.hyperedge_index, torch.stack([missing, new_edges])], dim=1)
        weight = hypergraph.edge_weight
        if weight is not None:
            weight = torch.cat([weight, torch.ones(missing.numel())])
        return Hypergraph(index, hypergraph.num_nodes, hypergraph.num_edges + missing.numel(), weight)

    augmented = cached(hypergraph, "with_self_loops", build)
    return hypergraph if augmented is None else augmented


def pairwise_part(hypergraph: Hypergraph) -> Hypergraph:
    """The sub-hypergraph of the 2-vertex hyperedges only, same vertices (cached).

    For data that came from a graph (every edge a 2-vertex hyperedge, plus neighbourhood hyperedges) its
    clique expansion is the original graph, where the full clique expansion would join 2-hop neighbours.
    """

    def build() -> Hypergraph:
        sizes = hypergraph.edge_sizes()
        keep = sizes == 2
        new_id = torch.cumsum(keep.long(), 0) - 1
        mask = keep[hypergraph.hyperedge_index[1]]
        vertices, edges = hypergraph.hyperedge_index[:, mask]
        weight = None if hypergraph.edge_weight is None else hypergraph.edge_weight[keep]
        return Hypergraph(
            torch.stack([vertices, new_id[edges]]), hypergraph.num_nodes, int(keep.sum()), weight
        )

    return cached(hypergraph, "pairwise_part", build)
