"""New vertices for the per-query benchmark: removed from a hypergraph, inserted back in batches.

A :class:`QueryPool` takes a fixed set of query vertices out of the hypergraph with their incidences (the
production setting's rule: hyperedges keep their other members and are dropped when none remain) and can
insert the first ``b`` of them back as new vertices, which is what a teacher with full propagation must do to
score vertices it has never seen. Everything is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph


class _Prebuilt:
    """Stands in for a Hypergraph inside a teacher: its operator accessor returns a prebuilt operator."""

    def __init__(self, operator_name: str, operator: Any) -> None:
        setattr(self, operator_name, lambda: operator)


def structure_on(hypergraph: Hypergraph, teacher: str, device: torch.device) -> Any:
    """What ``teacher_model(x, structure)`` needs on ``device``, with the teacher's operator built.

    On CPU that is the hypergraph itself (its operator cached on it). Hypergraph builds operators on the
    CPU, so for a GPU the operator is built there and moved; the copy is part of the build.
    """
    name = f"{teacher}_operator"
    if not hasattr(hypergraph, name):
        raise ValueError(f"the speed benchmark knows no propagation operator for teacher {teacher!r}")
    operator = getattr(hypergraph, name)()
    if device.type == "cpu":
        return hypergraph
    return _Prebuilt(name, operator.to(device))


@dataclass
class QueryPool:
    """Query vertices removed from a hypergraph, ready to be inserted back in batches.

    Args:
        base: The hypergraph without the queries (vertices and hyperedges renumbered in id order).
        remaining: Original ids of the base vertices, ``(N_base,)``; base vertex i is ``remaining[i]``.
        queries: Original ids of the queries in insertion order, ``(Q,)``.
        query_ptr: ``(Q + 1,)`` CSR pointers into ``query_edges``, one row per query.
        query_edges: ``(nnz_q,)`` hyperedge ids in the base numbering; ids >= ``base.num_edges`` are
            hyperedges with no base member, numbered after the base ones.
        extra_weight: Weights of those extra hyperedges (None when the hypergraph is unweighted).
    """

    base: Hypergraph
    remaining: Tensor
    queries: Tensor
    query_ptr: Tensor
    query_edges: Tensor
    extra_weight: Tensor | None

    @classmethod
    def split(cls, hypergraph: Hypergraph, queries: Tensor) -> QueryPool:
        """Remove ``queries`` (distinct vertex ids, in the order they will be inserted)."""
        is_query = torch.zeros(hypergraph.num_nodes, dtype=torch.bool)
        is_query[queries] = True
        vertices, edges = hypergraph.hyperedge_index
        keep = ~is_query[vertices]
        kept_edges = torch.unique(edges[keep])  # the base numbering, as Hypergraph.restrict assigns it
        extra_edges = torch.unique(edges[~keep & ~torch.isin(edges, kept_edges)])
        new_id = torch.full((hypergraph.num_edges,), -1, dtype=torch.long)
        new_id[kept_edges] = torch.arange(kept_edges.numel())
        new_id[extra_edges] = kept_edges.numel() + torch.arange(extra_edges.numel())
        remaining = (~is_query).nonzero().flatten()
        position = torch.full((hypergraph.num_nodes,), -1, dtype=torch.long)
        position[queries] = torch.arange(queries.numel())
        q_local, q_edges = position[vertices[~keep]], new_id[edges[~keep]]
        order = torch.argsort(q_local, stable=True)
        ptr = torch.zeros(queries.numel() + 1, dtype=torch.long)
        ptr[1:] = torch.cumsum(torch.bincount(q_local, minlength=queries.numel()), 0)
        weight = None if hypergraph.edge_weight is None else hypergraph.edge_weight[extra_edges]
        return cls(hypergraph.restrict(remaining), remaining, queries, ptr, q_edges[order], weight)

    @property
    def size(self) -> int:
        return int(self.queries.numel())

    def insert(self, count: int) -> Hypergraph:
        """The base hypergraph with the first ``count`` queries appended as vertices ``N_base, ...``."""
        base = self.base
        end = int(self.query_ptr[count])
        degrees = self.query_ptr[1 : count + 1] - self.query_ptr[:count]
        query = torch.repeat_interleave(torch.arange(count), degrees) + base.num_nodes
        edges = self.query_edges[:end].clone()
        extra = edges >= base.num_edges
        used, compact = torch.unique(edges[extra], return_inverse=True)
        edges[extra] = base.num_edges + compact
        index = torch.cat([base.hyperedge_index, torch.stack([query, edges])], dim=1)
        weight = None
        if base.edge_weight is not None and self.extra_weight is not None:
            weight = torch.cat([base.edge_weight, self.extra_weight[used - base.num_edges]])
        return Hypergraph(index, base.num_nodes + count, base.num_edges + used.numel(), weight)
