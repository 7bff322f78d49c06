"""`hyperdistill bench` and the benchmark page: a tiny run end to end, rendered to markdown and a plot."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hyperdistill.cli import app

runner = CliRunner()
TINY = ["--batch-sizes", "1,10", "--repeats", "2", "--warmup", "0", "--threads", "1", "--no-onnx"]


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One tiny `hyperdistill bench` run: the JSON it wrote and what it printed."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    result = runner.invoke(app, ["bench", "--dataset", "synthetic", *TINY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_bench_command_writes_a_json_run(bench_run: tuple[Path, str]) -> None:
    out, output = bench_run
    run = json.loads(out.read_text())["runs"][0]
    assert run["config"]["threads"] == 1 and run["machine"]["torch_threads"] == 1
    assert "batch 1: HGNN full propagation / student" in output


def test_bench_rejects_an_unknown_device() -> None:
    result = runner.invoke(app, ["bench", "--device", "tpu"])
    assert result.exit_code == 2 and "--device takes cpu or cuda" in result.output


def test_page_and_plot_render_from_the_json(bench_run: tuple[Path, str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    store = json.loads(bench_run[0].read_text())
    out = tmp_path / "bench.json"
    store["runs"][0]["dataset"]["key"] = "synthetic-speed"  # render it as the headline run
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        from render_speed import render
    finally:
        sys.path.pop(0)
    page, plot = render(store, out)
    text = page.read_text()
    assert "python benchmarks/speed.py --render-only" in text
    assert "batch 1: HGNN full propagation / student (target ≥ 1000x)" in text
    assert "| student |" in text and store["runs"][0]["machine_label"] in text
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
