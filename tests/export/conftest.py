"""One small student and its ONNX export, shared by the export tests (exporting takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from hyperdistill.artifact import StudentArtifact, artifact_metadata, load
from hyperdistill.export import ParityReport

WIDTH, CLASSES = 30, 4


@pytest.fixture(scope="session")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> StudentArtifact:
    """A saved and reloaded MLP student with non-trivial BatchNorm statistics."""
    from hyperdistill.models import MLP

    generator = torch.Generator().manual_seed(3)
    student = MLP(WIDTH, CLASSES, hidden_channels=16)
    with torch.random.fork_rng():
        torch.manual_seed(3)
        student.reset_parameters()
    student.train()
    student(torch.rand(128, WIDTH, generator=generator) * 4)
    names = ["alpha", "beta", "gamma, delta", "epsilon"]
    metadata = artifact_metadata(student.eval(), "row_l1", class_names=names, dataset="toy")
    path = StudentArtifact(student, metadata).save(tmp_path_factory.mktemp("artifact") / "student")
    return load(path)


@pytest.fixture(scope="session")
def onnx_export(
    artifact: StudentArtifact, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, ParityReport]:
    """``(path, parity report)`` of the artifact's ONNX export."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    from hyperdistill.export.onnx import export_onnx

    path = tmp_path_factory.mktemp("onnx") / "student.onnx"
    return path, export_onnx(artifact, path)


@pytest.fixture
def unseen_features() -> np.ndarray:
    counts = np.random.default_rng(11).poisson(0.5, size=(37, WIDTH)).astype(np.float32)
    counts[5] = 0.0
    return counts
