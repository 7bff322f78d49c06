"""The MAGNN / PyG heterogeneous-graph format (IMDB, DBLP four-area), turned into hypergraphs as dhg does.

Files: ``adjM.npz`` (scipy sparse adjacency over all typed nodes), ``node_types.npy`` (type code per node;
type 0 is the labelled target type), ``features_0.npz`` (or ``.npy``) target features, ``labels.npy`` and
optionally ``train_val_test_idx.npz`` (``train_idx`` / ``val_idx`` / ``test_idx``, exposed as a split).

A hyperedge type names another node type: each node of that type gives the hyperedge of the targets it
reaches, directly (an IMDB director: its movies) or through the one type in between (a DBLP term: the
authors of the papers that contain it). The layout is inferred from the number of node types: 3 is
IMDB-like (movie, director, actor), 4 is DBLP-like (author, paper, term, conf). Hyperedges of size 1 are
kept and nodes that reach no target give no hyperedge.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._common import (
    assemble,
    dense_features,
    expected,
    integer_labels,
    load_npy,
    load_npz_arrays,
    load_sparse_npz,
    parse_options,
    register,
    require_files,
)
from hyperdistill.errors import ConfigError, DataError

log = logging.getLogger(__name__)

#: Node type names by number of types, and the default hyperedge types.
LAYOUTS: dict[int, tuple[tuple[str, ...], str]] = {
    3: (("movie", "director", "actor"), "actor+director"),
    4: (("author", "paper", "term", "conf"), "paper"),
}


def read_magnn(path: Path, **options: object) -> HypergraphDataset:
    """Read a MAGNN-format directory.

    Args:
        path: Directory with ``adjM.npz``, ``node_types.npy``, ``features_0.npz`` and ``labels.npy``.
        **options: ``hyperedges``: ``+``-joined node type names (``"actor+director"``; ``"paper"``,
            ``"term"``, ``"conf"``) or type codes (``"1+2"``), hyperedges listed in that order; default
            per layout (IMDB: ``"actor+director"``, DBLP: ``"paper"``). Plus the common reader options.

    Shapes:
        - features: ``(N, F)`` for the N type-0 nodes; labels: ``(N,)``
    """
    opts = parse_options(options, "magnn", hyperedges=None)
    name = opts.name_for(path)
    adj_file, types_file, labels_file = require_files(
        path, "adjM.npz", "node_types.npy", "labels.npy", dataset=name
    )
    node_types = load_npy(types_file).astype(np.int64).reshape(-1)
    adjacency = load_sparse_npz(adj_file)
    if adjacency.shape != (node_types.size, node_types.size):
        raise DataError(
            f"{adj_file}: shape {adjacency.shape}, but {types_file.name} types {node_types.size} nodes"
        )
    type_codes = _hyperedge_types(opts.extra["hyperedges"], int(node_types.max()) + 1, path)
    targets = np.flatnonzero(node_types == 0)
    vertices, edges, num_edges = [], [], 0
    for code in type_codes:
        incidence = _incidence(adjacency, node_types, code, targets)  # (edges of this type, N)
        v, e, m = _incidences(incidence)
        vertices.append(v)
        edges.append(e + num_edges)
        num_edges += m
    hypergraph = Hypergraph.from_incidences(
        np.concatenate(vertices), np.concatenate(edges), targets.size, num_edges
    )
    labels = integer_labels(load_npy(labels_file), labels_file)
    feature_file = _feature_file(path, name)
    features = dense_features(
        load_sparse_npz(feature_file) if feature_file.suffix == ".npz" else load_npy(feature_file),
        feature_file,
    )
    if labels.shape[0] != targets.size:
        raise DataError(
            f"{labels_file}: {labels.shape[0]} labels, but {types_file.name} has {targets.size} type-0 nodes"
        )
    splits = _split(path / "train_val_test_idx.npz", targets.size)
    return assemble(
        name, features, labels, hypergraph, path, (feature_file.name, labels_file.name), splits=splits
    )


def _hyperedge_types(option: object, num_types: int, path: Path) -> list[int]:
    """Type codes named by the ``hyperedges`` option, in order."""
    names, default = LAYOUTS.get(num_types, ((), None))
    spec = str(option or default or "")
    if not spec:
        raise ConfigError(
            f"{path} has {num_types} node types, not a known layout; pass hyperedges='1+2' (type codes)"
        )
    codes = []
    for part in spec.split("+"):
        part = part.strip()
        code = int(part) if part.isdigit() else (names.index(part) if part in names else -1)
        if not 0 < code < num_types:
            known = ", ".join(names[1:]) or f"codes 1..{num_types - 1}"
            raise ConfigError(
                f"unknown hyperedge type {part!r} for {path}; choose from {known}, joined with '+'"
            )
        codes.append(code)
    return codes


def _incidence(
    adjacency: sp.csr_matrix, node_types: np.ndarray, code: int, targets: np.ndarray
) -> sp.csr_matrix:
    """``(nodes of type code, N)`` matrix: which targets each node reaches, directly or via one other type."""
    sources = np.flatnonzero(node_types == code)
    direct = adjacency[sources][:, targets]
    if direct.nnz:
        return direct
    for middle in range(1, int(node_types.max()) + 1):
        mid = np.flatnonzero(node_types == middle)
        if middle == code or mid.size == 0:
            continue
        to_mid, mid_to_target = adjacency[sources][:, mid], adjacency[mid][:, targets]
        if to_mid.nnz and mid_to_target.nnz:
            return to_mid @ mid_to_target
    return direct


def _incidences(incidence: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, int]:
    """Vertex ids, hyperedge ids and hyperedge count of a ``(hyperedges, N)`` matrix, empty rows dropped."""
    incidence = incidence.tocsr()
    incidence.eliminate_zeros()
    sizes = np.diff(incidence.indptr)
    nonempty = sizes > 0
    if not nonempty.all():
        log.info("%d nodes reach no target vertex and give no hyperedge", int((~nonempty).sum()))
    new_id = np.cumsum(nonempty) - 1
    edges = np.repeat(new_id, sizes)
    return incidence.indices.astype(np.int64), edges, int(nonempty.sum())


def _feature_file(path: Path, name: str) -> Path:
    for candidate in (path / "features_0.npz", path / "features_0.npy"):
        if candidate.is_file():
            return candidate
    raise DataError(
        f"dataset {name!r}: features_0.npz (or .npy) not found in {path}; copy the target features there"
    )


def _split(path: Path, num_nodes: int) -> list[Split]:
    if not path.is_file():
        return []
    arrays = load_npz_arrays(path, keys=("train_idx", "val_idx", "test_idx"))
    parts = [
        torch.from_numpy(arrays[f"{key}_idx"].astype(np.int64).reshape(-1))
        for key in ("train", "val", "test")
    ]
    for part in parts:
        if part.numel() and (int(part.min()) < 0 or int(part.max()) >= num_nodes):
            raise DataError(f"{path}: a split vertex id is outside [0, {num_nodes})")
    try:
        return [Split(*parts)]
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None


_IMDB_FILES = ("adjM.npz", "node_types.npy", "features_0.npz", "labels.npy")
_DBLP_DESCRIPTION = "DBLP four-area (MAGNN): authors, one hyperedge per {}; academic use only"
register(
    "magnn",
    read_magnn,
    [
        {
            "name": "imdb_aw",
            "directory": "imdb4k-magnn",
            "expected": expected(4278, 5257 + 2081, 3066, 3),
            "required_files": _IMDB_FILES,
            "options": {"hyperedges": "actor+director"},
            "description": "IMDB (MAGNN): movies, one hyperedge per actor and per director",
        },
        *(
            {
                "name": f"dblp4k_{kind}",
                "directory": "dblp4k-magnn",
                "expected": expected(4057, count, 334, 4),
                "required_files": _IMDB_FILES,
                "options": {"hyperedges": kind},
                "description": _DBLP_DESCRIPTION.format(what),
            }
            for kind, count, what in [
                ("paper", 14328, "paper (its authors)"),
                ("term", 7723, "term (authors of papers using it)"),
                ("conf", 20, "conference (authors publishing there)"),
            ]
        ),
    ],
)
