"""The plain format: the simplest way to bring your own hypergraph (documented in docs/formats.md).

A directory holding:

- ``hyperedges.txt``: one hyperedge per line, 0-based vertex ids separated by whitespace and/or commas.
  ``#`` starts a comment; blank and comment-only lines are skipped. An optional first token ``w=<float>``
  gives the hyperedge a positive weight (default 1).
- ``labels.txt``: line i holds the integer class (0-based) of vertex i - 1; every vertex is labelled, so
  the number of lines is the number of vertices N.
- Features, at most one of: ``features.npy`` (dense ``(N, F)``), ``features.npz`` (a scipy sparse matrix
  from ``scipy.sparse.save_npz``, or an ``np.savez`` archive with one array) or ``features.csv`` (one row of
  numbers per vertex, comma or whitespace separated, no header, ``#`` comments skipped). Without one,
  loading needs ``feature_substitute="random"``.
- ``classes.txt`` (optional): the class names, one per line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._common import (
    assemble,
    dense_features,
    load_npy,
    load_npz_arrays,
    load_sparse_npz,
    parse_options,
    register,
    require_files,
    substitute_features,
)
from hyperdistill.data.readers._text import Tokens, read_lines, read_table, tokenize
from hyperdistill.errors import DataError

FEATURE_FILES = ("features.npy", "features.npz", "features.csv")


def read_plain(path: Path, **options: object) -> HypergraphDataset:
    """Read a plain-format directory (see the module docstring or docs/formats.md).

    Args:
        path: Directory with ``hyperedges.txt``, ``labels.txt`` and normally a ``features.*`` file.
        **options: The common reader options (``dataset_name``, ``feature_substitute``, ...).

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``; hypergraph edge_weight: ``(M,)`` or None
    """
    opts = parse_options(options, "plain")
    name = opts.name_for(path)
    edges_file, labels_file = require_files(path, "hyperedges.txt", "labels.txt", dataset=name)
    labels = _read_labels(labels_file)
    hypergraph = _read_hyperedges(edges_file, labels.shape[0])
    present = [path / f for f in FEATURE_FILES if (path / f).is_file()]
    if len(present) > 1:
        raise DataError(
            f"{path} holds several feature files ({', '.join(p.name for p in present)}); keep one"
        )
    notes: list[str] = []
    if present:
        features = _read_features(present[0])
    else:
        missing = f"no features.npy, features.npz or features.csv in {path}"
        features, note = substitute_features(labels.shape[0], opts, missing, name)
        notes.append(note)
    classes_file = path / "classes.txt"
    class_names = read_lines(classes_file) if classes_file.is_file() else None
    files = (present[0].name if present else "features", labels_file.name)
    return assemble(name, features, labels, hypergraph, path, files, class_names, notes=notes)


def _read_labels(path: Path) -> np.ndarray:
    """Labels ``(N,)``: one non-negative integer per line, no gaps."""
    tokens = tokenize(path)
    lines, counts = tokens.rows()
    if lines.size == 0:
        raise DataError(f"{path} is empty; it needs one label per vertex")
    gaps = np.flatnonzero(lines != np.arange(1, lines.size + 1))
    if gaps.size:
        raise DataError(f"{path}, line {int(gaps[0]) + 1}: empty; line i must hold the label of vertex i - 1")
    several = np.flatnonzero(counts != 1)
    if several.size:
        raise DataError(
            f"{path}, line {int(lines[several[0]])}: {int(counts[several[0]])} values; one label per line"
        )
    labels = tokens.ints()
    negative = np.flatnonzero(labels < 0)
    if negative.size:
        raise tokens.error(
            int(negative[0]), f"label {int(labels[negative[0]])} is negative; every vertex needs a class >= 0"
        )
    return labels


def _read_hyperedges(path: Path, num_nodes: int) -> Hypergraph:
    """Hyperedges (and weights) from ``hyperedges.txt``; errors name the line."""
    tokens = tokenize(path, commas=True, comments=True)
    is_weight = np.char.startswith(tokens.tokens, b"w=")
    lines, sizes = tokens.rows()
    first = np.cumsum(sizes) - sizes  # index of each line's first token
    misplaced = np.flatnonzero(is_weight & (np.arange(is_weight.size) != np.repeat(first, sizes)))
    if misplaced.size:
        raise tokens.error(int(misplaced[0]), "a weight 'w=...' must be the first token of its line")
    has_weight = is_weight[first] if first.size else np.zeros(0, dtype=bool)
    members = sizes - has_weight
    empty = np.concatenate([lines[members == 0], np.setdiff1d(tokens.comma_lines, lines)])
    if empty.size:
        raise DataError(
            f"{path}, line {int(empty.min())}: empty hyperedge; every line needs at least one vertex id"
        )
    vertex_tokens = Tokens(path, tokens.tokens[~is_weight], tokens.line[~is_weight])
    vertices = vertex_tokens.ints()
    bad = np.flatnonzero((vertices < 0) | (vertices >= num_nodes))
    if bad.size:
        raise vertex_tokens.error(
            int(bad[0]),
            f"vertex id {int(vertices[bad[0]])} is outside [0, {num_nodes}); ids are 0-based and labels.txt "
            f"defines {num_nodes} vertices",
        )
    edges = np.repeat(np.arange(lines.size), members)
    weight = None
    if has_weight.any():
        weight = np.ones(lines.size)
        weight_tokens = Tokens(
            path, np.char.replace(tokens.tokens[is_weight], b"w=", b""), tokens.line[is_weight]
        )
        weight[has_weight] = weight_tokens.floats()
        if (weight <= 0).any():
            bad_edge = int(np.argmax(weight <= 0))
            raise DataError(
                f"{path}, line {int(lines[bad_edge])}: weight {weight[bad_edge]} must be positive"
            )
    edge_weight = None if weight is None else torch.from_numpy(weight.astype(np.float32))
    return Hypergraph.from_incidences(vertices, edges, num_nodes, lines.size, edge_weight)


def _read_features(path: Path) -> torch.Tensor:
    if path.suffix == ".npy":
        return dense_features(load_npy(path), path)
    if path.suffix == ".csv":
        return torch.from_numpy(read_table(path, comments=True, commas=True)[0].astype(np.float32))
    arrays = load_npz_arrays(path)
    if "format" in arrays and "shape" in arrays:
        return dense_features(load_sparse_npz(path), path)
    if len(arrays) != 1:
        raise DataError(
            f"{path} holds {len(arrays)} arrays ({', '.join(sorted(arrays))}); save exactly one (N, F) array "
            "with np.savez, or a sparse matrix with scipy.sparse.save_npz"
        )
    return dense_features(next(iter(arrays.values())), path)


register("plain", read_plain, [])
