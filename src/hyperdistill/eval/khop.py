"""k-hop sub-hypergraphs around query vertices, extracted with vectorised gathers (no loop over vertices).

The k-hop sub-hypergraph of seeds S: ``E_1`` = hyperedges containing a seed, ``V_1`` = their members (and S);
``E_2`` = hyperedges containing a vertex of ``V_1``, ``V_2`` = their members; and so on to ``E_k``, ``V_k``.
It keeps the hyperedges ``E_k`` whole, so every vertex within ``k - 1`` hops keeps all its hyperedges: a
k-layer HGNN+ (mean aggregation, output-side degree) computes exactly the same outputs for the seeds on it
as on the whole hypergraph. HGNN's symmetric normalisation also reads the degree of the outermost vertices,
which the sub-hypergraph truncates, so its outputs there are a close approximation.

The gathers read a prebuilt :class:`IncidenceIndex` (both CSR directions of the incidence list), so the cost
grows with the size of the neighbourhood, not of the hypergraph.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import DataError


@dataclass(frozen=True)
class IncidenceIndex:
    """The incidence list grouped by vertex and by hyperedge (CSR pointers and ids).

    Shapes:
        - vertex_ptr: ``(N + 1,)``; vertex_edges: ``(nnz,)`` hyperedge ids, grouped by vertex
        - edge_ptr: ``(M + 1,)``; edge_vertices: ``(nnz,)`` vertex ids, grouped by hyperedge
    """

    vertex_ptr: Tensor
    vertex_edges: Tensor
    edge_ptr: Tensor
    edge_vertices: Tensor
    hypergraph: Hypergraph

    @classmethod
    def build(cls, hypergraph: Hypergraph) -> IncidenceIndex:
        """Index ``hypergraph``: two stable sorts of its incidences, O(nnz log nnz) once."""
        vertices, edges = hypergraph.hyperedge_index
        by_vertex = torch.argsort(vertices, stable=True)
        by_edge = torch.argsort(edges, stable=True)
        return cls(
            vertex_ptr=_pointers(vertices, hypergraph.num_nodes),
            vertex_edges=edges[by_vertex],
            edge_ptr=_pointers(edges, hypergraph.num_edges),
            edge_vertices=vertices[by_edge],
            hypergraph=hypergraph,
        )


@dataclass(frozen=True)
class SubHypergraph:
    """A sub-hypergraph and where it sits in the original.

    Args:
        hypergraph: The extracted structure, vertices relabelled ``0..len(vertices)-1``.
        vertices: Original ids of its vertices, sorted; local vertex i is ``vertices[i]``.
        edges: Original ids of its hyperedges, sorted; local hyperedge j is ``edges[j]``.
        seeds: Local positions of the seed vertices, in the order the seeds were given.
    """

    hypergraph: Hypergraph
    vertices: Tensor
    edges: Tensor
    seeds: Tensor


def gather_rows(ptr: Tensor, values: Tensor, rows: Tensor) -> tuple[Tensor, Tensor]:
    """The CSR rows ``rows`` concatenated, and the length of each, without a Python loop.

    Shapes:
        - ptr: ``(R + 1,)``; values: ``(nnz,)``; rows: ``(k,)``
        - output: ``(sum of row lengths,)`` values, ``(k,)`` lengths
    """
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    total = int(lengths.sum())
    offsets = torch.cumsum(lengths, 0) - lengths
    position = torch.arange(total) - torch.repeat_interleave(offsets - starts, lengths)
    return values[position], lengths


def khop_subhypergraph(source: Hypergraph | IncidenceIndex, seeds: Tensor, hops: int = 2) -> SubHypergraph:
    """Extract the ``hops``-hop sub-hypergraph around ``seeds`` (see the module docstring).

    Args:
        source: The hypergraph, or its prebuilt index (build it once when extracting repeatedly).
        seeds: Vertex ids ``(S,)``.
        hops: Number of vertex -> hyperedge -> vertex steps (0 keeps the seeds alone, without hyperedges).
    """
    index = source if isinstance(source, IncidenceIndex) else IncidenceIndex.build(source)
    hypergraph = index.hypergraph
    seeds = torch.as_tensor(seeds, dtype=torch.long).flatten()
    if hops < 0:
        raise DataError(f"hops must be >= 0, got {hops}")
    if seeds.numel() and (int(seeds.min()) < 0 or int(seeds.max()) >= hypergraph.num_nodes):
        raise DataError(f"seed vertex ids must lie in [0, {hypergraph.num_nodes}); got {seeds.tolist()[:10]}")
    vertices = torch.unique(seeds)
    edges = torch.zeros(0, dtype=torch.long)
    for _ in range(hops):
        edges = torch.unique(gather_rows(index.vertex_ptr, index.vertex_edges, vertices)[0])
        members = gather_rows(index.edge_ptr, index.edge_vertices, edges)[0]
        vertices = torch.unique(torch.cat([seeds, members]))
    members, sizes = gather_rows(index.edge_ptr, index.edge_vertices, edges)
    local = torch.stack(
        [torch.searchsorted(vertices, members), torch.repeat_interleave(torch.arange(edges.numel()), sizes)]
    )
    weight = None if hypergraph.edge_weight is None else hypergraph.edge_weight[edges]
    sub = Hypergraph(local, vertices.numel(), edges.numel(), weight)
    return SubHypergraph(sub, vertices, edges, torch.searchsorted(vertices, seeds))


def _pointers(ids: Tensor, size: int) -> Tensor:
    ptr = torch.zeros(size + 1, dtype=torch.long)
    ptr[1:] = torch.cumsum(torch.bincount(ids, minlength=size), 0)
    return ptr
