"""Ray batch inference over feature shards equals the in-process path (local Ray instance; slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from hyperdistill.artifact import StudentArtifact, artifact_metadata
from hyperdistill.data.feature_file import read_features
from hyperdistill.errors import DataError
from hyperdistill.models import MLP
from hyperdistill.scale.ray_predict import list_shards, predict_shards

NUM_FEATURES = 12


@pytest.fixture
def student(tmp_path: Path) -> tuple[StudentArtifact, Path]:
    torch.manual_seed(0)
    mlp = MLP(NUM_FEATURES, 4, hidden_channels=16)
    mlp.layers[1].running_mean.uniform_(-0.1, 0.1)  # non-trivial BatchNorm statistics to fold
    artifact = StudentArtifact(mlp.eval(), artifact_metadata(mlp, "row_l1", class_names=list("abcd")))
    artifact.save(tmp_path / "student")
    return artifact, tmp_path / "student"


@pytest.fixture
def shards(tmp_path: Path) -> Path:
    directory = tmp_path / "shards"
    directory.mkdir()
    rng = np.random.default_rng(0)
    for i in range(10):
        np.save(directory / f"part-{i:02d}.npy", rng.random((50 + 7 * i, NUM_FEATURES), dtype=np.float32))
    np.savez(directory / "part-10.npz", features=rng.random((33, NUM_FEATURES)).astype(np.float32))
    np.savetxt(directory / "part-11.csv", rng.random((20, NUM_FEATURES)), delimiter=",", fmt="%.6f")
    (directory / "README.txt.bak").write_text("not a shard")
    return directory


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module (starting Ray takes most of these tests' time)."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, object_store_memory=256 * 2**20, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_list_shards_is_sorted_and_filtered(shards: Path, tmp_path: Path):
    names = [p.name for p in list_shards(shards)]
    assert names == sorted(names) and len(names) == 12
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no feature shards"):
        list_shards(tmp_path / "empty")
    with pytest.raises(DataError, match="not a directory"):
        list_shards(tmp_path / "missing")


@pytest.mark.slow
def test_ray_predictions_equal_in_process(local_ray, student, shards: Path, tmp_path: Path):
    artifact, path = student
    report = predict_shards(path, shards, tmp_path / "out", workers=2, chunk_size=16, proba=True)
    assert len(report.shards) == 12 and report.rows == sum(
        read_features(p).shape[0] for p in list_shards(shards)
    )
    assert report.to_dict()["per_worker"]
    for shard in list_shards(shards):
        got = np.load(tmp_path / "out" / (shard.stem + ".npy"))
        assert np.allclose(got, artifact.predict_proba(read_features(shard)), atol=1e-6)


@pytest.mark.slow
def test_ray_onnx_class_ids_equal_in_process_onnx(local_ray, student, shards: Path, tmp_path: Path):
    pytest.importorskip("onnxruntime")
    from hyperdistill.export.onnx import export_onnx, onnx_session, run_onnx

    artifact, _ = student
    onnx_path = tmp_path / "student.onnx"
    export_onnx(artifact, onnx_path)
    report = predict_shards(onnx_path, shards, tmp_path / "out", workers=2)
    assert report.backend == "onnxruntime"
    session = onnx_session(onnx_path)
    for shard in list_shards(shards):
        expected = run_onnx(session, read_features(shard))[0].argmax(axis=1)
        got = np.load(tmp_path / "out" / (shard.stem + ".npy"))
        assert np.array_equal(got, expected)
        assert np.array_equal(got, artifact.predict(read_features(shard)))


def test_cli_path_needs_an_output_directory(student, shards: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from hyperdistill.cli import app

    _, path = student
    result = CliRunner().invoke(app, ["predict", str(path), str(shards)])
    assert result.exit_code != 0 and "needs --out DIR" in result.output
    result = CliRunner().invoke(app, ["predict", str(path), str(shards), "--out", str(tmp_path / "o.npy")])
    assert result.exit_code != 0 and "is a directory, not a file" in result.output


@pytest.mark.slow
def test_cli_scores_a_shard_directory_on_ray(local_ray, student, shards: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from hyperdistill.cli import app

    artifact, path = student
    out = tmp_path / "predictions"
    result = CliRunner().invoke(app, ["predict", str(path), str(shards), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    for shard in list_shards(shards):
        assert np.array_equal(np.load(out / (shard.stem + ".npy")), artifact.predict(read_features(shard)))
