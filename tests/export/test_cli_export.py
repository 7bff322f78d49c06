"""`hyperdistill export` reports parity; `hyperdistill predict --onnx` scores with onnxruntime."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hyperdistill.artifact import StudentArtifact
from hyperdistill.cli import app
from hyperdistill.export import ParityReport

runner = CliRunner()


def test_predict_with_the_onnx_file(
    onnx_export: tuple[Path, ParityReport],
    artifact: StudentArtifact,
    unseen_features: np.ndarray,
    tmp_path: Path,
) -> None:
    np.save(tmp_path / "x.npy", unseen_features)
    out = tmp_path / "pred.csv"
    result = runner.invoke(app, ["predict", str(onnx_export[0]), str(tmp_path / "x.npy"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["row", "class_id", "class"]
    expected = artifact.predict(unseen_features)
    np.testing.assert_array_equal([int(r[1]) for r in rows[1:]], expected)
    assert [r[2] for r in rows[1:]] == [artifact.class_names[i] for i in expected]  # "gamma, delta" quoted


def test_export_command_writes_torch_program_with_parity(artifact: StudentArtifact, tmp_path: Path) -> None:
    saved = artifact.save(tmp_path / "student")
    result = runner.invoke(app, ["export", str(saved), "--formats", "torch"])
    assert result.exit_code == 0, result.output
    assert (saved / "student.pt2").is_file() and "torch.export parity passed" in result.output


def test_export_command_rejects_unknown_formats(artifact: StudentArtifact, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(artifact.save(tmp_path / "s")), "--formats", "tflite"])
    assert result.exit_code == 2 and "--formats takes onnx and/or torch" in result.output


@pytest.mark.slow
def test_export_command_writes_onnx(artifact: StudentArtifact, tmp_path: Path) -> None:
    saved = artifact.save(tmp_path / "student")
    result = runner.invoke(app, ["export", str(saved), "--formats", "onnx"])
    assert result.exit_code == 0, result.output
    assert "onnx parity passed" in result.output
