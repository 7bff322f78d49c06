"""torch.export program of a student: parity with the eager model, reload, dynamic batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from hyperdistill.artifact import StudentArtifact
from hyperdistill.export import InferenceModel, RowL1Normalize
from hyperdistill.export.torchscript import export_program, load_program


def test_program_round_trip_and_parity(
    artifact: StudentArtifact, unseen_features: np.ndarray, tmp_path: Path
) -> None:
    report = export_program(artifact, tmp_path / "student.pt2")
    assert report.passed and report.max_abs_diff_probabilities <= 1e-5
    program = load_program(tmp_path / "student.pt2")
    for rows in (1, 37):
        _, proba = program(torch.from_numpy(unseen_features[:rows]))
        np.testing.assert_allclose(
            proba.detach().numpy(), artifact.predict_proba(unseen_features[:rows]), atol=1e-5
        )


def test_inference_model_folds_batchnorm_without_changing_outputs(
    artifact: StudentArtifact, unseen_features: np.ndarray
) -> None:
    from hyperdistill.data.transforms import normalize_features

    model = InferenceModel(artifact.student, "row_l1")
    assert not any(isinstance(m, torch.nn.BatchNorm1d | torch.nn.Dropout) for m in model.modules())
    x = torch.from_numpy(unseen_features)
    with torch.no_grad():
        torch.testing.assert_close(
            model(x), artifact.student(normalize_features(x, "row_l1")), atol=1e-5, rtol=0
        )
        torch.testing.assert_close(RowL1Normalize()(x), normalize_features(x, "row_l1"))
