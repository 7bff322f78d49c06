"""The HyperGCN pickle format: co-authorship and co-citation hypergraphs (Yadav et al., NeurIPS 2019).

A dataset directory holds ``features.pickle`` (scipy CSR ``(N, F)``), ``hypergraph.pickle`` (a dict from a
hyperedge key, e.g. an author name, to a collection of 0-based vertex ids), ``labels.pickle`` (a list of N
class ids) and optionally ``splits/1.pickle`` ... ``splits/k.pickle`` (dicts with ``train`` and ``test``
vertex-id lists). The splits have no validation part: they are exposed as :class:`Split` with an empty
``val``, and a protocol that needs validation vertices must carve them out of ``train``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._common import (
    assemble,
    check_vertex_ids,
    dense_features,
    expected,
    integer_labels,
    parse_options,
    register,
    require_files,
    require_substitute,
    substitute_features,
)
from hyperdistill.data.readers._pickle import load_pickle
from hyperdistill.errors import DataError

SPLIT_NOTE = "the shipped splits have train and test sets only; their validation sets are empty"


def read_hypergcn(path: Path, **options: object) -> HypergraphDataset:
    """Read a HyperGCN-format directory.

    Args:
        path: Directory with ``hypergraph.pickle``, ``labels.pickle`` and (normally) ``features.pickle``.
        **options: Common reader options (``dataset_name``, ``feature_substitute``, ...).

    Returns:
        The raw dataset: hyperedges as listed (duplicates kept), features as stored.

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``
    """
    opts = parse_options(options, "hypergcn")
    name = opts.name_for(path)
    hypergraph_file, labels_file = require_files(path, "hypergraph.pickle", "labels.pickle", dataset=name)
    feature_file = path / "features.pickle"
    missing_features = None if feature_file.is_file() else f"features.pickle is missing from {path}"
    if missing_features:
        require_substitute(opts, missing_features, name)
    labels = integer_labels(_as_sequence(load_pickle(labels_file), labels_file), labels_file)
    hypergraph = _read_hypergraph(hypergraph_file, labels.shape[0])
    notes: list[str] = []
    if missing_features:
        features, note = substitute_features(labels.shape[0], opts, missing_features, name)
        notes.append(note)
    else:
        features = dense_features(load_pickle(feature_file), feature_file)
    splits = _read_splits(path / "splits", labels.shape[0])
    if splits:
        notes.append(SPLIT_NOTE)
    files = (feature_file.name, labels_file.name)
    return assemble(name, features, labels, hypergraph, path, files, splits=splits, notes=notes)


def _as_sequence(obj: Any, path: Path) -> Any:
    if not isinstance(obj, list | tuple | np.ndarray):
        raise DataError(f"{path}: expected a list of class ids, found a {type(obj).__name__}")
    return obj


def _read_hypergraph(path: Path, num_nodes: int) -> Hypergraph:
    """Hyperedges from a dict ``key -> vertex ids`` (or a list of vertex-id collections)."""
    obj = load_pickle(path)
    if isinstance(obj, dict):
        keys, members = list(obj.keys()), list(obj.values())
    elif isinstance(obj, list | tuple):
        keys, members = list(range(len(obj))), list(obj)
    else:
        raise DataError(f"{path}: expected a dict of hyperedges, found a {type(obj).__name__}")
    try:
        sizes = np.fromiter(map(len, members), dtype=np.int64, count=len(members))
        vertices = np.fromiter(itertools.chain.from_iterable(members), dtype=np.int64, count=int(sizes.sum()))
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{path}: every hyperedge must be a collection of integer vertex ids ({exc})"
        ) from None
    if (sizes == 0).any():
        raise DataError(f"{path}: hyperedge {keys[int(np.argmax(sizes == 0))]!r} has no member; remove it")
    edges = np.repeat(np.arange(len(members), dtype=np.int64), sizes)
    check_vertex_ids(vertices, edges, num_nodes, path, keys)
    return Hypergraph.from_incidences(vertices, edges, num_nodes, len(members))


def _read_splits(directory: Path, num_nodes: int) -> list[Split]:
    """The ``splits/<k>.pickle`` files in numeric order; train/test (and val, if present) id lists."""
    if not directory.is_dir():
        return []
    splits = []
    for file in sorted(directory.glob("*.pickle"), key=_split_order):
        split = load_pickle(file)
        if not isinstance(split, dict) or not {"train", "test"} <= set(split):
            raise DataError(f"{file}: expected a dict with 'train' and 'test' vertex-id lists")
        parts = [_ids(split.get(key, ()), num_nodes, file, key) for key in ("train", "val", "test")]
        try:
            splits.append(Split(*parts))
        except DataError as exc:
            raise DataError(f"{file}: {exc}") from None
    return splits


def _split_order(file: Path) -> tuple[int, int, str]:
    return (0, int(file.stem), "") if file.stem.isdigit() else (1, 0, file.stem)


def _ids(values: Iterable[Any], num_nodes: int, file: Path, key: str) -> torch.Tensor:
    ids = np.asarray(list(values), dtype=np.int64).reshape(-1)
    bad = np.flatnonzero((ids < 0) | (ids >= num_nodes))
    if bad.size:
        raise DataError(f"{file}: {key} vertex {int(ids[bad[0]])} is outside [0, {num_nodes})")
    return torch.from_numpy(ids)


_FILES = ("features.pickle", "hypergraph.pickle", "labels.pickle")
register(
    "hypergcn",
    read_hypergcn,
    [
        {
            "name": "ca_cora",
            "directory": "ca-cora",
            "expected": expected(2708, 1072, 1433, 7),
            "required_files": _FILES,
            "description": "Co-authorship Cora (HyperGCN): papers, one hyperedge per author",
        },
        {
            "name": "cc_cora",
            "directory": "cc-cora",
            "expected": expected(2708, 1579, 1433, 7),
            "required_files": _FILES,
            "description": "Co-citation Cora (HyperGCN): papers, one hyperedge per citing paper",
        },
        {
            "name": "cc_citeseer",
            "directory": "cc-citeseer",
            "expected": expected(3312, 1079, 3703, 6),
            "required_files": _FILES,
            "description": "Co-citation Citeseer (HyperGCN): papers, one hyperedge per citing paper",
        },
        {
            "name": "ca_dblp",
            "directory": "ca-dblp",
            "expected": expected(41302, 22363, 1425, 6),
            "required_files": _FILES,
            "description": "Co-authorship DBLP (HyperGCN): 41k papers, one hyperedge per author",
        },
        {
            "name": "cc_pubmed",
            "directory": "cc-pubmed",
            "expected": expected(19717, 7963, 500, 3),
            "required_files": _FILES[1:],
            "description": "Co-citation Pubmed (HyperGCN); no features: needs feature_substitute='random'",
        },
    ],
)
