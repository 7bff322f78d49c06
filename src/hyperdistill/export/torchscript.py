"""Export a student as a ``torch.export`` program (``.pt2``), the successor of TorchScript.

``torch.jit.script``/``trace`` and ``torch.jit.load`` are deprecated in torch 2.13, so the torch-native
export is a ``torch.export.ExportedProgram`` saved with ``torch.export.save``. It holds the preprocessing
and the folded MLP, takes raw features ``(batch, F)`` and returns ``(logits, probabilities)``::

    program = torch.export.load("student.pt2").module()
    logits, probabilities = program(torch.as_tensor(rows, dtype=torch.float32))
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from hyperdistill.errors import DataError
from hyperdistill.export import (
    ExportError,
    ExportModule,
    ParityReport,
    parity_features,
    parity_report,
    reference_outputs,
    write_bytes,
)

if TYPE_CHECKING:
    from hyperdistill.artifact import StudentArtifact


def export_program(artifact: StudentArtifact, path: str | Path, check: bool = True) -> ParityReport:
    """Write ``artifact`` as a torch.export program at ``path`` (``.pt2``) and check it for parity.

    Args:
        artifact: The student to export.
        path: Output file, written atomically.
        check: Reload the file and compare with the torch student (tolerance 1e-5); raises ExportError
            on failure.
    """
    module = ExportModule(artifact.inference_model)
    example = parity_features(artifact.in_channels, rows=4)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            program = torch.export.export(
                module, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},)
            )
    except Exception as exc:
        raise ExportError(f"torch.export of the student failed: {type(exc).__name__}: {exc}") from exc
    buffer = io.BytesIO()
    torch.export.save(program, buffer)
    path = write_bytes(path, buffer.getvalue())
    if not check:
        nan = float("nan")
        return ParityReport("torch.export", str(path), 0, nan, nan, nan)
    return check_program(artifact, path)


def load_program(path: str | Path) -> torch.nn.Module:
    """The callable module of a saved program: raw features ``(B, F)`` -> ``(logits, probabilities)``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"exported program {path} does not exist; create it with `hyperdistill export`")
    try:
        return torch.export.load(str(path)).module()
    except Exception as exc:
        raise DataError(f"{path} is not a loadable torch.export program: {exc}") from None


def check_program(artifact: StudentArtifact, path: str | Path) -> ParityReport:
    """Compare a saved program with the artifact's torch student on test rows, batch 1 included."""
    features = parity_features(artifact.in_channels)
    reference = reference_outputs(artifact.student, artifact.preprocessing, features)
    program = load_program(path)
    with torch.no_grad():
        logits, proba = program(features)
        first_logits, first_proba = program(features[:1])
    return parity_report(
        "torch.export",
        str(path),
        (torch.cat([reference[0], reference[0][:1]]), torch.cat([reference[1], reference[1][:1]])),
        (torch.cat([logits, first_logits]), torch.cat([proba, first_proba])),
    )
