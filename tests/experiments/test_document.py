"""The results page, its JSON and figures are rendered from the store alone; `hyperdistill grid` resumes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hyperdistill.cli import app
from hyperdistill.experiments import open_store, run_grid
from hyperdistill.experiments.collect import collect
from hyperdistill.experiments.document import render
from tests.experiments.conftest import tiny_grid


def test_render_writes_tables_json_and_the_first_schema(tmp_path):
    grid = tiny_grid(str(tmp_path / "store"), protocol="lighthgnn")
    store, cache = open_store(grid)
    empty = render(grid, store, tmp_path / "docs")  # nothing stored yet: renders, with empty cells
    assert (tmp_path / "docs" / "results.md").exists() and empty
    run_grid(grid, store, cache, progress=False)
    render(grid, store, tmp_path / "docs", full=grid)
    page = (tmp_path / "docs" / "results.md").read_text()
    assert "## The bars" in page and "production, r = 0.3" in page and "*ind*" in page
    assert "| synthetic |" in page and "ECE" in page and "6 / 6" in page
    legacy = json.loads((tmp_path / "docs" / "results.json").read_text())
    models = legacy["synthetic"]["models"]
    assert set(models) == {"hgnn", "mlp", "lighthgnn"}
    assert set(models["mlp"]) == {"role", "mean", "std", "values"} and len(models["mlp"]["values"]) == 1
    assert legacy["synthetic"]["setting"] == "transductive"
    data = json.loads((tmp_path / "docs" / "results_grid.json").read_text())
    assert data["blocks"]["main"]["tables"][1]["datasets"]["synthetic"]["hgnn"]["parts"]["ind"]
    assert any(p.name.endswith("_bars.png") for p in (tmp_path / "docs").iterdir())
    again = render(grid, store, tmp_path / "docs", full=grid)
    assert not [p for p in again if p.suffix == ".png"]  # nothing changed: no figure is redrawn


def test_grid_command_runs_then_resumes(tmp_path):
    grid = tiny_grid(str(tmp_path / "store"), settings=["transductive"])
    path = tmp_path / "grid.toml"
    block = grid.block[0]
    path.write_text(
        f'name = "tiny"\nstore = "{grid.store}"\nnoise_levels = [0.0]\n[[block]]\nname = "main"\n'
        f'datasets = ["synthetic"]\nprotocol = "glnn"\nseeds = [0]\nmethods = {list(block.methods)!r}\n'
        "run = { epochs = 3, dataset_options = { num_nodes = 90, num_features = 12 } }\n".replace("'", '"')
    )
    runner = CliRunner()
    first = runner.invoke(app, ["grid", str(path), "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "3 to run" in first.output
    second = runner.invoke(app, ["grid", str(path), "--no-progress"])
    assert second.exit_code == 0 and "0 to run" in second.output
    missing = runner.invoke(app, ["grid", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "does not exist" in " ".join(missing.output.split())


def test_best_block_compares_teachers_and_picks_the_best(tmp_path):
    grid = tiny_grid(
        str(tmp_path / "store"),
        kind="best",
        settings=["transductive"],
        teachers=["hgnn", "hgnnp"],
        methods=["lighthgnn"],
        reference="hgnn",
        checks=False,
    )
    store, cache = open_store(grid)
    run_grid(grid, store, cache, progress=False)
    render(grid, store, tmp_path / "docs")
    page = (tmp_path / "docs" / "results.md").read_text()
    assert "| dataset | best teacher | best student | LightHGNN ← HGNN | LightHGNN ← HGNN+ |" in page
    (table,) = [t for t in collect(grid, store, grid.block[0]) if t.teacher == "hgnn"]
    ours = table.cell("synthetic", "lighthgnn").mean("test")
    assert f"LightHGNN over 1 datasets (test vertices): from HGNN {ours:.2f}" in page


def test_reference_block_has_one_row_per_model_and_published_rows(tmp_path):
    grid = tiny_grid(str(tmp_path / "store"), kind="reference", checks=False)
    store, cache = open_store(grid)
    run_grid(grid, store, cache, progress=False)
    render(grid, store, tmp_path / "docs")
    page = (tmp_path / "docs" / "results.md").read_text()
    assert "| model | synthetic tran | synthetic ind |" in page
    assert "| HGNN (teacher) |" in page and "| GLNN (published) | – | – |" in page
