"""Readers on tiny hand-made files: the restricted unpickler, helpers, registry, HyperGCN, Planetoid, npz."""

from __future__ import annotations

import os
import pickle
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from hyperdistill.data import load_path
from hyperdistill.data.readers._pickle import load_pickle
from hyperdistill.data.readers._text import tokenize
from hyperdistill.data.registry import DATASETS, FORMATS, known_datasets, load_dataset
from hyperdistill.errors import ConfigError, DataError


def dump(path: Path, obj: object, protocol: int = 4) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(obj, protocol=protocol))


# ----------------------------------------------------------------------------------- restricted unpickler
class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_unpickler_refuses_os_system(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    dump(tmp_path / "evil.pickle", {"features": _Evil(marker)})
    with pytest.raises(DataError, match=r"evil\.pickle.*refused.*(posix|os)\.system"):
        load_pickle(tmp_path / "evil.pickle")
    assert not marker.exists()


def test_unpickler_refuses_builtin_eval(tmp_path: Path) -> None:
    (tmp_path / "eval.pickle").write_bytes(b"cbuiltins\neval\n(V1+1\ntR.")
    with pytest.raises(DataError, match=r"builtins\.eval"):
        load_pickle(tmp_path / "eval.pickle")


def test_unpickler_loads_allowed_types_without_warnings(tmp_path: Path) -> None:
    matrix = sp.random(4, 3, density=0.5, format="csr", dtype=np.float32, random_state=0)
    graph = defaultdict(list, {0: [1], 1: [0]})
    obj = {"x": matrix, "y": np.eye(3, dtype=np.int32), "s": [np.int64(3)], "g": graph, "set": {np.int32(2)}}
    for protocol in (2, 4, 5):
        dump(tmp_path / f"ok{protocol}.pickle", obj, protocol)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loaded = load_pickle(tmp_path / f"ok{protocol}.pickle", encoding="latin1")
        assert (loaded["x"] != matrix).nnz == 0 and loaded["s"] == [3] and loaded["g"][1] == [0]


def test_unpickler_maps_old_module_paths(tmp_path: Path) -> None:
    data = pickle.dumps([sp.csr_matrix(np.eye(2)), np.float32(1.5)], protocol=2)
    old = data.replace(b"scipy.sparse._csr\n", b"scipy.sparse.csr\n").replace(b"numpy._core", b"numpy.core")
    assert b"scipy.sparse.csr\n" in old
    (tmp_path / "old.pickle").write_bytes(old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        matrix, scalar = load_pickle(tmp_path / "old.pickle")
    assert matrix.toarray().tolist() == [[1, 0], [0, 1]] and scalar == np.float32(1.5)


def test_unpickler_reports_truncated_file(tmp_path: Path) -> None:
    data = pickle.dumps({"a": list(range(100))})
    (tmp_path / "cut.pickle").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.pickle is truncated or corrupt.*re-copy"):
        load_pickle(tmp_path / "cut.pickle")


# ----------------------------------------------------------------------------------- text tokenizer
def test_tokenize_keeps_line_numbers_through_comments_and_commas(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("# header\n1, 2 3\n\n4 # four\n,\n5\n")
    tokens = tokenize(tmp_path / "t.txt", commas=True, comments=True)
    assert tokens.ints().tolist() == [1, 2, 3, 4, 5]
    assert tokens.line.tolist() == [2, 2, 2, 4, 6]
    assert tokens.comma_lines.tolist() == [2, 5]
    lines, counts = tokens.rows()
    assert lines.tolist() == [2, 4, 6] and counts.tolist() == [3, 1, 1]


def test_tokenize_names_line_of_bad_value(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("1 2\n3 x\n")
    with pytest.raises(DataError, match=r"t\.txt, line 2: 'x' is not an integer"):
        tokenize(tmp_path / "t.txt").ints()
    (tmp_path / "f.txt").write_text("1.5 2\n3 nan\n")
    with pytest.raises(DataError, match=r"f\.txt, line 2: .*NaN"):
        tokenize(tmp_path / "f.txt").floats()


# ----------------------------------------------------------------------------------- registry
def test_every_registered_dataset_is_documented() -> None:
    specs = [spec for spec in known_datasets() if spec.directory]
    assert {"ca_cora", "news20", "imdb_aw", "dblp4k_term", "walmart_trips", "cora_npz"} <= {
        s.name for s in specs
    }
    for spec in specs:
        assert {"num_nodes", "num_edges", "num_classes"} <= set(spec.expected), spec.name
        assert spec.required_files and spec.description and spec.kind in ("hypergraph", "graph"), spec.name
    assert {"hypergcn", "planetoid", "npz", "le", "magnn", "benson", "plain"} <= set(FORMATS.names())


def test_unknown_names_and_options_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown dataset 'nope'.*ca_cora"):
        load_dataset("nope")
    with pytest.raises(ConfigError, match=r"unknown format 'csv'.*plain"):
        load_path(tmp_path, "csv")
    write_hypergcn(tmp_path)
    with pytest.raises(ConfigError, match=r"unknown option.*colour.*feature_substitute"):
        load_path(tmp_path, "hypergcn", colour="red")
    with pytest.raises(ConfigError, match="feature_substitute"):
        load_path(tmp_path, "hypergcn", feature_substitute="zeros")
    assert "ca_cora" in DATASETS


# ----------------------------------------------------------------------------------- hypergcn
FEATURES = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]], dtype=np.float32)


def write_hypergcn(root: Path, features: np.ndarray | None = FEATURES) -> Path:
    if features is not None:
        dump(root / "features.pickle", sp.csr_matrix(features))
    hyperedges = {"alice": [0, 1], np.int32(7): {np.int32(2), np.int32(3), np.int32(4)}, "bob": [1, 0]}
    dump(root / "hypergraph.pickle", hyperedges, protocol=2)
    dump(root / "labels.pickle", [0, 1, 0, 1, np.int64(2)])
    for k, train in ((1, [0, 1]), (2, [2, 3]), (10, [4])):
        test = [np.int64(v) for v in range(5) if v not in train]
        dump(root / "splits" / f"{k}.pickle", {"train": [np.int64(v) for v in train], "test": test})
    return root


def test_hypergcn_reads_raw_hypergraph_features_and_splits(tmp_path: Path) -> None:
    data = load_path(write_hypergcn(tmp_path), "hypergcn", dataset_name="toy")
    assert (data.name, data.num_nodes, data.hypergraph.num_edges, data.num_features, data.num_classes) == (
        "toy",
        5,
        3,
        3,
        3,
    )
    assert data.hypergraph.edge_list() == [[0, 1], [2, 3, 4], [0, 1]]  # raw: the duplicate is kept
    assert torch.equal(data.features, torch.from_numpy(FEATURES))
    assert [s.train.tolist() for s in data.splits] == [[0, 1], [2, 3], [4]]  # numeric file order
    assert all(s.val.numel() == 0 and s.test.numel() == 5 - s.train.numel() for s in data.splits)
    assert any("validation" in note for note in data.notes)


def test_hypergcn_missing_features_need_opt_in(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_hypergcn(tmp_path, features=None)
    with pytest.raises(DataError, match=r"features\.pickle is missing from .*feature-substitute random"):
        load_path(tmp_path, "hypergcn")
    first = load_path(tmp_path, "hypergcn", feature_substitute="random", substitute_dim=8)
    again = load_path(tmp_path, "hypergcn", feature_substitute="random", substitute_dim=8)
    other = load_path(tmp_path, "hypergcn", feature_substitute="random", substitute_dim=8, substitute_seed=1)
    assert first.features.shape == (5, 8) and torch.equal(first.features, again.features)
    assert not torch.equal(first.features, other.features)
    assert any("substitute" in note for note in first.notes)
    assert any(r.levelname == "WARNING" and "substitute" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda root: (root / "labels.pickle").unlink(), r"labels\.pickle not found in .*"),
        (lambda root: _truncate(root / "hypergraph.pickle"), r"hypergraph\.pickle is truncated or corrupt"),
        (
            lambda root: dump(root / "features.pickle", sp.csr_matrix(FEATURES[:4])),
            r"features\.pickle has 4 rows.*",
        ),
        (
            lambda root: dump(root / "hypergraph.pickle", {"eve": [0, 9]}),
            r"hyperedge 'eve' contains vertex 9",
        ),
        (
            lambda root: dump(root / "features.pickle", np.full((5, 3), np.nan)),
            r"features\.pickle.*row 0.*NaN",
        ),
        (
            lambda root: dump(root / "features.pickle", _sparse_nan()),
            r"features\.pickle: feature row 2 .*NaN",
        ),
        (lambda root: dump(root / "hypergraph.pickle", {"eve": []}), r"hyperedge 'eve' has no member"),
    ],
    ids=["missing-file", "truncated", "shape-mismatch", "vertex-range", "nan", "sparse-nan", "empty-edge"],
)
def test_hypergcn_errors_name_the_file(tmp_path: Path, damage: object, match: str) -> None:
    write_hypergcn(tmp_path)
    damage(tmp_path)  # type: ignore[operator]
    with pytest.raises(DataError, match=match):
        load_path(tmp_path, "hypergcn")


