"""Sparse propagation operators shared by the hypergraph convolutions.

Hypergraph smoothing ``A = E2V @ V2E`` is applied as two sparse products (vertex -> hyperedge, hyperedge ->
vertex) instead of materialising the ``N x N`` product: the cost is O(nnz(H)) per application whatever the
hyperedge sizes, while ``A`` itself has ``sum_e |e|^2`` entries (tens of millions on News20).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import Tensor


def csr(rows: Tensor, cols: Tensor, values: Tensor, shape: tuple[int, int]) -> Tensor:
    """A float32 sparse CSR tensor from COO triplets; ``(row, col)`` pairs must be distinct.

    Built directly (sort + row counts) rather than through COO, so it is fast and emits none of
    torch's beta-state warnings into the user's log.
    """
    order = torch.argsort(rows * max(shape[1], 1) + cols)
    crow = torch.zeros(shape[0] + 1, dtype=torch.long)
    crow[1:] = torch.cumsum(torch.bincount(rows, minlength=shape[0]), 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            crow, cols[order], values[order].float(), shape, check_invariants=False
        )


@dataclass(frozen=True)
class TwoStageOperator:
    """``x -> e2v @ (v2e @ x)``: a hypergraph message pass as two sparse CSR matrices.

    Shapes:
        - v2e: ``(M, N)`` vertex -> hyperedge aggregation
        - e2v: ``(N, M)`` hyperedge -> vertex aggregation
        - input ``(N, F)``, output ``(N, F)``
    """

    v2e: Tensor
    e2v: Tensor

    @classmethod
    def from_incidences(
        cls,
        vertices: Tensor,
        edges: Tensor,
        v2e_values: Tensor,
        e2v_values: Tensor,
        num_nodes: int,
        num_edges: int,
    ) -> TwoStageOperator:
        """Both stages from the incidence list and one value per incidence for each stage."""
        v2e = csr(edges, vertices, v2e_values, (num_edges, num_nodes))
        e2v = csr(vertices, edges, e2v_values, (num_nodes, num_edges))
        return cls(v2e, e2v)

    def __call__(self, x: Tensor) -> Tensor:
        return self.e2v @ (self.v2e @ x)

    def to(self, device: torch.device | str) -> TwoStageOperator:
        return TwoStageOperator(self.v2e.to(device), self.e2v.to(device))

    def to_dense(self) -> Tensor:
        """The ``(N, N)`` product as a dense matrix (tests and tiny graphs only)."""
        return self.e2v.to_dense() @ self.v2e.to_dense()
