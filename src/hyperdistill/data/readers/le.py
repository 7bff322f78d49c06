"""The "LE" text format of LEGCN / AllSet: 20newsW100, zoo, Mushroom (and ModelNet40, NTU2012 upstream).

Two whitespace-separated files per dataset:

- ``<name>.content``: one row per vertex, ``vertex_id f_1 ... f_F label``. Rows may come in any order
  (20newsW100's do not follow the ids); ids must be exactly ``0..N-1``.
- ``<name>.edges``: one incidence per row, ``vertex_id hyperedge_id``. Hyperedge ids share the id space
  with vertices and start after the last vertex id; they are renumbered ``0..M-1`` in increasing order.

Labels that start at 1 (zoo) are shifted to start at 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._common import (
    assemble,
    expected,
    parse_options,
    register,
    require_files,
    shift_one_based,
)
from hyperdistill.data.readers._text import read_table, tokenize
from hyperdistill.errors import DataError


def read_le(path: Path, **options: object) -> HypergraphDataset:
    """Read an LE-format directory.

    Args:
        path: Directory with ``<name>.content`` and ``<name>.edges``.
        **options: ``name`` (the file prefix; inferred when the directory holds one ``.content`` file) and
            the common reader options.

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``
    """
    opts = parse_options(options, "le", name=None)
    prefix = str(opts.extra["name"] or _infer_prefix(path))
    name = opts.name_for(path)
    content_file, edges_file = require_files(path, f"{prefix}.content", f"{prefix}.edges", dataset=name)
    features, labels = _read_content(content_file)
    labels, notes = shift_one_based(labels, content_file)
    hypergraph = _read_edges(edges_file, labels.shape[0])
    files = (content_file.name, content_file.name)
    return assemble(name, features, labels, hypergraph, path, files, notes=notes)


def _infer_prefix(path: Path) -> str:
    candidates = sorted(p.stem for p in path.glob("*.content"))
    if len(candidates) != 1:
        found = ", ".join(candidates) or "none"
        raise DataError(
            f"cannot tell which LE dataset {path} holds (.content files: {found}); pass name=<prefix>"
        )
    return candidates[0]


def _read_content(path: Path) -> tuple[torch.Tensor, np.ndarray]:
    """Features ``(N, F)`` and labels ``(N,)`` ordered by vertex id."""
    values, lines = read_table(path)
    if values.shape[1] < 3:
        raise DataError(
            f"{path}: rows need a vertex id, at least one feature and a label; "
            f"found {values.shape[1]} columns"
        )
    for column, what in ((0, "vertex id"), (-1, "label")):
        bad = np.flatnonzero(values[:, column] != np.round(values[:, column]))
        if bad.size:
            raise DataError(
                f"{path}, line {int(lines[bad[0]])}: {what} {values[bad[0], column]} is not an integer"
            )
    ids = values[:, 0].astype(np.int64)
    order = np.argsort(ids, kind="stable")
    repeated = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if repeated.size:
        first, second = lines[order[repeated[0]]], lines[order[repeated[0] + 1]]
        raise DataError(
            f"{path}: vertex id {int(ids[order[repeated[0]]])} appears twice, on lines {first} and {second}"
        )
    outside = np.flatnonzero((ids < 0) | (ids >= ids.size))
    if outside.size:
        raise DataError(
            f"{path}, line {int(lines[outside[0]])}: vertex id {int(ids[outside[0]])} is outside "
            f"[0, {ids.size}); the {ids.size} rows must carry the ids 0..{ids.size - 1}"
        )
    labels = values[order, -1].astype(np.int64)
    if labels.min() < 0:
        row = order[int(np.argmax(labels < 0))]
        raise DataError(f"{path}, line {int(lines[row])}: negative label {int(values[row, -1])}")
    return torch.from_numpy(values[order, 1:-1].astype(np.float32)), labels


def _read_edges(path: Path, num_nodes: int) -> Hypergraph:
    """Incidence rows ``vertex_id hyperedge_id`` as a hypergraph on ``num_nodes`` vertices."""
    tokens = tokenize(path)
    lines, counts = tokens.rows()
    bad = np.flatnonzero(counts != 2)
    if bad.size:
        raise DataError(
            f"{path}, line {int(lines[bad[0]])}: {int(counts[bad[0]])} columns; each row must be "
            "'vertex_id hyperedge_id'"
        )
    pairs = tokens.ints().reshape(-1, 2)
    vertices, edge_ids = pairs[:, 0], pairs[:, 1]
    outside = np.flatnonzero((vertices < 0) | (vertices >= num_nodes))
    if outside.size:
        raise DataError(
            f"{path}, line {int(lines[outside[0]])}: vertex {int(vertices[outside[0]])} is not in the "
            f".content file (ids 0..{num_nodes - 1})"
        )
    early = np.flatnonzero(edge_ids < num_nodes)
    if early.size:
        raise DataError(
            f"{path}, line {int(lines[early[0]])}: hyperedge id {int(edge_ids[early[0]])} is not after the "
            f"last vertex id ({num_nodes - 1}); LE hyperedge ids start at N (are the columns swapped?)"
        )
    unique_edges, edges = np.unique(edge_ids, return_inverse=True)
    return Hypergraph.from_incidences(vertices, edges.reshape(-1), num_nodes, unique_edges.size)


register(
    "le",
    read_le,
    [
        {
            "name": "news20",
            "directory": "20newsW100",
            "expected": expected(16242, 100, 100, 4),
            "required_files": ("20newsW100.content", "20newsW100.edges"),
            "options": {"name": "20newsW100"},
            "description": "20 Newsgroups (AllSet 20newsW100): documents, one hyperedge per word",
        },
        {
            "name": "zoo",
            "directory": "zoo",
            "expected": expected(101, 43, 16, 7),
            "required_files": ("zoo.content", "zoo.edges"),
            "options": {"name": "zoo"},
            "description": "UCI Zoo (AllSet): animals, one hyperedge per attribute value",
        },
        {
            "name": "mushroom",
            "directory": "Mushroom",
            "expected": expected(8124, 298, 22, 2),
            "required_files": ("Mushroom.content", "Mushroom.edges"),
            "options": {"name": "Mushroom"},
            "description": "UCI Mushroom (AllSet): mushrooms, one hyperedge per attribute value",
        },
    ],
)
