"""The immutable hypergraph: incidences, sizes, weights, and the operators derived from them.

A hypergraph is stored as its incidence list ``hyperedge_index`` of shape ``(2, nnz)``: row 0 holds vertex
ids, row 1 hyperedge ids (the PyTorch Geometric convention). Everything else (degrees, the HGNN and HGNN+
propagation operators, restrictions to vertex subsets) is derived on demand; derived operators are cached in
a private dict, so the public state never changes after construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from hyperdistill.errors import DataError
from hyperdistill.nn.operators import TwoStageOperator


@dataclass(frozen=True, eq=False)
class Hypergraph:
    """A hypergraph on ``num_nodes`` vertices and ``num_edges`` hyperedges.

    Args:
        hyperedge_index: Incidences, ``(2, nnz)`` int64; row 0 vertex ids in ``[0, num_nodes)``, row 1
            hyperedge ids in ``[0, num_edges)``. Every hyperedge has at least one member and no incidence
            is repeated.
        num_nodes: Number of vertices N (vertices in no hyperedge are allowed).
        num_edges: Number of hyperedges M.
        edge_weight: Optional positive hyperedge weights ``(M,)``; ``None`` means all ones.

    Shapes:
        - hyperedge_index: ``(2, nnz)``
        - edge_weight: ``(M,)`` or None
    """

    hyperedge_index: Tensor
    num_nodes: int
    num_edges: int
    edge_weight: Tensor | None = None
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self.hyperedge_index
        if not isinstance(index, Tensor) or index.dim() != 2 or index.size(0) != 2:
            shape = tuple(index.shape) if isinstance(index, Tensor) else type(index).__name__
            raise DataError(f"hyperedge_index must be a (2, nnz) tensor, got {shape}")
        if index.dtype != torch.long:
            object.__setattr__(self, "hyperedge_index", index.long())
            index = self.hyperedge_index
        if self.num_nodes < 0 or self.num_edges < 0:
            raise DataError(f"num_nodes and num_edges must be >= 0, got {self.num_nodes}, {self.num_edges}")
        if index.numel():
            _check_range(index[0], self.num_nodes, "vertex")
            _check_range(index[1], self.num_edges, "hyperedge")
        sizes = torch.bincount(index[1], minlength=self.num_edges)
        empty = (sizes == 0).nonzero().flatten()
        if empty.numel():
            raise DataError(
                f"{empty.numel()} hyperedge(s) have no member, the first is hyperedge {int(empty[0])}; "
                "drop empty hyperedges before building the Hypergraph"
            )
        keys = index[1] * max(self.num_nodes, 1) + index[0]
        if torch.unique(keys).numel() != keys.numel():
            raise DataError(
                "an incidence (vertex, hyperedge) is listed twice; use Hypergraph.from_edge_list or "
                "coalesce the incidences first"
            )
        if self.edge_weight is not None:
            weight = self.edge_weight
            if weight.shape != (self.num_edges,):
                raise DataError(f"edge_weight must have shape ({self.num_edges},), got {tuple(weight.shape)}")
            if not bool(torch.isfinite(weight).all()) or bool((weight <= 0).any()):
                raise DataError("edge_weight must be finite and positive")

    # ----------------------------------------------------------------------------------- construction
    @classmethod
    def from_edge_list(
        cls,
        edges: Sequence[Sequence[int]],
        num_nodes: int | None = None,
        edge_weight: Sequence[float] | None = None,
    ) -> Hypergraph:
        """Build from a list of hyperedges, each a collection of vertex ids (repeats inside one are merged).

        Raises DataError on an empty hyperedge, naming its position in ``edges``.
        """
        sizes = np.fromiter((len(e) for e in edges), dtype=np.int64, count=len(edges))
        if (sizes == 0).any():
            raise DataError(f"hyperedge {int(np.argmax(sizes == 0))} of the edge list is empty")
        members = np.fromiter((int(v) for e in edges for v in e), dtype=np.int64, count=int(sizes.sum()))
        edge_ids = np.repeat(np.arange(len(edges), dtype=np.int64), sizes)
        if num_nodes is None:
            num_nodes = int(members.max()) + 1 if members.size else 0
        weight = None if edge_weight is None else torch.as_tensor(edge_weight, dtype=torch.float32)
        return cls.from_incidences(members, edge_ids, num_nodes, len(edges), weight)

    @classmethod
    def from_incidences(
        cls,
        vertices: np.ndarray | Tensor,
        hyperedges: np.ndarray | Tensor,
        num_nodes: int,
        num_edges: int | None = None,
        edge_weight: Tensor | None = None,
    ) -> Hypergraph:
        """Build from parallel vertex / hyperedge id arrays, dropping repeated incidences."""
        v = torch.as_tensor(np.asarray(vertices), dtype=torch.long)
        e = torch.as_tensor(np.asarray(hyperedges), dtype=torch.long)
        if num_edges is None:
            num_edges = int(e.max()) + 1 if e.numel() else 0
        if v.numel():
            _check_range(v, num_nodes, "vertex")
            _check_range(e, num_edges, "hyperedge")
        keys = torch.unique(e * max(num_nodes, 1) + v)  # sorted by hyperedge, then vertex
        index = torch.stack([keys % max(num_nodes, 1), keys // max(num_nodes, 1)])
        return cls(index, num_nodes, num_edges, edge_weight)

    # ----------------------------------------------------------------------------------- basic views
    @property
    def num_incidences(self) -> int:
        return int(self.hyperedge_index.size(1))

    @property
    def weight(self) -> Tensor:
        """Hyperedge weights ``(M,)``, all ones when none were given."""
        if self.edge_weight is None:
            return torch.ones(self.num_edges)
        return self.edge_weight

    def edge_sizes(self) -> Tensor:
        """Number of members per hyperedge, ``(M,)``."""
        return torch.bincount(self.hyperedge_index[1], minlength=self.num_edges)

    def vertex_degrees(self, weighted: bool = True) -> Tensor:
        """Vertex degree ``(N,)``: sum of incident hyperedge weights (or their count when not weighted)."""
        vertices, edges = self.hyperedge_index
        contrib = self.weight[edges] if weighted else torch.ones(edges.numel())
        return torch.zeros(self.num_nodes).index_add_(0, vertices, contrib)

    def isolated_vertices(self) -> Tensor:
        """Ids of vertices that belong to no hyperedge."""
        return (torch.bincount(self.hyperedge_index[0], minlength=self.num_nodes) == 0).nonzero().flatten()

    def edge_list(self) -> list[list[int]]:
        """Hyperedges as lists of vertex ids (for inspection and small cases; O(nnz) Python objects)."""
        order = torch.argsort(self.hyperedge_index[1], stable=True)
        vertices = self.hyperedge_index[0, order].tolist()
        bounds = np.concatenate([[0], np.cumsum(self.edge_sizes().numpy())]).tolist()
        return [vertices[bounds[i] : bounds[i + 1]] for i in range(self.num_edges)]

    def incidence_matrix(self) -> Tensor:
        """The incidence matrix H ``(N, M)`` as a sparse COO tensor of ones."""
        values = torch.ones(self.num_incidences)
        shape = (self.num_nodes, self.num_edges)
        return torch.sparse_coo_tensor(self.hyperedge_index, values, shape, check_invariants=True).coalesce()

    def __repr__(self) -> str:
        weighted = ", weighted" if self.edge_weight is not None else ""
        return (
            f"Hypergraph(num_nodes={self.num_nodes}, num_edges={self.num_edges}, "
            f"num_incidences={self.num_incidences}{weighted})"
        )

    # ----------------------------------------------------------------------------------- operators
    def hgnn_operator(self) -> TwoStageOperator:
        """HGNN smoothing ``D_v^-1/2 H W D_e^-1 H^T D_v^-1/2`` as two sparse stages (never N x N).

        Vertices in no hyperedge have ``D_v = 0``; their row and column are zero (add singleton
        hyperedges first, as the HGNN paper does, to keep them).
        """
        return self._cached("hgnn", self._build_hgnn)

    def hgnnp_operator(self) -> TwoStageOperator:
        """HGNN+ two-stage mean ``D_v^-1 H W D_e^-1 H^T``: vertex -> hyperedge mean -> vertex mean."""
        return self._cached("hgnnp", self._build_hgnnp)

    def v2e_mean(self) -> Tensor:
        """Sparse CSR ``(M, N)`` that averages member rows into hyperedge rows (``D_e^-1 H^T``)."""
        return self._cached("v2e_mean", lambda: self.hgnnp_operator().v2e)

    def _cached(self, key: str, build: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _build_hgnn(self) -> TwoStageOperator:
        vertices, edges = self.hyperedge_index
        dv_inv_sqrt = _safe_pow(self.vertex_degrees(), -0.5)
        de_inv = _safe_pow(self.edge_sizes().float(), -1.0)
        v2e = de_inv[edges] * dv_inv_sqrt[vertices]
        e2v = dv_inv_sqrt[vertices] * self.weight[edges]
        return TwoStageOperator.from_incidences(vertices, edges, v2e, e2v, self.num_nodes, self.num_edges)

    def _build_hgnnp(self) -> TwoStageOperator:
        vertices, edges = self.hyperedge_index
        dv_inv = _safe_pow(self.vertex_degrees(), -1.0)
        de_inv = _safe_pow(self.edge_sizes().float(), -1.0)
        v2e = de_inv[edges]
        e2v = dv_inv[vertices] * self.weight[edges]
        return TwoStageOperator.from_incidences(vertices, edges, v2e, e2v, self.num_nodes, self.num_edges)

    # ----------------------------------------------------------------------------------- transforms
    def add_singletons(self) -> Hypergraph:
        """A copy with a singleton hyperedge ``{v}`` (weight 1) for every vertex in no hyperedge."""
        isolated = self.isolated_vertices()
        if isolated.numel() == 0:
            return self
        new_edges = torch.arange(self.num_edges, self.num_edges + isolated.numel())
        index = torch.cat([self.hyperedge_index, torch.stack([isolated, new_edges])], dim=1)
        weight = None
        if self.edge_weight is not None:
            weight = torch.cat([self.edge_weight, torch.ones(isolated.numel())])
        return Hypergraph(index, self.num_nodes, self.num_edges + isolated.numel(), weight)

    def deduplicate(self, reduce: str = "mean") -> Hypergraph:
        """Merge hyperedges with the same vertex set into one.

        Args:
            reduce: How the weights of merged copies combine: ``"mean"`` (keeps weight 1 for unweighted
                hypergraphs, as DeepHypergraph does) or ``"sum"`` (a merged edge counts as many times as
                it appeared).
        """
        if reduce not in ("mean", "sum"):
            raise ValueError(f"reduce must be 'mean' or 'sum', got {reduce!r}")
        representative = _duplicate_representatives(self.hyperedge_index, self.num_nodes, self.num_edges)
        keep = torch.unique(representative)
        if keep.numel() == self.num_edges:
            return self
        new_id = torch.full((self.num_edges,), -1, dtype=torch.long)
        new_id[keep] = torch.arange(keep.numel())
        weight_sum = torch.zeros(keep.numel()).index_add_(0, new_id[representative], self.weight)
        copies = torch.bincount(new_id[representative], minlength=keep.numel()).float()
        weight = weight_sum / copies if reduce == "mean" else weight_sum
        mask = torch.isin(self.hyperedge_index[1], keep)
        index = torch.stack([self.hyperedge_index[0, mask], new_id[self.hyperedge_index[1, mask]]])
        if self.edge_weight is None and bool((weight == 1).all()):
            return Hypergraph(index, self.num_nodes, keep.numel())
        return Hypergraph(index, self.num_nodes, keep.numel(), weight)

    def restrict(self, vertices: Tensor) -> Hypergraph:
        """The sub-hypergraph induced by ``vertices``, relabelled ``0..len(vertices)-1`` in the given order.

        Hyperedges keep their members inside ``vertices`` and are dropped when none remain (the
        production setting's rule). Weights follow their hyperedges.
        """
        vertices = torch.as_tensor(vertices, dtype=torch.long)
        if torch.unique(vertices).numel() != vertices.numel():
            raise DataError("restrict() needs distinct vertex ids")
        new_vertex = torch.full((self.num_nodes,), -1, dtype=torch.long)
        new_vertex[vertices] = torch.arange(vertices.numel())
        mask = new_vertex[self.hyperedge_index[0]] >= 0
        kept_edges = torch.unique(self.hyperedge_index[1, mask])
        new_edge = torch.full((self.num_edges,), -1, dtype=torch.long)
        new_edge[kept_edges] = torch.arange(kept_edges.numel())
        index = torch.stack(
            [new_vertex[self.hyperedge_index[0, mask]], new_edge[self.hyperedge_index[1, mask]]]
        )
        weight = None if self.edge_weight is None else self.edge_weight[kept_edges]
        return Hypergraph(index, vertices.numel(), kept_edges.numel(), weight)

    def clique_expansion(self, self_loops: bool = True) -> Tensor:
        """Clique expansion as a graph ``edge_index (2, E)`` (both directions, no repeats).

        Costs ``sum_e |e|^2`` memory: fine for co-authorship style data, not for hyperedges of thousands.
        """
        sizes = self.edge_sizes()
        pairs = int((sizes.long() ** 2).sum())
        if pairs > 200_000_000:
            raise DataError(
                f"the clique expansion would hold {pairs:,} vertex pairs; use a hypergraph teacher instead"
            )
        order = torch.argsort(self.hyperedge_index[1], stable=True)
        members = self.hyperedge_index[0, order]
        starts = torch.cumsum(sizes, 0) - sizes
        edge_of_pair = torch.repeat_interleave(torch.arange(self.num_edges), sizes**2)
        offset = torch.arange(pairs) - torch.repeat_interleave(torch.cumsum(sizes**2, 0) - sizes**2, sizes**2)
        size_of_pair = sizes[edge_of_pair]
        src = members[starts[edge_of_pair] + offset // size_of_pair]
        dst = members[starts[edge_of_pair] + offset % size_of_pair]
        if self_loops:
            loops = torch.arange(self.num_nodes)
            src, dst = torch.cat([src, loops]), torch.cat([dst, loops])
        else:
            keep = src != dst
            src, dst = src[keep], dst[keep]
        keys = torch.unique(src * self.num_nodes + dst)
        return torch.stack([keys // self.num_nodes, keys % self.num_nodes])


def _check_range(ids: Tensor, upper: int, what: str) -> None:
    bad = ((ids < 0) | (ids >= upper)).nonzero().flatten()
    if bad.numel():
        raise DataError(
            f"{what} id {int(ids[bad[0]])} (incidence {int(bad[0])}) is out of range [0, {upper}); "
            f"{bad.numel()} incidence(s) are affected. Check that {what} ids are 0-based and that the "
            f"declared number of {what}s is right"
        )


def _safe_pow(values: Tensor, exponent: float) -> Tensor:
    out = values.float().pow(exponent)
    out[values == 0] = 0.0
    return out


def _duplicate_representatives(index: Tensor, num_nodes: int, num_edges: int) -> Tensor:
    """For each hyperedge, the smallest id of a hyperedge with the same vertex set, ``(M,)``.

    Candidates are grouped by size and two random 63-bit hashes of the member set, then checked member
    by member, so the result is exact; everything is vectorised (no loop over hyperedges).
    """
    rng = np.random.default_rng(0)
    vertices, edges = index[0].numpy(), index[1].numpy()
    sizes = np.bincount(edges, minlength=num_edges)
    hashes = []
    for _ in range(2):
        keys = rng.integers(1, 2**62, size=num_nodes, dtype=np.int64)
        h = np.zeros(num_edges, dtype=np.int64)
        with np.errstate(over="ignore"):
            np.add.at(h, edges, keys[vertices])
        hashes.append(h)
    order = np.lexsort((np.arange(num_edges), hashes[1], hashes[0], sizes))
    same_as_prev = np.zeros(num_edges, dtype=bool)
    same_as_prev[1:] = (
        (sizes[order[1:]] == sizes[order[:-1]])
        & (hashes[0][order[1:]] == hashes[0][order[:-1]])
        & (hashes[1][order[1:]] == hashes[1][order[:-1]])
    )
    group_start = np.maximum.accumulate(np.where(same_as_prev, 0, np.arange(num_edges)))
    representative = np.empty(num_edges, dtype=np.int64)
    representative[order] = order[group_start]
    # Exact check: members sorted per hyperedge must agree position by position with the representative's.
    sort = np.lexsort((vertices, edges))
    sorted_vertices = vertices[sort]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    candidates = np.nonzero(representative != np.arange(num_edges))[0]
    if candidates.size:
        reps = representative[candidates]
        cand_sizes = sizes[candidates]
        within = np.arange(cand_sizes.sum()) - np.repeat(np.cumsum(cand_sizes) - cand_sizes, cand_sizes)
        a = sorted_vertices[np.repeat(starts[candidates], cand_sizes) + within]
        b = sorted_vertices[np.repeat(starts[reps], cand_sizes) + within]
        mismatch = np.zeros(candidates.size, dtype=bool)
        np.logical_or.at(mismatch, np.repeat(np.arange(candidates.size), cand_sizes), a != b)
        representative[candidates[mismatch]] = candidates[mismatch]  # hash collision: keep it separate
    return torch.from_numpy(representative)
