"""The gnn-benchmark ``.npz`` graph format (Shchur et al. 2018), the files GLNN and CPF load.

One ``.npz`` per graph with a CSR adjacency (``adj_data``, ``adj_indices``, ``adj_indptr``, ``adj_shape``),
CSR features (``attr_data``, ``attr_indices``, ``attr_indptr``, ``attr_shape``; or a dense ``attr_matrix``),
``labels`` and optionally ``class_names``. No pickles are needed. The graph becomes a hypergraph with
:func:`~hyperdistill.data.transforms.graph_to_hypergraph`.

GLNN and CPF do not use the whole file: their loader "standardises" the graph and keeps its largest
connected component (Cora 2,485 of 2,708 vertices, Citeseer 2,110 of 3,312). ``largest_component=true``
does the same, so their published figures can be compared on their vertices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.csgraph import connected_components

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.readers._common import (
    assemble,
    dense_features,
    expected,
    integer_labels,
    load_npz_arrays,
    parse_options,
    register,
    substitute_features,
)
from hyperdistill.data.transforms import graph_to_hypergraph
from hyperdistill.errors import ConfigError, DataError

_CSR_PARTS = ("data", "indices", "indptr", "shape")


def read_npz(path: Path, **options: object) -> HypergraphDataset:
    """Read a gnn-benchmark ``.npz`` graph.

    Args:
        path: The ``.npz`` file, or a directory holding it.
        **options: ``file`` (the file name inside the directory; default: its only ``.npz``),
            ``largest_component`` (keep only the largest connected component of the undirected graph,
            vertices renumbered in their file order; default false) and the common reader options.

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``
    """
    opts = parse_options(options, "npz", file=None, largest_component=False)
    file = _locate(path, opts.extra["file"])
    directory = file.parent
    name = opts.dataset_name or file.stem
    arrays = load_npz_arrays(file, keys=("labels", *(f"adj_{part}" for part in _CSR_PARTS)))
    labels = integer_labels(arrays["labels"], file)
    num_nodes = labels.shape[0]
    adjacency = _csr(arrays, "adj", file).tocoo()
    if adjacency.shape != (num_nodes, num_nodes):
        raise DataError(f"{file}: adjacency is {adjacency.shape}, but there are {num_nodes} labels")
    keep = _largest_component(adjacency) if _flag(opts.extra["largest_component"]) else None
    if keep is not None:
        adjacency = adjacency.tocsr()[keep][:, keep].tocoo()
        labels = labels[keep]
        num_nodes = labels.shape[0]
    edge_index = torch.from_numpy(np.stack([adjacency.row, adjacency.col]).astype(np.int64))
    hypergraph = graph_to_hypergraph(edge_index, num_nodes)
    notes: list[str] = []
    if "attr_data" in arrays:
        features = dense_features(_rows(_csr(arrays, "attr", file), keep), file)
    elif "attr_matrix" in arrays:
        features = dense_features(_rows(arrays["attr_matrix"], keep), file)
    else:
        features, note = substitute_features(num_nodes, opts, f"{file} has no attr_* arrays", name)
        notes.append(note)
    class_names = [str(c) for c in arrays["class_names"]] if "class_names" in arrays else None
    return assemble(
        name, features, labels, hypergraph, directory, (file.name, file.name), class_names, notes=notes
    )


def _largest_component(adjacency: sp.coo_matrix) -> np.ndarray:
    """Vertex ids (ascending) of the largest weakly connected component; ties go to the lowest label."""
    _, component = connected_components(adjacency, directed=True, connection="weak")
    sizes = np.bincount(component)
    return np.flatnonzero(component == int(sizes.argmax()))


def _rows(matrix: sp.spmatrix | np.ndarray, keep: np.ndarray | None) -> sp.spmatrix | np.ndarray:
    if keep is None:
        return matrix
    return matrix.tocsr()[keep] if sp.issparse(matrix) else matrix[keep]


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ConfigError(f"option largest_component must be true or false, got {value!r}")


def _locate(path: Path, file: object) -> Path:
    if path.is_file():
        return path
    if file is not None:
        candidate = path / str(file)
        if not candidate.is_file():
            found = ", ".join(sorted(p.name for p in path.glob("*.npz"))) or "none"
            raise DataError(f"{candidate} not found (.npz files in {path}: {found}); check the file= option")
        return candidate
    candidates = sorted(path.glob("*.npz"))
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise DataError(
            f"{path} holds {len(candidates)} .npz files ({found}); choose one with file=<name>.npz"
        )
    return candidates[0]


def _csr(arrays: dict[str, np.ndarray], prefix: str, file: Path) -> sp.csr_matrix:
    try:
        data, indices, indptr, shape = (arrays[f"{prefix}_{part}"] for part in _CSR_PARTS)
        return sp.csr_matrix((data, indices, indptr), shape=tuple(int(s) for s in shape))
    except (KeyError, ValueError, TypeError) as exc:
        raise DataError(
            f"{file}: the {prefix}_* arrays do not form a CSR matrix ({exc}); is the file corrupt?"
        ) from None


_DESCRIPTION = (
    "{} citation graph (gnn-benchmark .npz, as in GLNN/CPF); edges and neighbourhoods as hyperedges"
)
register(
    "npz",
    read_npz,
    [
        {
            "name": f"{name}_npz",
            "directory": "gnn-benchmark-npz",
            "kind": "graph",
            "expected": counts,
            "required_files": (f"{name}.npz",),
            "options": {"file": f"{name}.npz"},
            "description": _DESCRIPTION.format(name.capitalize()),
        }
        for name, counts in [
            ("cora", expected(2708, 5278, 1433, 7)),
            ("citeseer", expected(3312, 4536, 3703, 6)),
        ]
    ]
    + [
        {
            "name": f"{name}_glnn",
            "directory": "gnn-benchmark-npz",
            "kind": "graph",
            "expected": counts,
            "required_files": (f"{name}.npz",),
            "options": {"file": f"{name}.npz", "largest_component": True},
            "description": _DESCRIPTION.format(name.capitalize()) + "; largest component, as GLNN uses it",
        }
        for name, counts in [
            ("cora", expected(2485, 5069, 1433, 7)),
            ("citeseer", expected(2110, 3668, 3703, 6)),
        ]
    ],
)
