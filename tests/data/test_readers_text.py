"""The text-file readers on tiny hand-made files: LE, Benson and the plain format, with their error cases."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from hyperdistill.data import load_path
from hyperdistill.errors import DataError

# ----------------------------------------------------------------------------------- LE
CONTENT = "2\t0\t1\t2\n0\t1\t0\t1\n4\t1\t1\t3\n1\t0\t0\t1\n3\t2\t2\t2\n"  # ids out of order, labels 1..3
EDGES = "0\t5\n1\t5\n2\t6\n3\t6\n4\t6\n4\t7\n"  # hyperedge ids start after the last vertex id (4)


def write_le(root: Path, content: str = CONTENT, edges: str = EDGES, name: str = "toy") -> Path:
    (root / f"{name}.content").write_text(content)
    (root / f"{name}.edges").write_text(edges)
    return root


def test_le_maps_rows_by_id_and_shifts_one_based_labels(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        data = load_path(write_le(tmp_path), "le")
    assert (data.num_nodes, data.hypergraph.num_edges, data.num_features, data.num_classes) == (5, 3, 2, 3)
    assert data.features.tolist() == [[1, 0], [0, 0], [0, 1], [2, 2], [1, 1]]
    assert data.labels.tolist() == [0, 0, 1, 1, 2]
    assert data.hypergraph.edge_list() == [[0, 1], [2, 3, 4], [4]]  # size-1 hyperedges are kept
    assert any("1-based" in note for note in data.notes) and "1-based" in caplog.text


@pytest.mark.parametrize(
    ("content", "edges", "match"),
    [
        (
            CONTENT.replace("4\t1\t1\t3", "4\t1\t3"),
            EDGES,
            r"toy\.content, line 3: 3 columns, but line 1 has 4",
        ),
        (CONTENT.replace("0\t1\t0\t1", "0\t1\tx\t1"), EDGES, r"toy\.content, line 2: 'x' is not a number"),
        (CONTENT.replace("0\t1\t0\t1", "0\tnan\t0\t1"), EDGES, r"toy\.content, line 2: value 'nan' is NaN"),
        (CONTENT.replace("3\t2\t2\t2", "1\t2\t2\t2"), EDGES, r"vertex id 1 appears twice, on lines 4 and 5"),
        (CONTENT, EDGES + "9\t7\n", r"toy\.edges, line 7: vertex 9 is not in the \.content file"),
        (CONTENT, EDGES + "1\t3\n", r"toy\.edges, line 7: hyperedge id 3 is not after the last vertex id"),
        (CONTENT, EDGES + "1 5 6\n", r"toy\.edges, line 7: 3 columns"),
    ],
    ids=["columns", "non-numeric", "nan", "duplicate-id", "unknown-vertex", "edge-id", "edge-columns"],
)
def test_le_errors_name_file_and_line(tmp_path: Path, content: str, edges: str, match: str) -> None:
    with pytest.raises(DataError, match=match):
        load_path(write_le(tmp_path, content, edges), "le")


def test_le_needs_prefix_when_ambiguous(tmp_path: Path) -> None:
    write_le(tmp_path, name="a")
    write_le(tmp_path, name="b")
    with pytest.raises(DataError, match=r"\.content files: a, b.*name=<prefix>"):
        load_path(tmp_path, "le")
    assert load_path(tmp_path, "le", name="b").num_nodes == 5


# ----------------------------------------------------------------------------------- Benson
def write_benson(root: Path, edges: str = "1,2\n2,3,4\n5\n", labels: str = "1\n2\n2\n1\n3\n") -> Path:
    (root / "hyperedges-toy.txt").write_text(edges)
    (root / "node-labels-toy.txt").write_text(labels)
    (root / "label-names-toy.txt").write_text("red\ngreen, light\nblue\n")
    return root


def test_benson_reads_one_based_ids_and_needs_substitute(tmp_path: Path) -> None:
    write_benson(tmp_path)
    with pytest.raises(DataError, match=r"no vertex features.*Benson format has no feature file"):
        load_path(tmp_path, "benson")
    data = load_path(tmp_path, "benson", feature_substitute="random", substitute_dim=4)
    assert (data.num_nodes, data.hypergraph.num_edges, data.num_features) == (5, 3, 4)
    assert data.hypergraph.edge_list() == [[0, 1], [1, 2, 3], [4]]
    assert data.labels.tolist() == [0, 1, 1, 0, 2]
    assert data.class_names == ("red", "green, light", "blue")


@pytest.mark.parametrize(
    ("edges", "labels", "match"),
    [
        ("1,2\n2,6\n", "1\n2\n2\n1\n3\n", r"hyperedges-toy\.txt, line 2: vertex 6 is outside 1\.\.5"),
        ("1,2\n", "1\n2,3\n2\n1\n3\n", r"node-labels-toy\.txt, line 2: 2 labels"),
        ("1,2\n", "1\n4\n2\n1\n3\n", r"node-labels-toy\.txt, line 2: label 4 is out of range"),
        ("1,2\n", "1\n\n2\n1\n3\n", r"node-labels-toy\.txt, line 2: empty"),
    ],
    ids=["vertex-range", "multi-label", "label-range", "label-gap"],
)
def test_benson_errors(tmp_path: Path, edges: str, labels: str, match: str) -> None:
    with pytest.raises(DataError, match=match):
        load_path(write_benson(tmp_path, edges, labels), "benson", feature_substitute="random")


# ----------------------------------------------------------------------------------- plain
HYPEREDGES = "# a comment line\n0 1 2\n\nw=2.5 1,3\n3\t4  # trailing comment\n"
LABELS = "0\n1\n1\n0\n2\n"
CSV = "1,0\n0,1\n1,1\n0,0\n2,2\n"


def write_plain(
    root: Path, hyperedges: str = HYPEREDGES, labels: str = LABELS, csv: str | None = CSV
) -> Path:
    (root / "hyperedges.txt").write_text(hyperedges)
    (root / "labels.txt").write_text(labels)
    if csv is not None:
        (root / "features.csv").write_text(csv)
    return root


def test_plain_format_example(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("a\nb\nc\n")
    data = load_path(write_plain(tmp_path), "plain")
    assert (data.num_nodes, data.hypergraph.num_edges, data.num_features, data.num_classes) == (5, 3, 2, 3)
    assert data.hypergraph.edge_list() == [[0, 1, 2], [1, 3], [3, 4]]
    assert data.hypergraph.edge_weight is not None and data.hypergraph.edge_weight.tolist() == [1.0, 2.5, 1.0]
    assert data.features.tolist() == [[1, 0], [0, 1], [1, 1], [0, 0], [2, 2]]
    assert data.class_names == ("a", "b", "c")


def test_plain_unweighted_and_binary_feature_files(tmp_path: Path) -> None:
    write_plain(tmp_path, hyperedges="0,1\n2 3 4\n", csv=None)
    dense = np.arange(10, dtype=np.float32).reshape(5, 2)
    np.save(tmp_path / "features.npy", dense)
    data = load_path(tmp_path, "plain")
    assert data.hypergraph.edge_weight is None and torch.equal(data.features, torch.from_numpy(dense))
    (tmp_path / "features.npy").unlink()
    sp.save_npz(tmp_path / "features.npz", sp.csr_matrix(dense))
    assert torch.equal(load_path(tmp_path, "plain").features, torch.from_numpy(dense))
    np.savez(tmp_path / "features.npz", dense)
    assert torch.equal(load_path(tmp_path, "plain").features, torch.from_numpy(dense))
    np.save(tmp_path / "features.npy", dense)
    with pytest.raises(DataError, match="several feature files"):
        load_path(tmp_path, "plain")


@pytest.mark.parametrize(
    ("hyperedges", "labels", "csv", "match"),
    [
        ("0 1\nw=2\n", LABELS, CSV, r"hyperedges\.txt, line 2: empty hyperedge"),
        ("0 1\n , ,\n", LABELS, CSV, r"hyperedges\.txt, line 2: empty hyperedge"),
        ("0 1\n# c\n2 5\n", LABELS, CSV, r"hyperedges\.txt, line 3: vertex id 5 is outside \[0, 5\)"),
        ("0 1\n2 w=3\n", LABELS, CSV, r"line 2: a weight 'w=\.\.\.' must be the first token"),
        ("w=-1 0 1\n", LABELS, CSV, r"line 1: weight -1\.0 must be positive"),
        ("0 1\n2 x\n", LABELS, CSV, r"hyperedges\.txt, line 2: 'x' is not an integer"),
        (HYPEREDGES, LABELS, CSV.replace("1,1", "1,nan"), r"features\.csv, line 3: value 'nan' is NaN"),
        (HYPEREDGES, LABELS, CSV + "3,3\n", r"features\.csv has 6 rows but labels\.txt has 5 labels"),
        (HYPEREDGES, "0\n1\n\n0\n2\n", CSV, r"labels\.txt, line 3: empty"),
        (HYPEREDGES, "0\n1\n-1\n0\n2\n", CSV, r"labels\.txt, line 3: label -1 is negative"),
    ],
    ids=[
        "weight-only",
        "separators-only",
        "vertex-range",
        "weight-position",
        "negative-weight",
        "non-integer",
        "nan-csv",
        "shape-mismatch",
        "label-gap",
        "negative-label",
    ],
)
def test_plain_errors_name_file_and_line(
    tmp_path: Path, hyperedges: str, labels: str, csv: str, match: str
) -> None:
    with pytest.raises(DataError, match=match):
        load_path(write_plain(tmp_path, hyperedges, labels, csv), "plain")


def test_plain_nan_in_binary_features_and_missing_files(tmp_path: Path) -> None:
    write_plain(tmp_path, csv=None)
    with pytest.raises(
        DataError, match=r"no features\.npy, features\.npz or features\.csv.*feature_substitute"
    ):
        load_path(tmp_path, "plain")
    features = np.ones((5, 2), dtype=np.float32)
    features[3, 1] = np.nan
    np.save(tmp_path / "features.npy", features)
    with pytest.raises(DataError, match=r"features\.npy: feature row 3 \(vertex 3\) holds NaN"):
        load_path(tmp_path, "plain")
    (tmp_path / "labels.txt").unlink()
    with pytest.raises(DataError, match=r"labels\.txt not found in .*"):
        load_path(tmp_path, "plain")
    with pytest.raises(DataError, match="does not exist"):
        load_path(tmp_path / "nowhere", "plain")