def _sparse_nan() -> sp.csr_matrix:
    features = FEATURES.copy()
    features[2, 2] = np.nan
    return sp.csr_matrix(features)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# ----------------------------------------------------------------------------------- planetoid
def write_planetoid(root: Path, prefix: str = "toy", allx: bool = True) -> Path:
    """7 vertices: 3 "all" ones (2 train), test ids [6, 4]; vertices 3 and 5 in no file (Citeseer-like)."""
    one_hot = np.eye(3, dtype=np.int32)
    parts = {
        "x": sp.csr_matrix(np.array([[1, 0], [0, 1]], dtype=np.float32)),
        "y": one_hot[[0, 1]],
        "tx": sp.csr_matrix(np.array([[5, 5], [4, 4]], dtype=np.float32)),
        "ty": one_hot[[2, 1]],
        "ally": one_hot[[0, 1, 2]],
        "graph": defaultdict(list, {0: [1], 1: [0, 2], 2: [1], 3: [3], 4: [6], 5: [], 6: [4]}),
    }
    if allx:
        parts["allx"] = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
    for name, obj in parts.items():
        dump(root / f"ind.{prefix}.{name}", obj, protocol=2)
    (root / f"ind.{prefix}.test.index").write_text("6\n4\n")
    return root


def test_planetoid_standard_recipe_with_missing_test_vertex(tmp_path: Path) -> None:
    data = load_path(write_planetoid(tmp_path), "planetoid")  # prefix inferred from ind.toy.x
    assert (data.num_nodes, data.num_features, data.num_classes) == (7, 2, 3)
    assert data.features.tolist() == [[1, 0], [0, 1], [1, 1], [0, 0], [4, 4], [0, 0], [5, 5]]
    assert data.labels.tolist() == [0, 1, 2, 0, 1, 0, 2]
    assert int((data.hypergraph.edge_sizes() == 2).sum()) == 3  # undirected edges {0,1} {1,2} {4,6}
    split = data.splits[0]
    assert (split.train.tolist(), split.val.tolist(), split.test.tolist()) == ([0, 1], [2], [4, 6])
    assert any(note.startswith("2 vertices are in no feature or label file") for note in data.notes)


