"""The Planetoid ``ind.<name>.*`` format (Yang et al., ICML 2016): Cora, Citeseer and Pubmed citation graphs.

Files: ``ind.<name>.{allx, ally, tx, ty, x, y, graph}`` (Python 2 pickles) and ``ind.<name>.test.index``
(text, one vertex id per line). The standard recipe (Kipf & Welling, PyG ``read_planetoid_data``): the first
``len(ally)`` vertices take their rows from ``allx`` / ``ally``; test vertex ``test.index[i]`` takes row i of
``tx`` / ``ty``. Vertices between them that are in no file (15 isolated Citeseer test vertices) get a zero
feature row and label 0, as in PyG and DeepHypergraph (3,327 Citeseer vertices). The graph becomes a
hypergraph with :func:`~hyperdistill.data.transforms.graph_to_hypergraph`. The standard split (train: the
first ``len(y)`` vertices, val: the next 500, test: ``test.index``) is exposed as the dataset's one split.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.readers._common import (
    assemble,
    dense_features,
    expected,
    parse_options,
    register,
    require_files,
    require_substitute,
    substitute_features,
)
from hyperdistill.data.readers._pickle import load_pickle
from hyperdistill.data.readers._text import tokenize
from hyperdistill.data.transforms import graph_to_hypergraph
from hyperdistill.errors import DataError

NUM_VAL = 500  # the standard Planetoid validation set size


def read_planetoid(path: Path, **options: object) -> HypergraphDataset:
    """Read a Planetoid directory.

    Args:
        path: Directory with the ``ind.<name>.*`` files.
        **options: ``name`` (the file prefix, e.g. ``"cora"``; inferred when the directory holds one
            ``ind.*.x`` file) and the common reader options.

    Shapes:
        - features: ``(N, F)`` with ``N = max(len(ally), max(test.index) + 1)``; labels: ``(N,)``
    """
    opts = parse_options(options, "planetoid", name=None)
    prefix = str(opts.extra["name"] or _infer_prefix(path))
    name = opts.name_for(path)
    parts = ("y", "ty", "ally", "graph", "test.index")
    y_file, ty_file, ally_file, graph_file, index_file = require_files(
        path, *(f"ind.{prefix}.{part}" for part in parts), dataset=name
    )
    absent = [
        f"ind.{prefix}.{part}" for part in ("allx", "tx") if not (path / f"ind.{prefix}.{part}").is_file()
    ]
    missing_features = f"{absent[0]} is missing from {path}" if absent else None
    if missing_features:  # fail before the slow part
        require_substitute(opts, missing_features, name)
    ally = _one_hot(load_pickle(ally_file, encoding="latin1"), ally_file)
    test_index = _test_index(index_file, ally.shape[0])
    labels = _labels(ally, ty_file, test_index)
    num_nodes = labels.shape[0]
    hypergraph = graph_to_hypergraph(_edge_index(graph_file, num_nodes), num_nodes)
    if missing_features:
        features, note = substitute_features(num_nodes, opts, missing_features, name)
        notes = [note]
    else:
        features, notes = _features(path, prefix, ally.shape[0], test_index), []
    missing = num_nodes - ally.shape[0] - np.unique(test_index).size
    if missing:
        notes.append(
            f"{missing} vertices are in no feature or label file (ids between ally and the test ids): "
            "they get zero features and label 0, as in PyG / DeepHypergraph"
        )
    num_train = _one_hot(load_pickle(y_file, encoding="latin1"), y_file).shape[0]
    val = torch.arange(num_train, min(num_train + NUM_VAL, ally.shape[0]))
    split = Split(torch.arange(num_train), val, torch.from_numpy(np.sort(test_index)))
    files = (f"ind.{prefix}.allx", ally_file.name)
    return assemble(name, features, labels, hypergraph, path, files, splits=[split], notes=notes)


def _infer_prefix(path: Path) -> str:
    candidates = sorted(p.name[len("ind.") : -len(".x")] for p in path.glob("ind.*.x"))
    if len(candidates) != 1:
        found = ", ".join(candidates) or "none"
        raise DataError(
            f"cannot tell which Planetoid dataset {path} holds (ind.*.x files found: {found}); "
            "pass the prefix with the option name=<prefix>, e.g. name='cora'"
        )
    return candidates[0]


def _test_index(path: Path, num_all: int) -> np.ndarray:
    """Test vertex ids; they must come after the ``ally`` vertices and be distinct."""
    tokens = tokenize(path)
    ids = tokens.ints()
    bad = np.flatnonzero(ids < num_all)
    if bad.size:
        raise tokens.error(
            int(bad[0]), f"test vertex {int(ids[bad[0]])} is among the {num_all} ally vertices"
        )
    if np.unique(ids).size != ids.size:
        raise DataError(f"{path}: a test vertex id is listed twice")
    return ids


def _labels(ally: np.ndarray, ty_file: Path, test_index: np.ndarray) -> np.ndarray:
    """Class ids ``(N,)``: arg-max of the ``ally`` rows, then of the ``ty`` rows placed by ``test.index``."""
    ty = _one_hot(load_pickle(ty_file, encoding="latin1"), ty_file)
    if ty.shape != (test_index.size, ally.shape[1]):
        raise DataError(f"{ty_file}: shape {ty.shape}, but test.index lists {test_index.size} test vertices")
    labels = np.zeros(max(ally.shape[0], int(test_index.max(initial=-1)) + 1), dtype=np.int64)
    labels[: ally.shape[0]] = ally.argmax(axis=1)
    labels[test_index] = ty.argmax(axis=1)
    return labels


def _one_hot(obj: Any, path: Path) -> np.ndarray:
    array = obj.toarray() if hasattr(obj, "toarray") else np.asarray(obj)
    if array.ndim != 2:
        raise DataError(f"{path}: expected a one-hot (vertices x classes) matrix, got shape {array.shape}")
    return array


def _edge_index(path: Path, num_nodes: int) -> torch.Tensor:
    """Adjacency dict ``vertex -> neighbours`` as an edge index ``(2, E)``, a column per listed neighbour."""
    graph = load_pickle(path, encoding="latin1")
    if not isinstance(graph, dict):
        raise DataError(f"{path}: expected a dict vertex -> neighbour list, found a {type(graph).__name__}")
    try:
        src = np.fromiter(graph.keys(), dtype=np.int64, count=len(graph))
        counts = np.fromiter(map(len, graph.values()), dtype=np.int64, count=len(graph))
        dst = np.fromiter(
            (v for hood in graph.values() for v in hood), dtype=np.int64, count=int(counts.sum())
        )
    except (TypeError, ValueError) as exc:
        raise DataError(f"{path}: vertices and neighbours must be integer ids ({exc})") from None
    src = np.repeat(src, counts)
    bad = np.flatnonzero((src < 0) | (src >= num_nodes) | (dst < 0) | (dst >= num_nodes))
    if bad.size:
        raise DataError(
            f"{path}: edge ({int(src[bad[0]])}, {int(dst[bad[0]])}) has a vertex outside [0, {num_nodes}); "
            "the label files define that many vertices"
        )
    return torch.from_numpy(np.stack([src, dst]))


def _features(path: Path, prefix: str, num_all: int, test_index: np.ndarray) -> torch.Tensor:
    """Rows of ``allx`` then ``tx`` placed by ``test.index``; zero rows for vertices in neither.

    Shapes:
        - output: ``(N, F)`` with ``N = max(num_all, max(test_index) + 1)``
    """
    allx_file, tx_file = path / f"ind.{prefix}.allx", path / f"ind.{prefix}.tx"
    allx = dense_features(load_pickle(allx_file, encoding="latin1"), allx_file)
    tx = dense_features(load_pickle(tx_file, encoding="latin1"), tx_file)
    if allx.size(0) != num_all or tx.size(0) != test_index.size or allx.size(1) != tx.size(1):
        raise DataError(
            f"{path}: allx {tuple(allx.shape)} / tx {tuple(tx.shape)} do not match ally ({num_all} rows) "
            f"and test.index ({test_index.size} ids); are the files from the same dataset?"
        )
    features = torch.zeros(max(num_all, int(test_index.max(initial=-1)) + 1), allx.size(1))
    features[:num_all] = allx
    features[torch.from_numpy(test_index)] = tx
    return features


_DESCRIPTION = "{} citation graph (Planetoid); each edge and each 1-hop neighbourhood is a hyperedge"
register(
    "planetoid",
    read_planetoid,
    [
        {
            "name": name,
            "directory": f"planetoid-{name}",
            "kind": "graph",
            "expected": counts,
            "required_files": tuple(f"ind.{name}.{part}" for part in files),
            "options": {"name": name},
            "description": _DESCRIPTION.format(name.capitalize()) + note,
        }
        for name, counts, files, note in [
            ("cora", expected(2708, 5278, 1433, 7), ("allx", "ally", "tx", "ty", "graph", "test.index"), ""),
            (
                "citeseer",
                expected(3327, 4552, 3703, 6),
                ("allx", "ally", "tx", "ty", "graph", "test.index"),
                "",
            ),
            (
                "pubmed",
                expected(19717, 44324, 500, 3),
                ("ally", "ty", "graph", "test.index"),
                "; features missing",
            ),
        ]
    ],
)
