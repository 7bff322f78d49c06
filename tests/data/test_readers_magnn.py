"""The MAGNN heterogeneous reader on tiny IMDB-like and DBLP-like graphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from hyperdistill.data import load_path
from hyperdistill.errors import ConfigError, DataError


def write_magnn(root: Path, types: list[int], links: list[tuple[int, int]], num_targets: int) -> Path:
    n = len(types)
    rows, cols = zip(*links, strict=True)
    adj = sp.coo_matrix((np.ones(len(links), dtype=np.int32), (rows, cols)), shape=(n, n))
    sp.save_npz(root / "adjM.npz", (adj + adj.T).tocsr())
    np.save(root / "node_types.npy", np.array(types, dtype=np.int32))
    sp.save_npz(root / "features_0.npz", sp.csr_matrix(np.eye(num_targets, 3)))
    np.save(root / "labels.npy", np.arange(num_targets) % 2)
    return root


# IMDB-like: movies 0-3, directors 4-5, actors 6-8.
IMDB_TYPES = [0, 0, 0, 0, 1, 1, 2, 2, 2]
IMDB_LINKS = [(4, 0), (4, 1), (5, 2), (5, 3), (6, 0), (6, 2), (7, 1), (8, 0), (8, 1), (8, 3)]
# DBLP-like: authors 0-2, papers 3-5, terms 6-7, conference 8.
DBLP_TYPES = [0, 0, 0, 1, 1, 1, 2, 2, 3]
DBLP_LINKS = [(3, 0), (3, 1), (4, 1), (5, 2), (3, 6), (4, 6), (5, 7), (3, 8), (4, 8), (5, 8)]


def test_imdb_layout_actor_and_director_hyperedges(tmp_path: Path) -> None:
    write_magnn(tmp_path, IMDB_TYPES, IMDB_LINKS, 4)
    np.savez(tmp_path / "train_val_test_idx.npz", train_idx=[0], val_idx=[1], test_idx=[2, 3])
    data = load_path(tmp_path, "magnn")  # default for three node types: actor+director
    assert (data.num_nodes, data.hypergraph.num_edges, data.num_features, data.num_classes) == (4, 5, 3, 2)
    assert data.hypergraph.edge_list() == [[0, 2], [1], [0, 1, 3], [0, 1], [2, 3]]
    split = data.splits[0]
    assert (split.train.tolist(), split.val.tolist(), split.test.tolist()) == ([0], [1], [2, 3])
    assert load_path(tmp_path, "magnn", hyperedges="director").hypergraph.edge_list() == [[0, 1], [2, 3]]


@pytest.mark.parametrize(
    ("kind", "edges"),
    [
        ("paper", [[0, 1], [1], [2]]),
        ("term", [[0, 1], [2]]),
        ("conf", [[0, 1, 2]]),
        ("conf+term", [[0, 1, 2], [0, 1], [2]]),
    ],
)
def test_dblp_layout_hyperedges_through_papers(tmp_path: Path, kind: str, edges: list[list[int]]) -> None:
    data = load_path(write_magnn(tmp_path, DBLP_TYPES, DBLP_LINKS, 3), "magnn", hyperedges=kind)
    assert data.hypergraph.edge_list() == edges and data.splits == ()


def test_magnn_errors(tmp_path: Path) -> None:
    write_magnn(tmp_path, DBLP_TYPES, DBLP_LINKS, 3)
    with pytest.raises(ConfigError, match=r"unknown hyperedge type 'actor'.*paper, term, conf"):
        load_path(tmp_path, "magnn", hyperedges="actor")
    np.save(tmp_path / "labels.npy", np.zeros(5, dtype=np.int64))
    with pytest.raises(DataError, match=r"labels\.npy: 5 labels, but node_types\.npy has 3 type-0 nodes"):
        load_path(tmp_path, "magnn")
    (tmp_path / "adjM.npz").write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(DataError, match=r"adjM\.npz is truncated or corrupt"):
        load_path(tmp_path, "magnn")
