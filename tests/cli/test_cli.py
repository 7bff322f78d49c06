"""The command line: a run writes its result, bad input gives a one-paragraph error and exit code 2."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hyperdistill.cli import app

runner = CliRunner()
SMALL = [
    "--set",
    "dataset.num_nodes=300",
    "--set",
    "dataset.num_features=60",
    "--epochs",
    "5",
    "--seeds",
    "0",
]


def test_run_writes_a_result_json(tmp_path):
    result = runner.invoke(app, ["run", *SMALL, "--no-progress", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "result.json").read_text())
    assert {r["model"] for r in data["records"]} == {"hgnn", "mlp", "lighthgnn", "lighthgnn_plus"}
    assert data["config"]["epochs"] == 5
    assert "torch" in data["versions"]
    assert "lighthgnn_plus" in result.output


def test_saved_students_predict_like_the_run(tmp_path):
    """--save-students writes feature-only artifacts; predict on them reproduces the run's student."""
    import numpy as np

    from hyperdistill.artifact import load

    students = tmp_path / "students"
    args = ["run", *SMALL, "--methods", "lighthgnn,nosmog", "--no-progress", "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, "--save-students", str(students)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in students.iterdir()) == ["lighthgnn"]  # NOSMOG reads position features
    features = np.random.default_rng(0).random((7, 60), dtype=np.float32)
    np.save(tmp_path / "new.npy", features)
    out = runner.invoke(app, ["predict", str(students / "lighthgnn"), str(tmp_path / "new.npy")])
    assert out.exit_code == 0, out.output
    ids = [int(line.split(",")[1]) for line in out.stdout.strip().splitlines()[1:]]
    assert ids == load(students / "lighthgnn").predict(features).tolist()


def test_config_file_and_method_hyperparameters(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(
        'methods = ["lighthgnn_plus"]\nepochs = 3\n[method_params.lighthgnn_plus]\nbeta = 0.5\n'
    )
    result = runner.invoke(app, ["run", *SMALL, "--config", str(config), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "o" / "result.json").read_text())
    assert data["config"]["method_params"] == {"lighthgnn_plus": {"beta": 0.5}}
    assert data["config"]["epochs"] == 5  # the flag wins over the file


def test_unknown_method_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", *SMALL, "--methods", "lighthgnn,glnm", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown method 'glnm'" in result.output
    assert "Traceback" not in result.output


def test_bad_option_values_are_clear_errors(tmp_path):
    result = runner.invoke(app, ["run", "--setting", "inductive", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "setting" in result.output
    result = runner.invoke(app, ["run", "--dataset", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown dataset 'nope'" in result.output


def test_set_names_an_unknown_owner_clearly(tmp_path):
    result = runner.invoke(app, ["run", *SMALL, "--set", "hgnn.hidden_channels=64", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "neither teacher, student, dataset nor a method" in " ".join(result.output.split())


def test_datasets_lists_the_registry():
    result = runner.invoke(app, ["datasets"])
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
