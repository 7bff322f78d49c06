"""Helpers every reader shares: options, file checks, safe numpy loading, feature substitutes, assembly."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.readers._pickle import CORRUPT_ERRORS
from hyperdistill.data.registry import FORMATS, DatasetSpec, Reader, register_dataset
from hyperdistill.errors import ConfigError, DataError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: What numpy / scipy / zipfile raise on a damaged file.
LOAD_ERRORS: tuple[type[Exception], ...] = (OSError, zipfile.BadZipFile, *CORRUPT_ERRORS)

FEATURE_SUBSTITUTES = ("random",)
#: Options every reader accepts, with their defaults.
COMMON_OPTIONS: dict[str, object] = {
    "dataset_name": None,
    "feature_substitute": None,
    "substitute_seed": 0,
    "substitute_dim": 64,
}


@dataclass(frozen=True)
class ReaderOptions:
    """Validated reader options.

    Args:
        dataset_name: Name given to the loaded dataset (default: the directory's name).
        feature_substitute: ``"random"`` to accept seeded noise features for a set that has none; ``None``
            makes a set without features an error.
        substitute_seed: Seed of the substitute features.
        substitute_dim: Dimension of the substitute features.
        extra: The reader's own options (defaults filled in).
    """

    dataset_name: str | None = None
    feature_substitute: str | None = None
    substitute_seed: int = 0
    substitute_dim: int = 64
    extra: dict[str, Any] = field(default_factory=dict)

    def name_for(self, directory: Path) -> str:
        return self.dataset_name or directory.name


def parse_options(options: Mapping[str, object], fmt: str, **reader_defaults: object) -> ReaderOptions:
    """Check ``options`` against the common options plus the reader's own (given with their defaults).

    ``None`` values count as "not given". Raises ConfigError on unknown names or bad values.
    """
    given = {key: value for key, value in options.items() if value is not None}
    known = {**COMMON_OPTIONS, **reader_defaults}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(unknown)} for the {fmt!r} format; "
            f"it accepts {', '.join(sorted(known))}"
        )
    substitute = given.get("feature_substitute")
    if substitute in ("none", "None", ""):
        substitute = None
    if substitute is not None and substitute not in FEATURE_SUBSTITUTES:
        raise ConfigError(
            f"unknown feature_substitute {substitute!r}; choose one of {', '.join(FEATURE_SUBSTITUTES)}"
        )
    try:
        seed = int(given.get("substitute_seed", 0))  # type: ignore[call-overload]
        dim = int(given.get("substitute_dim", 64))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ConfigError("substitute_seed and substitute_dim must be integers") from None
    if dim < 1:
        raise ConfigError(f"substitute_dim must be at least 1, got {dim}")
    extra = {key: given.get(key, default) for key, default in reader_defaults.items()}
    name = given.get("dataset_name")
    return ReaderOptions(None if name is None else str(name), substitute, seed, dim, extra)


def require_files(directory: Path, *names: str, dataset: str = "") -> list[Path]:
    """Paths of ``names`` under ``directory``; a DataError names every missing file and the directory."""
    paths = [directory / name for name in names]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        label = f"dataset {dataset!r}: " if dataset else ""
        raise DataError(
            f"{label}{', '.join(missing)} not found in {directory}; copy the dataset's files there "
            "(docs/formats.md lists the files each format needs)"
        )
    return paths


def corrupt_error(path: Path, exc: BaseException, what: str = "read") -> DataError:
    """The message for a file that exists but cannot be decoded."""
    return DataError(
        f"{path} is truncated or corrupt and could not be {what} ({type(exc).__name__}: {exc}); "
        "re-copy it from its source (shared/data/SHA256SUMS has the benchmark files' checksums)"
    )


def load_npz_arrays(path: Path, keys: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """All arrays of a numpy ``.npz`` (no pickles allowed); ``keys`` must be among them."""
    arrays = _load_binary(path, "loaded as a numpy .npz archive", _read_archive)
    missing = [key for key in keys if key not in arrays]
    if missing:
        raise DataError(
            f"{path} lacks the array(s) {', '.join(missing)} "
            f"(it holds {', '.join(sorted(arrays)) or 'none'}); is it the right file?"
        )
    return arrays


def load_npy(path: Path) -> np.ndarray:
    """One array from a ``.npy`` file (no pickles allowed)."""
    return _load_binary(
        path, "loaded as a numpy .npy array", lambda f: np.asarray(np.load(f, allow_pickle=False))
    )


def load_sparse_npz(path: Path) -> sp.csr_matrix:
    """A scipy sparse matrix saved with ``scipy.sparse.save_npz``, as CSR."""
    if "format" not in load_npz_arrays(path):
        raise DataError(
            f"{path} is not a scipy sparse matrix archive (no 'format' entry); is it the right file?"
        )
    return _load_binary(path, "loaded as a scipy sparse matrix", lambda f: sp.load_npz(f).tocsr())


def _read_archive(file: BinaryIO) -> dict[str, np.ndarray]:
    with np.load(file, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _load_binary(path: Path, what: str, loader: Callable[[BinaryIO], T]) -> T:
    """``loader`` applied to the open file; the file is closed even when numpy gives up half-way."""
    try:
        with open(path, "rb") as file:
            return loader(file)
    except FileNotFoundError:
        raise DataError(f"{path} does not exist; copy the dataset's files into {path.parent}") from None
    except LOAD_ERRORS as exc:
        raise corrupt_error(path, exc, what) from exc


def dense_features(matrix: Any, path: Path) -> Tensor:
    """Features as a dense float32 tensor from a scipy sparse matrix or a 2-D array.

    Shapes:
        - output: ``(N, F)``
    """
    if sp.issparse(matrix):  # check the stored values only, before densifying
        matrix = sp.csr_matrix(matrix)
        bad_rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))[~np.isfinite(matrix.data)]
        _raise_if_nonfinite(np.unique(bad_rows), path)
        return torch.from_numpy(matrix.toarray().astype(np.float32, copy=False))
    array = np.asarray(matrix)
    if array.ndim != 2:
        raise DataError(
            f"{path}: features must be a 2-D (vertices x features) matrix, got shape {array.shape}"
        )
    if not np.issubdtype(array.dtype, np.number) and array.dtype != np.bool_:
        raise DataError(f"{path}: features must be numbers, got dtype {array.dtype}")
    array = np.ascontiguousarray(array, dtype=np.float32)
    _raise_if_nonfinite(np.flatnonzero(~np.isfinite(array).all(axis=1)), path)
    return torch.from_numpy(array)


def _raise_if_nonfinite(bad_rows: np.ndarray, path: Path) -> None:
    if bad_rows.size:
        raise DataError(
            f"{path}: feature row {int(bad_rows[0])} (vertex {int(bad_rows[0])}) holds NaN or infinite "
            f"values ({bad_rows.size} such row(s)); fill in the missing values before loading"
        )


def integer_labels(values: Any, path: Path) -> np.ndarray:
    """Class ids as int64 ``(N,)``; a DataError names the first non-integer or negative entry."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise DataError(f"{path}: labels must be one value per vertex, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number):
        raise DataError(f"{path}: labels must be integers, got dtype {array.dtype}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        bad = np.flatnonzero(~np.isfinite(array) | (array != np.round(array)))
        if bad.size:
            raise DataError(f"{path}: label of vertex {int(bad[0])} is {array[bad[0]]}, not an integer")
    labels = array.astype(np.int64)
    if labels.size and labels.min() < 0:
        vertex = int(np.argmax(labels < 0))
        raise DataError(f"{path}: vertex {vertex} has negative label {labels[vertex]}; labels must be >= 0")
    return labels


def shift_one_based(labels: np.ndarray, path: Path) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels shifted to start at 0 when their smallest value is 1 (logged and noted)."""
    if labels.size == 0 or labels.min() != 1:
        return labels, ()
    note = f"labels in {path.name} are 1-based (1..{int(labels.max())}); shifted to 0-based"
    log.info(note)
    return labels - 1, (note,)


def require_substitute(options: ReaderOptions, missing: str, dataset: str) -> None:
    """Raise the "features are missing" DataError unless the user opted in to a substitute."""
    if options.feature_substitute != "random":
        raise DataError(
            f"dataset {dataset!r} has no vertex features: {missing}. To run on it anyway, opt in to "
            "seeded random features with feature_substitute='random' (CLI: --feature-substitute random); "
            "results then measure structure only and are not comparable to published numbers"
        )


def substitute_features(
    num_nodes: int, options: ReaderOptions, missing: str, dataset: str
) -> tuple[Tensor, str]:
    """Seeded standard-normal features when the dataset has none, if the user opted in.

    Args:
        num_nodes: Number of rows N.
        options: Reader options (``feature_substitute``, ``substitute_seed``, ``substitute_dim``).
        missing: What is missing and where, e.g. ``"features.pickle is missing from /data/cc-pubmed"``.
        dataset: The dataset's name, for messages.

    Returns:
        ``(features, note)``: features ``(N, substitute_dim)`` float32 and the note to record.
    """
    require_substitute(options, missing, dataset)
    generator = torch.Generator().manual_seed(options.substitute_seed)
    features = torch.randn(num_nodes, options.substitute_dim, generator=generator)
    note = (
        f"features are a substitute: {options.substitute_dim}-dim standard-normal noise "
        f"(seed {options.substitute_seed}), because {missing}"
    )
    log.warning("dataset %r: %s", dataset, note)
    return features, note


def assemble(
    name: str,
    features: Tensor,
    labels: np.ndarray,
    hypergraph: Hypergraph,
    source: Path,
    files: tuple[str, str],
    class_names: Sequence[str] | None = None,
    splits: Sequence[Split] = (),
    notes: Sequence[str] = (),
) -> HypergraphDataset:
    """Build the dataset after checking that features and labels cover the same vertices.

    Args:
        files: Names of the feature and label files, for the message when their row counts differ.

    Shapes:
        - features: ``(N, F)``; labels: ``(N,)``
    """
    if features.size(0) != labels.shape[0]:
        raise DataError(
            f"dataset {name!r} ({source}): {files[0]} has {features.size(0)} rows but {files[1]} has "
            f"{labels.shape[0]} labels; both need one entry per vertex, in the same order"
        )
    if class_names is not None and labels.size and int(labels.max()) >= len(class_names):
        raise DataError(
            f"dataset {name!r} ({source}): label {int(labels.max())} in {files[1]} has no class name "
            f"({len(class_names)} names given)"
        )
    return HypergraphDataset(
        name=name,
        features=features,
        labels=torch.from_numpy(labels),
        hypergraph=hypergraph,
        class_names=None if class_names is None else tuple(class_names),
        splits=tuple(splits),
        source=str(source),
        notes=tuple(notes),
    )


def expected(nodes: int, edges: int, features: int | None, classes: int) -> dict[str, int]:
    """A spec's documented counts (``num_features`` left out when the data has no feature dimension)."""
    counts = {"num_nodes": nodes, "num_edges": edges, "num_classes": classes}
    if features is not None:
        counts["num_features"] = features
    return counts


def register(fmt: str, reader: Reader, specs: Sequence[dict[str, Any]]) -> None:
    """Register a format's reader and its datasets (each spec's name becomes its ``dataset_name``)."""
    FORMATS.register(fmt)(reader)
    for entry in specs:
        fields = dict(entry)
        options = {"dataset_name": fields["name"], **fields.pop("options", {})}
        register_dataset(DatasetSpec(reader=reader, options=options, **fields))


def check_vertex_ids(
    vertices: np.ndarray,
    edges: np.ndarray,
    num_nodes: int,
    path: Path,
    edge_names: Sequence[Any] | None = None,
) -> None:
    """Raise a DataError naming ``path`` and the hyperedge when a vertex id is outside ``[0, num_nodes)``.

    Shapes:
        - vertices, edges: ``(nnz,)`` parallel incidence arrays
    """
    bad = np.flatnonzero((vertices < 0) | (vertices >= num_nodes))
    if bad.size:
        edge = int(edges[bad[0]])
        label = repr(edge_names[edge]) if edge_names is not None else str(edge)
        raise DataError(
            f"{path}: hyperedge {label} contains vertex {int(vertices[bad[0]])}, outside [0, {num_nodes}) "
            f"({bad.size} such incidence(s)); the dataset has {num_nodes} vertices, and ids are 0-based"
        )
