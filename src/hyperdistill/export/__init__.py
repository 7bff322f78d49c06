"""Shipping a student: the inference module and exports (ONNX, torch.export), each checked for parity.

The inference module is what every deployment path runs: the named feature preprocessing, then the MLP in
eval mode with each BatchNorm folded into the Linear before it and dropout removed. ``predict`` of a loaded
artifact, the ONNX graph and the torch.export program are all built from it, and each export is compared
with the unfolded torch model it came from (:func:`parity_report`).

The exporters need the optional ``export`` extra (``onnx``, ``onnxruntime``, ``onnxscript``); they are
imported on first use so that ``import hyperdistill`` stays light.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import torch
from torch import Tensor, nn
from torch.nn.utils import fuse_linear_bn_eval

from hyperdistill.errors import ConfigError, HyperdistillError

#: Largest accepted difference between an export and the torch model (probabilities, and logits scaled
#: by ``max(1, max |logit|)`` so that float32 rounding of large logits is not mistaken for a defect).
PARITY_TOLERANCE = 1e-5


class ExportError(HyperdistillError):
    """An export failed or does not reproduce the torch model within the tolerance."""


class RowL1Normalize(nn.Module):
    """Divide each row by its L1 norm; rows of zeros stay zero (``normalize_features(x, "row_l1")``).

    One reduction and one division, so it costs two passes over the input and exports to ONNX as
    ``ReduceL1``-style ops.

    Shapes:
        - x: ``(B, F)``; output ``(B, F)``
    """

    def forward(self, x: Tensor) -> Tensor:
        norm = torch.linalg.vector_norm(x, ord=1, dim=1, keepdim=True)
        return x / torch.where(norm == 0, 1.0, norm)


PREPROCESSING: dict[str, type[nn.Module]] = {"row_l1": RowL1Normalize, "none": nn.Identity}


def preprocessing_module(name: str) -> nn.Module:
    """The ``nn.Module`` applying the named feature preprocessing (see ``data.transforms``)."""
    if name not in PREPROCESSING:
        raise ConfigError(f"unknown feature preprocessing {name!r}; known: {', '.join(PREPROCESSING)}")
    return PREPROCESSING[name]()


class InferenceModel(nn.Module):
    """Raw features in, logits out: preprocessing, then the student with BatchNorm folded in.

    Row-L1 normalisation is fused into the first layer: ``(x / |x|_1) W^T + b = (x W^T) / |x|_1 + b``, so
    the raw features are read once for their norms and once by the product, and no normalised copy of
    them is written. The result equals preprocessing followed by the MLP up to float rounding.

    Args:
        student: A trained MLP made of ``Linear``, ``BatchNorm1d``, ``ReLU`` and ``Dropout`` layers; it is
            copied, not changed.
        preprocessing: Name of the feature preprocessing (``"row_l1"`` or ``"none"``).

    Shapes:
        - features: ``(B, F)`` raw features
        - output: ``(B, C)`` logits
    """

    def __init__(self, student: nn.Module, preprocessing: str) -> None:
        super().__init__()
        self.preprocess = preprocessing_module(preprocessing)
        self.fuse_row_l1 = preprocessing == "row_l1"
        layers = _fold(student)
        if not isinstance(layers[0], nn.Linear):
            raise ConfigError("the student's first layer must be a Linear layer")
        self.first = layers[0]
        self.rest = nn.Sequential(*layers[1:])
        self.eval()

    @property
    def first_weight(self) -> Tensor:
        """Weight of the first Linear, ``(hidden, F)``: the shape of the MLP's dominant product."""
        return self.first.weight

    def forward_prepared(self, features: Tensor) -> Tensor:
        """Logits from features that are already preprocessed, ``(B, F) -> (B, C)``."""
        return self.rest(self.first(features))

    def forward(self, features: Tensor) -> Tensor:
        if not self.fuse_row_l1:
            return self.forward_prepared(self.preprocess(features))
        norm = torch.linalg.vector_norm(features, ord=1, dim=1, keepdim=True)
        product = nn.functional.linear(features, self.first.weight)
        hidden = product / torch.where(norm == 0, 1.0, norm)
        return self.rest(hidden if self.first.bias is None else hidden + self.first.bias)


class ExportModule(nn.Module):
    """The exported graph: :class:`InferenceModel` with both logits and class probabilities as outputs.

    Shapes:
        - features: ``(B, F)`` raw features
        - outputs: logits ``(B, C)``, probabilities ``(B, C)``
    """

    def __init__(self, inference: InferenceModel) -> None:
        super().__init__()
        self.inference = inference
        self.eval()

    def forward(self, features: Tensor) -> tuple[Tensor, Tensor]:
        logits = self.inference(features)
        return logits, torch.softmax(logits, dim=1)