def test_planetoid_prefix_and_missing_allx(tmp_path: Path) -> None:
    write_planetoid(tmp_path, "aa")
    write_planetoid(tmp_path, "bb", allx=False)
    with pytest.raises(DataError, match=r"aa, bb.*name=<prefix>"):
        load_path(tmp_path, "planetoid")
    assert load_path(tmp_path, "planetoid", name="aa").num_features == 2
    with pytest.raises(DataError, match=r"ind\.bb\.allx is missing.*feature_substitute"):
        load_path(tmp_path, "planetoid", name="bb")
    assert load_path(tmp_path, "planetoid", name="bb", feature_substitute="random").num_features == 64


# ----------------------------------------------------------------------------------- npz
def write_npz(path: Path, num_nodes: int = 4) -> Path:
    adj = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]], dtype=np.float32))
    attr = sp.csr_matrix(np.eye(num_nodes, 3, dtype=np.float32))
    arrays = {"adj": adj, "attr": attr}
    parts = {
        f"{key}_{part}": getattr(m, part)
        for key, m in arrays.items()
        for part in ("data", "indices", "indptr")
    }
    parts |= {f"{key}_shape": np.array(m.shape) for key, m in arrays.items()}
    parts |= {
        "labels": np.array([0, 1, 1, 0], dtype=np.int8),
        "class_names": np.array(["Theory", "Practice"]),
    }
    np.savez(path, **parts)
    return path


def test_npz_graph(tmp_path: Path) -> None:
    write_npz(tmp_path / "toy.npz")
    data = load_path(tmp_path, "npz")
    assert (data.name, data.num_nodes, data.num_features, data.class_names) == (
        "toy",
        4,
        3,
        ("Theory", "Practice"),
    )
    assert (
        int((data.hypergraph.edge_sizes() == 2).sum()) == 2
    )  # {0,1} both ways, {1,2}; the self-loop is dropped
    write_npz(tmp_path / "other.npz")
    with pytest.raises(DataError, match=r"2 \.npz files.*file=<name>\.npz"):
        load_path(tmp_path, "npz")
    assert load_path(tmp_path, "npz", file="other.npz").name == "other"
    assert load_path(tmp_path / "toy.npz", "npz").num_nodes == 4


def test_npz_largest_component_keeps_glnns_vertices(tmp_path: Path) -> None:
    # Toy graph: 0-1, 2->1 (a directed edge joins the component), a self-loop on 2, vertex 3 alone.
    write_npz(tmp_path / "toy.npz")
    data = load_path(tmp_path / "toy.npz", "npz", largest_component="true")
    assert data.num_nodes == 3
    assert data.labels.tolist() == [0, 1, 1]
    assert torch.equal(data.features, torch.eye(3))
    pairs = data.hypergraph.edge_sizes() == 2
    assert int(pairs.sum()) == 2  # {0,1}, {1,2}: renumbered within the component
    assert load_path(tmp_path / "toy.npz", "npz", largest_component=False).num_nodes == 4
    with pytest.raises(ConfigError, match="largest_component must be true or false, got 'maybe'"):
        load_path(tmp_path / "toy.npz", "npz", largest_component="maybe")


def test_npz_corrupt_and_incomplete_files(tmp_path: Path) -> None:
    (tmp_path / "bad.npz").write_bytes(b"this is not a zip archive")
    with pytest.raises(DataError, match=r"bad\.npz is truncated or corrupt"):
        load_path(tmp_path / "bad.npz", "npz")
    np.savez(tmp_path / "part.npz", labels=np.zeros(3))
    with pytest.raises(DataError, match=r"part\.npz lacks the array\(s\) adj_data"):
        load_path(tmp_path / "part.npz", "npz")
