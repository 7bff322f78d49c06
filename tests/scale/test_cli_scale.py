"""``hyperdistill scale`` end to end on a tiny synthetic hypergraph."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from hyperdistill.cli import app


def test_scale_command_writes_a_report_and_a_loadable_student(tmp_path):
    out, student = tmp_path / "report.json", tmp_path / "student"
    args = ["scale", "--nodes", "300", "--features", "20", "--classes", "3", "--epochs", "3"]
    args += ["--student-steps", "3", "--batch-size", "64", "--json", str(out), "--save-student", str(student)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["dataset"]["num_nodes"] == 300
    assert {"load", "teacher_train", "student_train"} <= report["stages"].keys()
    from hyperdistill.artifact import load

    assert load(student).predict(np.ones((2, 20), dtype=np.float32)).shape == (2,)


def test_scale_command_explains_an_unknown_teacher_mode():
    result = CliRunner().invoke(app, ["scale", "--nodes", "300", "--teacher-mode", "huge"])
    assert result.exit_code == 2
    assert "teacher mode" in result.output