def _fold(student: nn.Module) -> list[nn.Module]:
    layers = list(getattr(student, "layers", student.children()))
    out: list[nn.Module] = []
    for layer in layers:
        if isinstance(layer, nn.BatchNorm1d):
            if not out or not isinstance(out[-1], nn.Linear):
                raise ConfigError("a BatchNorm1d must follow a Linear layer to be folded for inference")
            out[-1] = fuse_linear_bn_eval(out[-1], layer.eval())
        elif isinstance(layer, nn.Linear | nn.ReLU):
            out.append(copy.deepcopy(layer))
        elif not isinstance(layer, nn.Dropout):
            raise ConfigError(
                f"cannot ship a student containing {type(layer).__name__}; the inference module supports "
                "Linear, BatchNorm1d, ReLU and Dropout layers"
            )
    for layer in out:
        layer.requires_grad_(False)
    return out


@dataclass(frozen=True)
class ParityReport:
    """How closely an exported model reproduces the torch student on the same raw features.

    Args:
        format: ``"onnx"`` or ``"torch.export"``.
        path: Where the export was written.
        rows: Number of feature rows compared.
        max_abs_diff_logits: Largest absolute logit difference.
        max_abs_diff_probabilities: Largest absolute probability difference.
        max_abs_logit: Largest absolute reference logit (scales the logit tolerance).
        tolerance: The tolerance applied.
    """

    format: str
    path: str
    rows: int
    max_abs_diff_logits: float
    max_abs_diff_probabilities: float
    max_abs_logit: float
    tolerance: float = PARITY_TOLERANCE

    @property
    def passed(self) -> bool:
        logit_tolerance = self.tolerance * max(1.0, self.max_abs_logit)
        return (
            self.max_abs_diff_probabilities <= self.tolerance and self.max_abs_diff_logits <= logit_tolerance
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"{self.format} parity {verdict} on {self.rows} rows: max |diff| probabilities "
            f"{self.max_abs_diff_probabilities:.2e}, logits {self.max_abs_diff_logits:.2e} "
            f"(tolerance {self.tolerance:.0e})"
        )


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``."""
    from hyperdistill.io import atomic_write

    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    return atomic_write(path, write)


def parity_report(
    format: str, path: str, reference: tuple[Tensor, Tensor], candidate: tuple[Any, Any]
) -> ParityReport:
    """Compare ``(logits, probabilities)`` of an export with the torch reference; raise if out of tolerance.

    Shapes:
        - reference, candidate: two ``(B, C)`` arrays or tensors each
    """
    ref_logits, ref_proba = (t.detach().double() for t in reference)
    logits, proba = (torch.as_tensor(c).double() for c in candidate)
    report = ParityReport(
        format=format,
        path=path,
        rows=int(ref_logits.size(0)),
        max_abs_diff_logits=float((logits - ref_logits).abs().max()),
        max_abs_diff_probabilities=float((proba - ref_proba).abs().max()),
        max_abs_logit=float(ref_logits.abs().max()),
    )
    if not report.passed:
        raise ExportError(f"{report}; the export at {path} does not reproduce the torch student")
    return report


def parity_features(in_channels: int, rows: int = 64, seed: int = 0) -> Tensor:
    """Raw test features for parity checks: sparse non-negative counts, one dense row and one zero row.

    Shapes:
        - output: ``(rows, in_channels)`` float32
    """
    generator = torch.Generator().manual_seed(seed)
    counts = torch.poisson(torch.full((rows, in_channels), 0.05), generator=generator)
    counts[0] = torch.rand(in_channels, generator=generator) * 3
    counts[-1] = 0.0
    return counts.float()


def reference_outputs(student: nn.Module, preprocessing: str, features: Tensor) -> tuple[Tensor, Tensor]:
    """Logits and probabilities of the *unfolded* student, the model an export must reproduce."""
    from hyperdistill.data.transforms import normalize_features

    was_training = student.training
    student.eval()
    with torch.no_grad():
        logits = student(normalize_features(features, preprocessing))
    student.train(was_training)
    return logits, torch.softmax(logits, dim=1)


__all__ = [
    "PARITY_TOLERANCE",
    "ExportError",
    "ExportModule",
    "InferenceModel",
    "ParityReport",
    "RowL1Normalize",
    "parity_features",
    "parity_report",
    "preprocessing_module",
    "reference_outputs",
]
