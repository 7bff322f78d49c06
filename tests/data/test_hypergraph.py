"""The Hypergraph: validation, transforms, and the HGNN / HGNN+ operators against hand computations."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import DataError

S = 1 / math.sqrt(2)
# D_v^-1/2 H D_e^-1 H^T D_v^-1/2 of the five-vertex example, entry by entry:
# A_ij = sum over hyperedges e holding i and j of 1 / (|e| sqrt(d_i d_j)).
HGNN_BY_HAND = torch.tensor(
    [
        [1 / 3, S / 3, S / 3, 0, 0],
        [S / 3, 5 / 12, 1 / 6, 1 / 4, 0],
        [S / 3, 1 / 6, 1 / 3, 1 / 6, S / 3],
        [0, 1 / 4, 1 / 6, 5 / 12, S / 3],
        [0, 0, S / 3, S / 3, 1 / 3],
    ]
)
# D_v^-1 H D_e^-1 H^T: row i averages, over the hyperedges of i, the mean of their members.
HGNNP_BY_HAND = torch.tensor(
    [
        [1 / 3, 1 / 3, 1 / 3, 0, 0],
        [1 / 6, 5 / 12, 1 / 6, 1 / 4, 0],
        [1 / 6, 1 / 6, 1 / 3, 1 / 6, 1 / 6],
        [0, 1 / 4, 1 / 6, 5 / 12, 1 / 6],
        [0, 0, 1 / 3, 1 / 3, 1 / 3],
    ]
)


def test_hgnn_operator_by_hand(five_vertex):
    assert torch.allclose(five_vertex.hgnn_operator().to_dense(), HGNN_BY_HAND, atol=1e-6)


def test_hgnnp_operator_by_hand(five_vertex):
    assert torch.allclose(five_vertex.hgnnp_operator().to_dense(), HGNNP_BY_HAND, atol=1e-6)
    assert torch.allclose(five_vertex.hgnnp_operator().to_dense().sum(1), torch.ones(5))


def test_operators_are_cached_without_changing_public_state(five_vertex):
    index_before = five_vertex.hyperedge_index.clone()
    first = five_vertex.hgnn_operator()
    assert five_vertex.hgnn_operator() is first
    assert torch.equal(five_vertex.hyperedge_index, index_before)


@st.composite
def random_hypergraphs(draw):
    n = draw(st.integers(2, 12))
    m = draw(st.integers(1, 10))
    edges = [draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)) for _ in range(m)]
    weights = draw(st.lists(st.floats(0.1, 5.0), min_size=m, max_size=m))
    return Hypergraph.from_edge_list(edges, num_nodes=n, edge_weight=weights)


def _dense_parts(hg: Hypergraph):
    H = hg.incidence_matrix().to_dense()
    W = torch.diag(hg.weight)
    dv = H @ hg.weight
    de = H.sum(0)
    inv = lambda d, p: torch.where(d > 0, d.pow(p), torch.zeros_like(d))  # noqa: E731
    return H, W, dv, de, inv


@settings(max_examples=40, deadline=None)
@given(random_hypergraphs())
def test_operators_match_dense_formula(hg):
    H, W, dv, de, inv = _dense_parts(hg)
    hgnn = torch.diag(inv(dv, -0.5)) @ H @ W @ torch.diag(inv(de, -1.0)) @ H.T @ torch.diag(inv(dv, -0.5))
    hgnnp = torch.diag(inv(dv, -1.0)) @ H @ W @ torch.diag(inv(de, -1.0)) @ H.T
    assert torch.allclose(hg.hgnn_operator().to_dense(), hgnn, atol=1e-5)
    assert torch.allclose(hg.hgnnp_operator().to_dense(), hgnnp, atol=1e-5)


def test_operator_gradients_flow(five_vertex):
    x = torch.randn(5, 3, requires_grad=True)
    five_vertex.hgnn_operator()(x).sum().backward()
    assert torch.allclose(x.grad, HGNN_BY_HAND.sum(0).unsqueeze(1).expand(5, 3), atol=1e-6)


def test_add_singletons_covers_isolated_vertices():
    hg = Hypergraph.from_edge_list([[0, 1]], num_nodes=4)
    assert hg.isolated_vertices().tolist() == [2, 3]
    full = hg.add_singletons()
    assert full.num_edges == 3 and full.isolated_vertices().numel() == 0
    assert full.edge_list() == [[0, 1], [2], [3]]


def test_deduplicate_merges_same_sets_in_any_order():
    hg = Hypergraph.from_edge_list([[0, 1, 2], [2, 1, 0], [1, 3], [0, 1]], num_nodes=4)
    merged = hg.deduplicate()
    assert sorted(map(sorted, merged.edge_list())) == [[0, 1], [0, 1, 2], [1, 3]]
    assert merged.edge_weight is None
    summed = hg.deduplicate(reduce="sum")
    assert sorted(summed.weight.tolist()) == [1.0, 1.0, 2.0]


def test_deduplicate_keeps_sets_of_equal_size_apart():
    hg = Hypergraph.from_edge_list([[0, 1], [0, 2], [1, 2], [0, 1]], num_nodes=3)
    assert hg.deduplicate().num_edges == 3


def test_restrict_relabels_and_drops_empty_hyperedges(five_vertex):
    sub = five_vertex.restrict(torch.tensor([3, 4, 1]))
    # {0,1,2} -> {1} -> new id 2; {1,3} -> new {2, 0}; {2,3,4} -> {3,4} -> new {0, 1}
    assert sorted(map(sorted, sub.edge_list())) == [[0, 1], [0, 2], [2]]
    assert sub.num_nodes == 3
    assert five_vertex.restrict(torch.tensor([0])).edge_list() == [[0]]


def test_clique_expansion(five_vertex):
    edges = five_vertex.clique_expansion(self_loops=False)
    pairs = set(map(tuple, edges.T.tolist()))
    expected = {(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4)}
    assert pairs == expected | {(b, a) for a, b in expected}
    with_loops = five_vertex.clique_expansion(self_loops=True)
    assert with_loops.size(1) == edges.size(1) + 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hyperedge_index": torch.tensor([[0, 5], [0, 0]]), "num_nodes": 5, "num_edges": 1}, "vertex id 5"),
        (
            {"hyperedge_index": torch.tensor([[0, 1], [0, 2]]), "num_nodes": 5, "num_edges": 2},
            "hyperedge id 2",
        ),
        ({"hyperedge_index": torch.tensor([[0, 1], [0, 0]]), "num_nodes": 5, "num_edges": 2}, "no member"),
        ({"hyperedge_index": torch.tensor([[0, 0], [0, 0]]), "num_nodes": 5, "num_edges": 1}, "listed twice"),
        ({"hyperedge_index": torch.zeros(3, 2), "num_nodes": 5, "num_edges": 1}, "(2, nnz)"),
    ],
)
def test_invalid_hypergraphs_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Hypergraph(**kwargs)


def test_empty_hyperedge_in_edge_list_names_its_position():
    with pytest.raises(DataError, match="hyperedge 1 of the edge list is empty"):
        Hypergraph.from_edge_list([[0, 1], []], num_nodes=3)


def test_bad_weights_are_refused():
    with pytest.raises(DataError, match="positive"):
        Hypergraph.from_edge_list([[0, 1]], num_nodes=2, edge_weight=[0.0])
