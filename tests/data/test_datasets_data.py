"""Every registered dataset whose files are under the data root loads and matches shared/data/README.md.

Run with ``pytest -m data``; skipped when no data root is found. Graph datasets are checked through their
2-vertex hyperedges, which after ``graph_to_hypergraph`` are exactly the undirected edges.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import torch

from hyperdistill.data import HypergraphDataset, data_root, known_datasets, load_dataset
from hyperdistill.data.registry import DATASETS
from hyperdistill.errors import DataError

pytestmark = [pytest.mark.data, pytest.mark.filterwarnings("error::DeprecationWarning")]


@dataclass(frozen=True)
class Expected:
    """Counts from shared/data/README.md (features None: no features in the files)."""

    nodes: int
    edges: int
    features: int | None
    classes: int
    class_sizes: list[int] | None = None
    distinct_edges: int | None = None  # distinct vertex sets (hypergraphs)
    covered: int | None = None  # vertices in at least one hyperedge
    split_sizes: tuple[int, ...] | None = None  # (train, val, test) of the first shipped split
    num_splits: int = 0
    extra: dict[str, int] = field(default_factory=dict)


CORA = [418, 351, 180, 818, 298, 426, 217]
CITESEER = [701, 596, 508, 590, 668, 249]
DBLP4K = [1197, 745, 1109, 1006]
EXPECTED: dict[str, Expected] = {
    "ca_cora": Expected(2708, 1072, 1433, 7, CORA, 970, 2388, (140, 0, 2568), 10),
    "cc_cora": Expected(2708, 1579, 1433, 7, CORA, 1483, 1434, (140, 0, 2568), 10),
    "cc_citeseer": Expected(3312, 1079, 3703, 6, CITESEER, 1004, 1458, (138, 0, 3174), 10),
    "ca_dblp": Expected(
        41302, 22363, 1425, 6, [6600, 4105, 11214, 7378, 3916, 8089], 20865, 41302, (1740, 0, 39562), 10
    ),
    "cc_pubmed": Expected(19717, 7963, None, 3, [4103, 7875, 7739], 7531, 3840, (78, 0, 19639), 10),
    # Planetoid: HyperGCN's Cora papers in another order; Citeseer has 15 label-less vertices (label 0).
    "cora": Expected(
        2708, 5278, 1433, 7, [351, 217, 418, 818, 426, 298, 180], split_sizes=(140, 500, 1000), num_splits=1
    ),
    "citeseer": Expected(
        3327, 4552, 3703, 6, [249 + 15, 590, 668, 701, 596, 508], split_sizes=(120, 500, 1000), num_splits=1
    ),
    "pubmed": Expected(19717, 44324, None, 3, [4103, 7739, 7875], split_sizes=(60, 500, 1000), num_splits=1),
    "cora_npz": Expected(2708, 5278, 1433, 7, [298, 418, 818, 426, 217, 180, 351]),
    "citeseer_npz": Expected(3312, 4536, 3703, 6, [249, 596, 701, 508, 668, 590]),
    # GLNN's vertices: the largest connected component (its paper's table: 2,485 / 5,069 and 2,110 / 3,668).
    "cora_glnn": Expected(2485, 5069, 1433, 7, [285, 406, 726, 379, 214, 131, 344]),
    "citeseer_glnn": Expected(2110, 3668, 3703, 6, [115, 463, 388, 304, 532, 308]),
    "news20": Expected(
        16242, 100, 100, 4, [4605, 3519, 2656, 5462], covered=16242, extra={"incidences": 65451}
    ),
    "zoo": Expected(101, 43, 16, 7, [41, 20, 5, 13, 4, 8, 10], extra={"incidences": 1717}),
    "mushroom": Expected(8124, 298, 22, 2, [3916, 4208], extra={"incidences": 40620}),
    "imdb_aw": Expected(
        4278,
        5257 + 2081,
        3066,
        3,
        [1135, 1584, 1559],
        split_sizes=(400, 400, 3478),
        num_splits=1,
        extra={"size_ge_2": 2037 + 807, "max_size": 52},
    ),
    "dblp4k_paper": Expected(4057, 14328, 334, 4, DBLP4K, extra={"size_ge_2": 4277, "incidences": 19645}),
    "dblp4k_term": Expected(4057, 7723, 334, 4, DBLP4K, extra={"size_ge_2": 4807}),
    "dblp4k_conf": Expected(4057, 20, 334, 4, DBLP4K, extra={"min_size": 14, "max_size": 1042}),
    "walmart_trips": Expected(
        88860, 69906, None, 11, None, 65979, 88860, extra={"incidences": 460630, "max_size": 25}
    ),
}


@pytest.fixture(scope="module", autouse=True)
def _release_datasets() -> Iterator[None]:
    known_datasets()  # registers the readers' datasets, also when a single test of this module runs
    yield
    _load.cache_clear()


@functools.cache
def _load(name: str) -> tuple[HypergraphDataset, float]:
    root = data_root()
    if root is None:
        pytest.skip("no data root (../shared/data or $HYPERDISTILL_DATA) found")
    if not DATASETS.get(name).is_available(root):
        pytest.skip(f"the files of {name} are not under {root}")
    start = time.perf_counter()
    dataset = load_dataset(name, feature_substitute="random" if EXPECTED[name].features is None else None)
    return dataset, time.perf_counter() - start


def test_every_registered_dataset_has_expected_counts() -> None:
    registered = {spec.name for spec in known_datasets() if spec.directory}
    assert registered == set(EXPECTED)
    for name, want in EXPECTED.items():
        spec = DATASETS.get(name)
        assert spec.expected["num_nodes"] == want.nodes and spec.expected["num_edges"] == want.edges, name
        if want.features is not None:
            assert spec.expected["num_features"] == want.features, name
        assert spec.expected["num_classes"] == want.classes, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dataset_matches_readme(name: str) -> None:
    data, seconds = _load(name)
    want, spec, hypergraph = EXPECTED[name], DATASETS.get(name), data.hypergraph
    sizes = hypergraph.edge_sizes()
    raw_edges = int((sizes == 2).sum()) if spec.kind == "graph" else hypergraph.num_edges
    assert (data.num_nodes, raw_edges, data.num_classes) == (want.nodes, want.edges, want.classes)
    assert data.num_features == (want.features or 64)
    assert data.features.dtype == torch.float32  # finiteness is checked by HypergraphDataset itself
    if want.class_sizes is not None:
        assert torch.bincount(data.labels, minlength=want.classes).tolist() == want.class_sizes
    if want.distinct_edges is not None:
        assert hypergraph.deduplicate().num_edges == want.distinct_edges
    if want.covered is not None:
        assert data.num_nodes - hypergraph.isolated_vertices().numel() == want.covered
    assert len(data.splits) == want.num_splits
    if want.split_sizes is not None:
        split = data.splits[0]
        assert (split.train.numel(), split.val.numel(), split.test.numel()) == want.split_sizes
    checks = {
        "incidences": hypergraph.num_incidences,
        "size_ge_2": int((sizes >= 2).sum()),
        "min_size": int(sizes.min()),
        "max_size": int(sizes.max()),
    }
    assert {key: checks[key] for key in want.extra} == want.extra
    assert seconds < 30, f"{name} took {seconds:.1f} s to load"


@pytest.mark.parametrize("name", [n for n, want in EXPECTED.items() if want.features is None])
def test_missing_features_are_an_error_without_opt_in(name: str) -> None:
    data, _ = _load(name)
    assert any("substitute" in note for note in data.notes)
    with pytest.raises(DataError, match="feature-substitute random"):
        load_dataset(name)
