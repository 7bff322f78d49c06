"""ONNX export: parity at 1e-5, dynamic batch, metadata, a consumer with only onnxruntime and numpy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from hyperdistill.artifact import StudentArtifact
from hyperdistill.errors import DataError
from hyperdistill.export import PARITY_TOLERANCE, ExportError, ParityReport, parity_report

ort = pytest.importorskip("onnxruntime")


def test_export_reports_parity_within_tolerance(onnx_export: tuple[Path, ParityReport]) -> None:
    path, report = onnx_export
    assert path.is_file() and report.passed
    assert report.tolerance == PARITY_TOLERANCE == 1e-5
    assert report.max_abs_diff_probabilities <= 1e-5 and report.max_abs_diff_logits <= 1e-5
    assert report.rows > 60 and "passed" in str(report)


def test_onnx_matches_torch_for_any_batch_size(
    onnx_export: tuple[Path, ParityReport], artifact: StudentArtifact, unseen_features: np.ndarray
) -> None:
    from hyperdistill.export.onnx import onnx_metadata, onnx_session, run_onnx

    session = onnx_session(onnx_export[0])
    for rows in (1, 2, 37):
        logits, proba = run_onnx(session, unseen_features[:rows])
        np.testing.assert_allclose(proba, artifact.predict_proba(unseen_features[:rows]), atol=1e-5)
        np.testing.assert_allclose(logits, artifact.predict_logits(unseen_features[:rows]), atol=1e-5)
    assert json.loads(onnx_metadata(session)["hyperdistill.class_names"]) == artifact.class_names
    assert onnx_metadata(session)["hyperdistill.preprocessing"] == "row_l1"
    with pytest.raises(DataError, match="expects 30 features per vertex, the input has 29 columns"):
        run_onnx(session, unseen_features[:, :29])


def test_onnx_runs_in_a_process_with_only_onnxruntime_and_numpy(
    onnx_export: tuple[Path, ParityReport],
    artifact: StudentArtifact,
    unseen_features: np.ndarray,
    tmp_path: Path,
) -> None:
    features = tmp_path / "features.npy"
    np.save(features, unseen_features)
    script = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        import onnxruntime as ort

        session = ort.InferenceSession({str(onnx_export[0])!r}, providers=["CPUExecutionProvider"])
        logits, proba = session.run(None, {{"features": np.load({str(features)!r})}})
        np.save({str(tmp_path / "proba.npy")!r}, proba)
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "hyperdistill", "onnx"))
        print("IMPORTED:" + ",".join(heavy))
        """
    )
    # -I: isolated mode, so neither the working directory nor PYTHONPATH can bring hyperdistill in.
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("IMPORTED:"), done.stdout
    proba = np.load(tmp_path / "proba.npy")
    np.testing.assert_allclose(proba, artifact.predict_proba(unseen_features), atol=1e-5)
    np.testing.assert_array_equal(proba.argmax(1), artifact.predict(unseen_features))


def test_parity_failure_is_an_error() -> None:
    import torch

    reference = (torch.zeros(2, 3), torch.full((2, 3), 1 / 3))
    with pytest.raises(ExportError, match="does not reproduce the torch student"):
        parity_report("onnx", "x.onnx", reference, (np.full((2, 3), 1e-3), np.full((2, 3), 1 / 3)))
