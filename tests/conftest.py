"""Shared fixtures: tiny hypergraphs whose operators are worked out by hand in the tests."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph


@pytest.fixture
def five_vertex() -> Hypergraph:
    """Hyperedges {0,1,2}, {1,3}, {2,3,4}: degrees (1,2,2,2,1), sizes (3,2,3)."""
    return Hypergraph.from_edge_list([[0, 1, 2], [1, 3], [2, 3, 4]], num_nodes=5)


# One thread: the tests' tensors are tiny, and OpenMP threads only add overhead (and contention on CI's two
# cores). Results are deterministic for a given seed either way.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _deterministic() -> None:
    torch.manual_seed(0)
