"""Splits and protocols, feature / structure transforms, and the synthetic generator."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.splits import PROTOCOLS, hold_out, split_per_class
from hyperdistill.data.synthetic import SyntheticConfig, make_synthetic
from hyperdistill.data.transforms import graph_to_hypergraph, normalize_features
from hyperdistill.errors import ConfigError


def test_split_per_class_counts_and_determinism():
    labels = torch.arange(3).repeat_interleave(200)
    split = split_per_class(labels, 20, 100, seed=0)
    assert torch.bincount(labels[split.train]).tolist() == [20, 20, 20]
    assert torch.bincount(labels[split.val]).tolist() == [100, 100, 100]
    assert split.test.numel() == 600 - 360
    assert torch.equal(split.train, split_per_class(labels, 20, 100, seed=0).train)
    assert not torch.equal(split.train, split_per_class(labels, 20, 100, seed=1).train)


def test_small_classes_keep_test_vertices():
    labels = torch.tensor([0] * 50 + [1] * 4)
    split = split_per_class(labels, 20, 30, seed=0)
    assert torch.bincount(labels[split.train]).tolist() == [20, 2]
    assert (labels[split.test] == 1).sum() >= 1


def test_protocols():
    assert PROTOCOLS["lighthgnn"].seeds == (0, 1, 2, 3, 4)
    assert (PROTOCOLS["glnn"].num_train, PROTOCOLS["glnn"].num_val, len(PROTOCOLS["glnn"].seeds)) == (
        20,
        30,
        10,
    )


def test_hold_out_partitions_the_test_set():
    split = split_per_class(torch.arange(2).repeat_interleave(100), 20, 30, seed=0)
    observed, inductive = hold_out(split, 0.2, seed=0)
    assert inductive.numel() == round(0.2 * split.test.numel())
    assert torch.equal(torch.sort(torch.cat([observed, inductive])).values, split.test)
    with pytest.raises(ConfigError, match="share"):
        hold_out(split, 1.0, seed=0)


def test_row_l1_normalisation():
    x = torch.tensor([[1.0, 3.0], [0.0, 0.0], [-2.0, 2.0]])
    assert torch.allclose(normalize_features(x), torch.tensor([[0.25, 0.75], [0.0, 0.0], [-0.5, 0.5]]))
    with pytest.raises(ConfigError, match="row_l1"):
        normalize_features(x, "zscore")


def test_graph_to_hypergraph_by_hand():
    # path 0-1-2 and isolated 3, edges given in both directions with a self-loop and a repeat
    edges = torch.tensor([[0, 1, 1, 2, 2, 1], [1, 0, 2, 1, 2, 2]])
    hg = graph_to_hypergraph(edges, num_nodes=4)
    sets = sorted(map(sorted, hg.edge_list()))
    # pairs {0,1}, {1,2}; neighbourhoods {0,1} (merged with the pair), {0,1,2}, {1,2} (merged), {3}
    assert sets == [[0, 1], [0, 1, 2], [1, 2], [3]]


def test_synthetic_is_deterministic_and_seeded():
    a, b = make_synthetic(num_nodes=500, seed=3), make_synthetic(num_nodes=500, seed=3)
    assert torch.equal(a.features, b.features)
    assert torch.equal(a.hypergraph.hyperedge_index, b.hypergraph.hyperedge_index)
    c = make_synthetic(num_nodes=500, seed=4)
    assert not torch.equal(a.features, c.features)


def test_synthetic_plants_classes():
    data = make_synthetic(num_nodes=2000, edge_noise=0.0)
    vertices, edges = data.hypergraph.hyperedge_index
    first = torch.full((data.hypergraph.num_edges,), -1).scatter_reduce(
        0, edges, data.labels[vertices], "amax"
    )
    assert bool((data.labels[vertices] == first[edges]).all())  # every hyperedge within one class
    cfg = SyntheticConfig()
    block = cfg.num_features // cfg.num_classes
    own = torch.stack(
        [data.features[i, c * block : (c + 1) * block].sum() for i, c in enumerate(data.labels[:50])]
    )
    assert float(own.sum() / data.features[:50].sum()) > cfg.feature_signal


def test_synthetic_validates_parameters():
    with pytest.raises(ConfigError, match="edge_noise"):
        make_synthetic(edge_noise=1.5)


@pytest.mark.slow
def test_a_million_vertices_take_seconds():
    import time

    start = time.perf_counter()
    data = make_synthetic(num_nodes=1_000_000, num_features=64, words_per_node=10)
    assert data.num_nodes == 1_000_000
    assert time.perf_counter() - start < 60
