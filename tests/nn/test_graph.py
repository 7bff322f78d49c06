"""Graphs derived from hypergraphs: edges, normalised operators, caching, self-loop and pair views."""

from __future__ import annotations

import gc
import weakref

import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn import graph as graph_module
from hyperdistill.nn.graph import (
    gcn_operator,
    graph_edges,
    mean_operator,
    normalized_adjacency,
    pairwise_part,
    with_self_loops,
)


def test_graph_edges_of_an_edge_index_replace_self_loops():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 1, 2, 0]])
    with_loops = graph_edges(edge_index, 3, self_loops=True)
    assert with_loops.tolist() == [[0, 1, 2, 0, 1, 2], [1, 2, 0, 0, 1, 2]]
    assert graph_edges(edge_index, 3, self_loops=False).tolist() == [[0, 1, 2], [1, 2, 0]]


def test_hypergraph_results_are_cached_per_instance_and_released_with_it(five_vertex):
    first = graph_edges(five_vertex, 5, self_loops=True)
    assert graph_edges(five_vertex, 5, self_loops=True) is first
    assert gcn_operator(five_vertex, 5, torch.device("cpu")) is gcn_operator(
        five_vertex, 5, torch.device("cpu")
    )
    other = Hypergraph(five_vertex.hyperedge_index, 5, 3)
    assert graph_edges(other, 5, self_loops=True) is not first
    alive = weakref.ref(other)
    del other
    gc.collect()
    assert alive() is None  # the cache holds no strong reference
    assert five_vertex in graph_module._CACHE


def test_normalized_adjacency_adds_repeated_pairs():
    row, col = torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 0, 0])
    dense = normalized_adjacency(row, col, torch.tensor([1.0, 2.0, 1.0, 2.0]), 3).to_dense()
    assert torch.allclose(dense, torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))


def test_mean_operator_counts_repeated_edges_and_leaves_isolated_rows_empty():
    edge_index = torch.tensor([[1, 2, 2, 0], [0, 0, 0, 0]])  # 2 -> 0 twice, a self-loop 0 -> 0, 3 isolated
    dense = mean_operator(edge_index, 4, torch.device("cpu")).to_dense()
    expected = torch.zeros(4, 4)
    expected[0, 1], expected[0, 2] = 1 / 3, 2 / 3
    assert torch.allclose(dense, expected)


def test_with_self_loops_adds_only_the_missing_singletons():
    hypergraph = Hypergraph.from_edge_list([[0, 1], [1], [1, 2]], num_nodes=4)
    looped = with_self_loops(hypergraph)
    assert looped.edge_list() == [[0, 1], [1], [1, 2], [0], [2], [3]]
    assert with_self_loops(looped) is looped


def test_pairwise_part_keeps_two_vertex_hyperedges(five_vertex):
    pairs = pairwise_part(five_vertex)
    assert pairs.num_nodes == 5 and pairs.edge_list() == [[1, 3]]
