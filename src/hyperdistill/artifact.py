"""A saved student: weights, preprocessing, class names and provenance, ready to score unseen vertices.

On disk an artifact is either a directory holding ``artifact.json`` (metadata) and ``weights.pt`` (the MLP's
``state_dict``), or one ``.pt`` file holding both; weights are read with ``torch.load(weights_only=True)``,
so loading never runs pickled code. Usage::

    student = hyperdistill.artifact.load("runs/cora-student")
    classes = student.predict(raw_features)          # (B,) class ids
    proba = student.predict_proba(raw_features)      # (B, C)
    ids = student.predict_file("new_vertices.npz")   # streamed in chunks

Raw features go in: the preprocessing the student was trained with (for example row-L1 normalisation) is
applied inside.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor, nn

from hyperdistill import __version__
from hyperdistill.errors import ConfigError, DataError
from hyperdistill.io import atomic_write, write_json
from hyperdistill.models import MLP

if TYPE_CHECKING:
    from hyperdistill.config import RunConfig
    from hyperdistill.export import InferenceModel
    from hyperdistill.run import Prepared, StudentRun

FORMAT = "hyperdistill-student"
FORMAT_VERSION = 1
METADATA_FILE = "artifact.json"
WEIGHTS_FILE = "weights.pt"
REQUIRED_KEYS = ("format", "format_version", "in_channels", "out_channels", "preprocessing", "student")


@dataclass
class StudentArtifact:
    """A trained MLP student with everything needed to score raw feature rows.

    Args:
        student: The MLP (kept in eval mode).
        metadata: JSON-serialisable description; see :func:`artifact_metadata` for the keys.

    Shapes:
        - features: ``(B, in_channels)`` raw features (a 1-D vector is one vertex)
        - predict: ``(B,)`` int64 class ids; predict_proba: ``(B, C)`` float32
    """

    student: MLP
    metadata: dict[str, Any]
    _inference: InferenceModel | None = field(default=None, init=False, repr=False)

    @property
    def in_channels(self) -> int:
        return int(self.metadata["in_channels"])

    @property
    def class_names(self) -> list[str]:
        names = self.metadata.get("class_names")
        return list(names) if names else [str(c) for c in range(int(self.metadata["out_channels"]))]

    @property
    def preprocessing(self) -> str:
        return str(self.metadata["preprocessing"])

    @property
    def inference_model(self) -> InferenceModel:
        """Preprocessing + student with BatchNorm folded (built once; what predict and exports run)."""
        if self._inference is None:
            from hyperdistill.export import InferenceModel

            self._inference = InferenceModel(self.student, self.preprocessing)
        return self._inference

    # ----------------------------------------------------------------------------------- predicting
    def predict_logits(self, features: np.ndarray | Tensor, source: str = "the input") -> np.ndarray:
        """Logits ``(B, C)`` for raw feature rows ``(B, F)``; ``source`` names the input in errors."""
        x = self._as_tensor(features, source)
        with torch.inference_mode():
            return self.inference_model(x).numpy()

    def predict_proba(self, features: np.ndarray | Tensor) -> np.ndarray:
        """Class probabilities ``(B, C)`` for raw feature rows ``(B, F)``."""
        return _softmax(self.predict_logits(features))

    def predict(self, features: np.ndarray | Tensor) -> np.ndarray:
        """Class ids ``(B,)`` for raw feature rows ``(B, F)``."""
        return self.predict_logits(features).argmax(axis=1)

    def iter_file(
        self, path: str | Path, chunk_size: int = 65_536, proba: bool = False, key: str | None = None
    ) -> Iterator[np.ndarray]:
        """Stream a feature file: yields class ids ``(b,)`` (or probabilities ``(b, C)``) per chunk."""
        from hyperdistill.data.feature_file import iter_feature_chunks

        for chunk in iter_feature_chunks(path, chunk_size, key):
            logits = self.predict_logits(chunk, source=f"the file {path}")
            yield _softmax(logits) if proba else logits.argmax(axis=1)

    def predict_file(
        self, path: str | Path, chunk_size: int = 65_536, proba: bool = False, key: str | None = None
    ) -> np.ndarray:
        """Class ids ``(N,)`` (or probabilities ``(N, C)``) for every row of a feature file, in chunks."""
        blocks = list(self.iter_file(path, chunk_size, proba, key))
        if blocks:
            return np.concatenate(blocks)
        width = (0, len(self.class_names)) if proba else (0,)
        return np.zeros(width, dtype=np.float32 if proba else np.int64)

    def _as_tensor(self, features: np.ndarray | Tensor, source: str) -> Tensor:
        x = torch.as_tensor(np.asarray(features) if not isinstance(features, Tensor) else features)
        if x.dim() == 1:
            x = x.unsqueeze(0)
        if x.dim() != 2:
            raise DataError(f"{source} must be a (vertices x features) matrix, got shape {tuple(x.shape)}")
        if x.size(1) != self.in_channels:
            raise DataError(
                f"the model expects {self.in_channels} features per vertex, {source} has {x.size(1)} "
                f"columns; pass the raw features in the column order of the training data "
                f"(dataset {self.metadata.get('dataset', 'unknown')})"
            )
        x = x.detach().cpu().float()
        bad = (~torch.isfinite(x)).any(dim=1)
        if bool(bad.any()):
            row = int(bad.nonzero()[0])
            raise DataError(f"row {row} of {source} (0-based) has NaN or infinite values; fill or drop it")
        return x

    # ----------------------------------------------------------------------------------- saving
    def save(self, path: str | Path) -> Path:
        """Write the artifact: a directory, or a single file when ``path`` ends in ``.pt``.

        Each file is written atomically; in a directory the metadata goes last, so a reader never finds
        metadata pointing at missing or half-written weights.
        """
        path = Path(path)
        state = {k: v.detach().cpu() for k, v in self.student.state_dict().items()}
        if path.suffix == ".pt":
            # Metadata as a JSON string: weights_only loading accepts nothing but plain containers.
            payload = {"metadata_json": json.dumps(self.metadata), "state_dict": state}
            return atomic_write(path, lambda handle: torch.save(payload, handle))
        if path.exists() and not path.is_dir():
            raise DataError(f"{path} exists and is not a directory; choose another artifact path")
        atomic_write(path / WEIGHTS_FILE, lambda handle: torch.save(state, handle))
        write_json(path / METADATA_FILE, self.metadata)
        return path


def load(path: str | Path) -> StudentArtifact:
    """Load an artifact saved by :meth:`StudentArtifact.save` (a directory or a ``.pt`` file).

    Raises DataError when the path is missing, the files are incomplete or corrupt, or the weights do not
    match the metadata, saying which file and what to do.
    """
    path = Path(path)
    if path.is_dir():
        metadata = _read_metadata(path / METADATA_FILE)
        state = _torch_load(path / WEIGHTS_FILE)
    elif path.is_file():
        payload = _torch_load(path)
        if not isinstance(payload, dict) or not {"metadata_json", "state_dict"} <= payload.keys():
            raise DataError(f"{path} is not a hyperdistill student artifact (no metadata and state_dict)")
        metadata, state = json.loads(payload["metadata_json"]), payload["state_dict"]
    else:
        raise DataError(
            f"student artifact {path} does not exist; save one with `hyperdistill run --save-student DIR`"
        )
    _check_metadata(metadata, path)
    student = MLP(int(metadata["in_channels"]), int(metadata["out_channels"]), **metadata["student"])
    try:
        student.load_state_dict(state)
    except (RuntimeError, TypeError) as exc:
        raise DataError(f"the weights in {path} do not match its metadata: {exc}") from None
    return StudentArtifact(student.eval(), metadata)


def _read_metadata(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError(f"{path} is missing: {path.parent} is not a complete student artifact; save it again")
    try:
        metadata = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is corrupt (not valid JSON: {exc}); save the artifact again") from None
    if not isinstance(metadata, dict):
        raise DataError(f"{path} is corrupt: expected a JSON object")
    return metadata


def _torch_load(path: Path) -> Any:
    if not path.is_file():
        raise DataError(f"{path} is missing: {path.parent} is not a complete student artifact; save it again")
    try:
        return torch.load(io.BytesIO(path.read_bytes()), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for truncated or foreign files
        raise DataError(f"{path} is not a readable weights file ({type(exc).__name__}: {exc})") from None


def _check_metadata(metadata: Any, path: Path) -> None:
    missing = [k for k in REQUIRED_KEYS if k not in metadata]
    if missing:
        raise DataError(f"{path}: artifact metadata lacks {', '.join(missing)}; save the artifact again")
    if metadata["format"] != FORMAT:
        raise DataError(f"{path} is a {metadata['format']!r} file, not a {FORMAT!r} artifact")
    if int(metadata["format_version"]) > FORMAT_VERSION:
        raise DataError(
            f"{path} was written by a newer hyperdistill (artifact format {metadata['format_version']}, "
            f"this version reads up to {FORMAT_VERSION}); upgrade hyperdistill"
        )


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


# --------------------------------------------------------------------------------------- from a run
def mlp_hyperparameters(student: MLP) -> dict[str, Any]:
    """The MLP constructor arguments (besides in/out channels) read back from its layers."""
    layers = list(student.layers)
    linears = [m for m in layers if isinstance(m, nn.Linear)]
    dropouts = [m.p for m in layers if isinstance(m, nn.Dropout)]
    return {
        "hidden_channels": linears[0].out_features if len(linears) > 1 else 128,
        "num_layers": len(linears),
        "dropout": float(dropouts[0]) if dropouts else 0.0,
        "batch_norm": any(isinstance(m, nn.BatchNorm1d) for m in layers),
    }


def artifact_metadata(student: MLP, preprocessing: str, **provenance: Any) -> dict[str, Any]:
    """Metadata for a student: format, sizes, preprocessing, MLP hyperparameters, versions, time.

    ``provenance`` adds free keys (``class_names``, ``dataset``, ``method``, ``teacher``, ``config``, ...).
    """
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "torch_version": str(torch.__version__),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "in_channels": int(student.in_channels),
        "out_channels": int(student.out_channels),
        "preprocessing": preprocessing,
        "student": mlp_hyperparameters(student),
        **provenance,
    }


def save_student(
    run: StudentRun, prepared: Prepared, config: RunConfig, path: str | Path, seed: int | None = None
) -> Path:
    """Save the student of one ``train_student`` call as an artifact at ``path`` (directory or ``.pt``).

    Refuses methods whose student reads more than the raw features (``student_inputs`` overridden, e.g.
    position features), since a feature-only artifact could not reproduce them for an unseen vertex.
    """
    from hyperdistill.distill import DISTILLERS

    distiller = run.distiller
    method = next((n for n in DISTILLERS.names() if isinstance(distiller, DISTILLERS.get(n))), None)
    if not distiller.reads_features_only:
        raise ConfigError(
            f"method {method or type(distiller).__name__} feeds the student more than vertex features; "
            "its student cannot be saved as a feature-only artifact"
        )
    dataset = prepared.dataset
    metadata = artifact_metadata(
        run.model,
        config.feature_transform,
        class_names=list(dataset.class_names or [str(c) for c in range(dataset.num_classes)]),
        dataset=dataset.name,
        method=method,
        method_params=_jsonable(distiller.hyperparameters()),
        teacher=config.teacher if distiller.needs_teacher else None,
        teacher_params=dict(config.teacher_params),
        seed=seed,
        setting=config.setting,
        best_epoch=run.fit.best_epoch,
        best_val_accuracy=run.fit.best_val_acc,
        config=config.model_dump(mode="json"),
    )
    return StudentArtifact(run.model.eval(), metadata).save(path)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool | None) else repr(v) for k, v in values.items()}
