"""k-hop extraction equals a brute-force walk; HGNN+ is exact on the 2-hop sub-hypergraph."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import DataError
from hyperdistill.eval.khop import IncidenceIndex, gather_rows, khop_subhypergraph
from hyperdistill.models import TEACHERS


def _random_hypergraph(seed: int, num_nodes: int = 60, num_edges: int = 40) -> Hypergraph:
    generator = torch.Generator().manual_seed(seed)
    edges = []
    for _ in range(num_edges):
        size = int(torch.randint(1, 6, (1,), generator=generator))
        edges.append(torch.randint(num_nodes, (size,), generator=generator).tolist())
    return Hypergraph.from_edge_list(edges, num_nodes=num_nodes)  # some vertices stay isolated


def _brute_force(hypergraph: Hypergraph, seeds: list[int], hops: int) -> tuple[set, set, set]:
    members = [set(e) for e in hypergraph.edge_list()]
    vertices, edges = set(seeds), set()
    for _ in range(hops):
        edges = {j for j, e in enumerate(members) if e & vertices}
        vertices = set(seeds) | {v for j in edges for v in members[j]}
    incidences = {(v, j) for j in edges for v in members[j]}
    return vertices, edges, incidences


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
def test_khop_matches_brute_force(seed: int, hops: int) -> None:
    hypergraph = _random_hypergraph(seed)
    seeds = torch.randperm(60, generator=torch.Generator().manual_seed(seed))[:3]
    sub = khop_subhypergraph(hypergraph, seeds, hops)
    vertices, edges, incidences = _brute_force(hypergraph, seeds.tolist(), hops)
    assert set(sub.vertices.tolist()) == vertices
    assert set(sub.edges.tolist()) == edges
    local_v, local_e = sub.hypergraph.hyperedge_index
    found = set(zip(sub.vertices[local_v].tolist(), sub.edges[local_e].tolist(), strict=True))
    assert found == incidences
    assert torch.equal(sub.vertices[sub.seeds], seeds)


def test_gather_rows_concatenates_csr_rows() -> None:
    ptr = torch.tensor([0, 2, 2, 5])
    values = torch.tensor([10, 11, 20, 21, 22])
    out, lengths = gather_rows(ptr, values, torch.tensor([2, 0, 1]))
    assert out.tolist() == [20, 21, 22, 10, 11]
    assert lengths.tolist() == [3, 2, 0]


def test_two_hop_hgnnp_is_exact_for_the_seeds() -> None:
    hypergraph = _random_hypergraph(7, num_nodes=80, num_edges=70).add_singletons()
    x = torch.rand(80, 6)
    teacher = TEACHERS.get("hgnnp")(6, 3).eval()
    seeds = torch.tensor([5, 17, 42])
    sub = khop_subhypergraph(IncidenceIndex.build(hypergraph), seeds, hops=2)
    with torch.no_grad():
        full = teacher(x, hypergraph)[seeds]
        local = teacher(x[sub.vertices], sub.hypergraph)[sub.seeds]
    torch.testing.assert_close(local, full)


def test_bad_seeds_are_reported() -> None:
    with pytest.raises(DataError, match="seed vertex ids"):
        khop_subhypergraph(_random_hypergraph(0), torch.tensor([60]))
