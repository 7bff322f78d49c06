"""Datasets by name, the data root, and loading a user's own directory by path and format.

Data root resolution, first hit wins: an explicit ``root`` argument (CLI ``--data-root``), the environment
variable ``HYPERDISTILL_DATA``, then ``../shared/data`` beside the working directory or beside the source
checkout. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.errors import DataError
from hyperdistill.registry import Registry

ENV_VAR = "HYPERDISTILL_DATA"

#: A reader takes a directory and keyword options (``feature_substitute``, ...) and returns a dataset.
Reader = Callable[..., HypergraphDataset]


@dataclass(frozen=True)
class DatasetSpec:
    """How to find and read one registered dataset.

    Args:
        name: Registry name (the LightHGNN paper's names: ``ca_cora``, ``news20``, ...).
        directory: Sub-directory of the data root holding the files ("" for generated data).
        reader: Function ``(path, **options) -> HypergraphDataset``.
        kind: ``"hypergraph"`` or ``"graph"`` (graphs are turned into hypergraphs on loading).
        expected: Documented counts (``num_nodes``, ``num_edges``, ``num_features``, ``num_classes``);
            listed by ``hyperdistill datasets`` and checked by the data tests.
        required_files: Files that must exist under ``directory`` for the set to count as present.
        options: Fixed reader options (for example which MAGNN hyperedge type).
        description: One line for listings.
    """

    name: str
    directory: str
    reader: Reader
    kind: str = "hypergraph"
    expected: dict[str, int] = field(default_factory=dict)
    required_files: tuple[str, ...] = ()
    options: dict[str, object] = field(default_factory=dict)
    description: str = ""

    def path(self, root: Path) -> Path:
        return root / self.directory

    def is_available(self, root: Path | None) -> bool:
        if not self.directory:
            return True
        if root is None:
            return False
        return all((self.path(root) / f).exists() for f in self.required_files)


DATASETS: Registry[DatasetSpec] = Registry("dataset")
#: On-disk formats a user's own directory may be in, by name (``hyperdistill run --path DIR --format F``).
FORMATS: Registry[Reader] = Registry("format")


def register_dataset(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` to the dataset registry under its name."""
    return DATASETS.register(spec.name)(spec)


def data_root(root: str | Path | None = None) -> Path | None:
    """The directory that holds the benchmark datasets, or None when none is configured or found."""
    if root is not None:
        path = Path(root).expanduser()
        if not path.is_dir():
            raise DataError(f"data root {path} is not a directory; pass an existing directory to --data-root")
        return path
    if env := os.environ.get(ENV_VAR):
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataError(
                f"{ENV_VAR}={env} is not a directory; point it at the folder holding the datasets"
            )
        return path
    for candidate in (Path.cwd() / ".." / "shared" / "data", Path(__file__).parents[4] / "shared" / "data"):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def load_dataset(name: str, root: str | Path | None = None, **options: object) -> HypergraphDataset:
    """Load a registered dataset by name.

    Args:
        name: A registered name (``hyperdistill datasets`` lists them).
        root: Data root; see the module docstring for the default.
        **options: Reader options, e.g. ``feature_substitute="random"`` for sets without features.
    """
    _ensure_readers_loaded()
    spec = DATASETS.get(name)
    if not spec.directory:
        return spec.reader(None, **{**spec.options, **options})
    resolved = data_root(root)
    if resolved is None:
        raise DataError(
            f"dataset {name!r} needs its files, but no data root was found; pass --data-root DIR or set "
            f"{ENV_VAR} to the folder that holds {spec.directory}/"
        )
    path = spec.path(resolved)
    if not path.is_dir():
        raise DataError(
            f"dataset {name!r}: directory {path} does not exist; check the data root ({resolved})"
        )
    return spec.reader(path, **{**spec.options, **options})


def load_path(path: str | Path, format: str, **options: object) -> HypergraphDataset:
    """Load a user's directory in one of the supported formats (``FORMATS.names()``)."""
    _ensure_readers_loaded()
    reader = FORMATS.get(format)
    directory = Path(path).expanduser()
    if not directory.exists():
        raise DataError(f"{directory} does not exist; pass the directory that holds the dataset files")
    return reader(directory, **options)


def _ensure_readers_loaded() -> None:
    # The readers register themselves on import; importing here keeps `import hyperdistill` light.
    import hyperdistill.data.readers
    import hyperdistill.data.synthetic  # noqa: F401


def known_datasets() -> list[DatasetSpec]:
    _ensure_readers_loaded()
    return [DATASETS.get(name) for name in DATASETS.names()]


__all__ = [
    "DATASETS",
    "ENV_VAR",
    "FORMATS",
    "DatasetSpec",
    "Reader",
    "data_root",
    "known_datasets",
    "load_dataset",
    "load_path",
    "register_dataset",
]
