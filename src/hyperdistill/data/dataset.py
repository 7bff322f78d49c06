"""A vertex-classification dataset: features, labels and the hypergraph they live on."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import DataError


@dataclass(frozen=True)
class Split:
    """Vertex ids of one train / validation / test split (disjoint int64 tensors)."""

    train: Tensor
    val: Tensor
    test: Tensor

    def __post_init__(self) -> None:
        ids = torch.cat([self.train, self.val, self.test])
        if ids.numel() and int(torch.bincount(ids).max()) > 1:
            raise DataError("a split's train, validation and test sets overlap")


@dataclass(frozen=True)
class HypergraphDataset:
    """Features, labels and hypergraph of one dataset, validated on construction.

    Args:
        name: Dataset name (the registry name for registered sets).
        features: Raw vertex features ``(N, F)`` float32 (preprocessing is applied by the pipeline, so a
            saved student can apply the same preprocessing to new vertices).
        labels: Class ids ``(N,)`` int64 in ``[0, C)``.
        hypergraph: The structure on the same N vertices.
        class_names: Optional names of the C classes.
        splits: Fixed splits shipped with the data, if any.
        source: Where the data came from (a directory path), for messages and result files.
        notes: Things a user must know (for example that features are a substitute); printed with results.
    """

    name: str
    features: Tensor
    labels: Tensor
    hypergraph: Hypergraph
    class_names: tuple[str, ...] | None = None
    splits: tuple[Split, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        where = f" in dataset {self.name!r}" + (f" ({self.source})" if self.source else "")
        if self.features.dim() != 2:
            raise DataError(f"features must be a 2-D (vertices x features) matrix{where}")
        if self.labels.dim() != 1:
            raise DataError(f"labels must be a 1-D vector{where}")
        n = self.hypergraph.num_nodes
        if self.features.size(0) != n or self.labels.size(0) != n:
            raise DataError(
                f"sizes disagree{where}: {self.features.size(0)} feature rows, {self.labels.size(0)} labels, "
                f"{n} vertices in the hypergraph; every vertex needs one feature row and one label"
            )
        if self.features.dtype != torch.float32:
            object.__setattr__(self, "features", self.features.float())
        if self.labels.dtype != torch.long:
            object.__setattr__(self, "labels", self.labels.long())
        bad = (~torch.isfinite(self.features)).any(dim=1).nonzero().flatten()
        if bad.numel():
            raise DataError(
                f"{bad.numel()} vertices have NaN or infinite features{where}, the first is vertex "
                f"{int(bad[0])}; fill or drop them before loading"
            )
        if n and int(self.labels.min()) < 0:
            vertex = int((self.labels < 0).nonzero()[0])
            raise DataError(f"vertex {vertex} has negative label {int(self.labels[vertex])}{where}")
        if self.class_names is not None and n and int(self.labels.max()) >= len(self.class_names):
            raise DataError(
                f"label {int(self.labels.max())} has no class name{where} "
                f"({len(self.class_names)} names given)"
            )

    @property
    def num_nodes(self) -> int:
        return self.hypergraph.num_nodes

    @property
    def num_features(self) -> int:
        return int(self.features.size(1))

    @property
    def num_classes(self) -> int:
        if self.class_names is not None:
            return len(self.class_names)
        return int(self.labels.max()) + 1 if self.num_nodes else 0

    def with_hypergraph(self, hypergraph: Hypergraph) -> HypergraphDataset:
        """A copy on another hypergraph over the same vertices (for example with singletons added)."""
        return replace(self, hypergraph=hypergraph)

    def summary(self) -> dict[str, object]:
        """Counts for listings and result files."""
        return {
            "name": self.name,
            "num_nodes": self.num_nodes,
            "num_edges": self.hypergraph.num_edges,
            "num_incidences": self.hypergraph.num_incidences,
            "num_features": self.num_features,
            "num_classes": self.num_classes,
            "isolated_vertices": int(self.hypergraph.isolated_vertices().numel()),
            "notes": list(self.notes),
        }
