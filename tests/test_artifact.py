"""Student artifacts: round trip, raw-feature predictions, chunked files, errors that say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
import torch

from hyperdistill.artifact import StudentArtifact, artifact_metadata, load
from hyperdistill.data.transforms import normalize_features
from hyperdistill.errors import DataError
from hyperdistill.models import MLP

WIDTH, CLASSES = 24, 3


def make_artifact(seed: int = 0) -> StudentArtifact:
    """An MLP with non-trivial BatchNorm statistics (one training-mode pass), in eval mode."""
    torch.manual_seed(seed)
    student = MLP(WIDTH, CLASSES, hidden_channels=16)
    student.train()
    student(torch.rand(64, WIDTH) * 3)
    metadata = artifact_metadata(student.eval(), "row_l1", class_names=["a", "b", "c"], dataset="toy")
    return StudentArtifact(student, metadata)


def raw_features(rows: int = 50, seed: int = 1) -> np.ndarray:
    counts = np.random.default_rng(seed).poisson(0.4, size=(rows, WIDTH)).astype(np.float32)
    counts[3] = 0.0  # a vertex without features
    return counts


def expected_logits(artifact: StudentArtifact, features: np.ndarray) -> torch.Tensor:
    with torch.no_grad():
        return artifact.student(normalize_features(torch.from_numpy(features), "row_l1"))


@pytest.mark.parametrize("name", ["student", "student.pt"])
def test_round_trip_keeps_weights_metadata_and_predictions(tmp_path: Path, name: str) -> None:
    artifact = make_artifact()
    loaded = load(artifact.save(tmp_path / name))
    assert loaded.metadata == artifact.metadata
    assert loaded.class_names == ["a", "b", "c"] and loaded.in_channels == WIDTH
    for key, value in artifact.student.state_dict().items():
        assert torch.equal(loaded.student.state_dict()[key], value)
    features = raw_features()
    reference = expected_logits(artifact, features)
    np.testing.assert_array_equal(loaded.predict(features), reference.argmax(1).numpy())
    np.testing.assert_allclose(loaded.predict_proba(features), reference.softmax(1).numpy(), atol=1e-6)
    assert loaded.predict(features[0]).shape == (1,)  # one vertex as a vector


def test_width_mismatch_names_both_widths(tmp_path: Path) -> None:
    artifact = make_artifact()
    with pytest.raises(
        DataError, match=f"expects {WIDTH} features per vertex, the input has {WIDTH - 1} columns"
    ):
        artifact.predict(raw_features()[:, :-1])
    path = tmp_path / "narrow.npy"
    np.save(path, raw_features()[:, :-1])
    with pytest.raises(DataError, match=f"the file {path} has {WIDTH - 1} columns"):
        artifact.predict_file(path)


def test_chunked_predict_file_equals_one_shot(tmp_path: Path) -> None:
    artifact = make_artifact()
    features = raw_features(rows=41)
    one_shot = artifact.predict(features)
    proba = artifact.predict_proba(features)
    np.save(tmp_path / "f.npy", features)
    np.savez(tmp_path / "f.npz", features=features, ids=np.arange(41))
    np.savez_compressed(tmp_path / "single.npz", features)
    scipy.sparse.save_npz(tmp_path / "sparse.npz", scipy.sparse.csr_matrix(features))
    header = ",".join(f"w{i}" for i in range(WIDTH))
    np.savetxt(tmp_path / "f.csv", features, delimiter=",", header=header, comments="", fmt="%g")
    for name in ("f.npy", "f.npz", "single.npz", "sparse.npz", "f.csv"):
        for chunk_size in (1, 10, 1000):
            got = artifact.predict_file(tmp_path / name, chunk_size=chunk_size)
            np.testing.assert_array_equal(got, one_shot, err_msg=f"{name}, chunks of {chunk_size}")
        np.testing.assert_allclose(artifact.predict_file(tmp_path / name, 7, proba=True), proba, atol=1e-6)


def test_missing_and_corrupt_artifacts_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist; save one with"):
        load(tmp_path / "nowhere")
    saved = make_artifact().save(tmp_path / "student")
    (saved / "weights.pt").write_bytes(b"not a torch file")
    with pytest.raises(DataError, match=r"weights\.pt is not a readable weights file"):
        load(saved)
    (saved / "weights.pt").unlink()
    with pytest.raises(DataError, match=r"weights\.pt is missing"):
        load(saved)
    make_artifact().save(saved)
    (saved / "artifact.json").write_text("{ truncated")
    with pytest.raises(DataError, match=r"artifact\.json is corrupt"):
        load(saved)
    (tmp_path / "junk.pt").write_bytes(b"\x00" * 10)
    with pytest.raises(DataError, match="not a readable weights file"):
        load(tmp_path / "junk.pt")


def test_metadata_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    saved = make_artifact().save(tmp_path / "student")
    metadata = json.loads((saved / "artifact.json").read_text())
    (saved / "artifact.json").write_text(json.dumps({**metadata, "in_channels": WIDTH + 5}))
    with pytest.raises(DataError, match="do not match its metadata"):
        load(saved)
    (saved / "artifact.json").write_text(json.dumps({**metadata, "format_version": 99}))
    with pytest.raises(DataError, match="newer hyperdistill"):
        load(saved)


def test_bad_feature_files_are_explained(tmp_path: Path) -> None:
    artifact = make_artifact()
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2,3\n1,2\n")
    with pytest.raises(DataError, match=r"ragged\.csv, lines 1-2"):
        artifact.predict_file(ragged)
    nan = raw_features()
    nan[7, 2] = np.nan
    np.save(tmp_path / "nan.npy", nan)
    with pytest.raises(DataError, match=r"row 7 of .*nan\.npy"):
        artifact.predict_file(tmp_path / "nan.npy", chunk_size=5)
    np.savez(tmp_path / "two.npz", a=nan, b=nan)
    with pytest.raises(DataError, match="several arrays"):
        artifact.predict_file(tmp_path / "two.npz")
    (tmp_path / "f.parquet").write_bytes(b"")
    with pytest.raises(DataError, match=r"unsupported type \.parquet"):
        artifact.predict_file(tmp_path / "f.parquet")


def test_non_finite_features_are_refused() -> None:
    features = raw_features()
    features[4, 0] = np.inf
    with pytest.raises(DataError, match="row 4 of the input"):
        make_artifact().predict(features)
