"""Austin Benson's hypergraph format (e.g. walmart-trips; Amburg, Veldt & Benson, WWW 2020).

Files, ``<name>`` being the dataset's name:

- ``hyperedges-<name>.txt``: one hyperedge per line, comma-separated **1-based** vertex ids.
- ``node-labels-<name>.txt``: line i holds the 1-based label of vertex i (one label per vertex).
- ``label-names-<name>.txt`` (optional): line k names label k.

The format has no vertex features: loading needs ``feature_substitute="random"``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._common import (
    assemble,
    expected,
    parse_options,
    register,
    require_files,
    require_substitute,
    substitute_features,
)
from hyperdistill.data.readers._text import read_lines, tokenize
from hyperdistill.errors import DataError


def read_benson(path: Path, **options: object) -> HypergraphDataset:
    """Read a Benson-format directory.

    Args:
        path: Directory with ``hyperedges-<name>.txt`` and ``node-labels-<name>.txt``.
        **options: ``name`` (inferred when the directory holds one ``hyperedges-*.txt``) and the common
            reader options; ``feature_substitute="random"`` is required, the format has no features.

    Shapes:
        - features: ``(N, substitute_dim)``; labels: ``(N,)``
    """
    opts = parse_options(options, "benson", name=None)
    prefix = str(opts.extra["name"] or _infer_prefix(path))
    name = opts.name_for(path)
    missing = f"the Benson format has no feature file ({path} holds hyperedges and labels only)"
    require_substitute(opts, missing, name)
    edges_file, labels_file = require_files(
        path, f"hyperedges-{prefix}.txt", f"node-labels-{prefix}.txt", dataset=name
    )
    names_file = path / f"label-names-{prefix}.txt"
    class_names = read_lines(names_file) if names_file.is_file() else None
    labels = _read_labels(labels_file, class_names)
    hypergraph = _read_hyperedges(edges_file, labels.shape[0])
    features, note = substitute_features(labels.shape[0], opts, missing, name)
    files = ("substitute features", labels_file.name)
    return assemble(name, features, labels, hypergraph, path, files, class_names, notes=[note])


def _infer_prefix(path: Path) -> str:
    candidates = sorted(p.name[len("hyperedges-") : -len(".txt")] for p in path.glob("hyperedges-*.txt"))
    if len(candidates) != 1:
        found = ", ".join(candidates) or "none"
        raise DataError(
            f"cannot tell which dataset {path} holds (hyperedges-*.txt: {found}); pass name=<name>"
        )
    return candidates[0]


def _read_labels(path: Path, class_names: list[str] | None) -> np.ndarray:
    """0-based labels ``(N,)`` from one 1-based label per line."""
    tokens = tokenize(path, commas=True)
    lines, counts = tokens.rows()
    gaps = np.flatnonzero(lines != np.arange(1, lines.size + 1))
    if gaps.size:
        raise DataError(f"{path}, line {int(gaps[0]) + 1}: empty; line i must hold the label of vertex i")
    several = np.flatnonzero(counts != 1)
    if several.size:
        raise DataError(
            f"{path}, line {int(lines[several[0]])}: {int(counts[several[0]])} labels; only single-label "
            "vertices are supported"
        )
    labels = tokens.ints()
    upper = len(class_names) if class_names is not None else np.iinfo(np.int64).max
    bad = np.flatnonzero((labels < 1) | (labels > upper))
    if bad.size:
        names = f" and label-names lists {upper}" if class_names is not None else ""
        raise tokens.error(
            int(bad[0]), f"label {int(labels[bad[0]])} is out of range (labels are 1-based{names})"
        )
    return labels - 1


def _read_hyperedges(path: Path, num_nodes: int) -> Hypergraph:
    """One hyperedge per non-empty line of comma-separated 1-based vertex ids."""
    tokens = tokenize(path, commas=True)
    _, sizes = tokens.rows()
    vertices = tokens.ints()
    bad = np.flatnonzero((vertices < 1) | (vertices > num_nodes))
    if bad.size:
        raise tokens.error(
            int(bad[0]),
            f"vertex {int(vertices[bad[0]])} is outside 1..{num_nodes} (ids are 1-based; the labels file has "
            f"{num_nodes} vertices)",
        )
    edges = np.repeat(np.arange(sizes.size), sizes)
    return Hypergraph.from_incidences(vertices - 1, edges, num_nodes, sizes.size)


register(
    "benson",
    read_benson,
    [
        {
            "name": "walmart_trips",
            "directory": "walmart-trips",
            "expected": expected(88860, 69906, None, 11),
            "required_files": (
                "hyperedges-walmart-trips.txt",
                "node-labels-walmart-trips.txt",
                "label-names-walmart-trips.txt",
            ),
            "options": {"name": "walmart-trips"},
            "description": "Walmart trips (Benson): products, a hyperedge per trip; no features (scale test)",
        }
    ],
)
