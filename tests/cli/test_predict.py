"""`hyperdistill predict` scores vertices the student never saw, exactly as the in-process student does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from hyperdistill.artifact import load, save_student
from hyperdistill.cli import app
from hyperdistill.config import RunConfig
from hyperdistill.data.splits import get_protocol, make_split
from hyperdistill.run import make_view, prepare_data, train_student, train_teacher

runner = CliRunner()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A LightHGNN student trained in the production setting, saved; features of its unseen vertices."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: threads only add synchronisation on a busy machine
    try:
        return _ship(tmp_path_factory)
    finally:
        torch.set_num_threads(threads)


def _ship(tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = RunConfig.model_validate(
        {
            "dataset_options": {"num_nodes": 300, "num_classes": 3, "num_features": 40},
            "protocol": "glnn",
            "setting": "production",
            "methods": ["lighthgnn"],
            "epochs": 8,
            "seeds": [0],
        }
    )
    prepared = prepare_data(config)
    view = make_view(prepared, make_split(prepared.dataset, get_protocol("glnn"), 0), config, 0)
    teacher = train_teacher(prepared, view, config, 0)
    student = train_student("lighthgnn", prepared, view, teacher, config, 0)
    unseen = view.parts["ind"]
    assert not torch.isin(unseen, view.observed).any()
    folder = tmp_path_factory.mktemp("shipped")
    raw = prepared.dataset.features[unseen].numpy()
    np.save(folder / "unseen.npy", raw)
    np.savetxt(folder / "unseen.csv", raw, delimiter=",", fmt="%g")
    with torch.no_grad():
        logits = student.model.eval()(prepared.features[unseen])
    return {
        "artifact": save_student(student, prepared, config, folder / "student", seed=0),
        "folder": folder,
        "raw": raw,
        "ids": logits.argmax(1).numpy(),
        "proba": logits.softmax(1).numpy(),
        "class_names": list(prepared.dataset.class_names or []),
    }


def test_saved_student_records_its_provenance(shipped: dict) -> None:
    artifact = load(shipped["artifact"])
    meta = artifact.metadata
    assert meta["method"] == "lighthgnn" and meta["teacher"] == "hgnn" and meta["preprocessing"] == "row_l1"
    assert meta["in_channels"] == 40 and meta["student"]["hidden_channels"] == 128
    assert meta["config"]["setting"] == "production" and meta["package_version"]
    np.testing.assert_array_equal(artifact.predict(shipped["raw"]), shipped["ids"])


@pytest.mark.parametrize("source", ["unseen.npy", "unseen.csv"])
def test_predict_csv_matches_the_in_process_student(shipped: dict, source: str) -> None:
    out = shipped["folder"] / f"pred-{source}.csv"
    args = ["predict", str(shipped["artifact"]), str(shipped["folder"] / source), "--out", str(out)]
    result = runner.invoke(app, [*args, "--chunk-size", "7"])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "row,class_id,class"
    ids = np.array([int(line.split(",")[1]) for line in lines[1:]])
    np.testing.assert_array_equal(ids, shipped["ids"])
    assert lines[1].split(",")[2] == shipped["class_names"][shipped["ids"][0]]


def test_predict_probabilities_to_npy(shipped: dict) -> None:
    out = shipped["folder"] / "proba.npy"
    args = ["predict", str(shipped["artifact"]), str(shipped["folder"] / "unseen.npy"), "--proba"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    np.testing.assert_allclose(np.load(out), shipped["proba"], atol=1e-5)


def test_predict_explains_a_width_mismatch(shipped: dict, tmp_path: Path) -> None:
    narrow = tmp_path / "narrow.npy"
    np.save(narrow, shipped["raw"][:, :39])
    result = runner.invoke(app, ["predict", str(shipped["artifact"]), str(narrow)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())  # undo rich's line wrapping
    assert "expects 40 features per vertex" in message and "has 39 columns" in message
    assert not list(tmp_path.glob("*.csv"))


def test_predict_refuses_an_unknown_output_type(shipped: dict) -> None:
    args = ["predict", str(shipped["artifact"]), str(shipped["folder"] / "unseen.npy"), "--out", "x.parquet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "choose a .csv or .npy file" in result.output
