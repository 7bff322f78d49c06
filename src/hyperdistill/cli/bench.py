"""``hyperdistill bench``: the inference speed benchmark (student vs teachers) on one dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hyperdistill.cli.app import app, console, err_console, user_errors

SPEED_DATASET = "synthetic-speed"  # hyperdistill.eval.speed.SPEED_DATASET, kept literal for a light import


@app.command()
def bench(
    dataset: Annotated[
        str, typer.Option(help=f"{SPEED_DATASET} (the ~55k-vertex hypergraph) or a registered dataset")
    ] = SPEED_DATASET,
    device: Annotated[str, typer.Option(help="cpu or cuda")] = "cpu",
    threads: Annotated[
        int | None, typer.Option(help="torch and onnxruntime threads (default: torch's)")
    ] = None,
    batch_sizes: Annotated[str, typer.Option(help="comma-separated query batch sizes")] = "1,10,100,1000",
    teachers: Annotated[str, typer.Option(help="comma-separated teachers")] = "hgnn,hgnnp",
    repeats: Annotated[int, typer.Option(help="timed calls per figure")] = 20,
    warmup: Annotated[int, typer.Option(help="discarded calls per figure")] = 3,
    onnx: Annotated[bool, typer.Option(help="also time the ONNX student (CPU)")] = True,
    memory: Annotated[bool, typer.Option(help="also measure peak memory per call")] = True,
    data_root: Annotated[Path | None, typer.Option(help="folder holding the datasets")] = None,
    out: Annotated[Path | None, typer.Option(help="write the run as JSON here")] = None,
) -> None:
    """Time whole-graph and per-query inference of the MLP student against HGNN teachers."""
    with user_errors():
        from hyperdistill.errors import ConfigError
        from hyperdistill.eval.speed import BenchConfig, bench_dataset, load_bench_dataset
        from hyperdistill.eval.speed_summary import headline
        from hyperdistill.io import write_json

        if device not in ("cpu", "cuda"):
            raise ConfigError(f"--device takes cpu or cuda, got {device!r}")
        config = BenchConfig(
            device=device,
            threads=threads,
            batch_sizes=tuple(int(b) for b in batch_sizes.split(",") if b.strip()),
            teachers=tuple(t.strip() for t in teachers.split(",") if t.strip()),
            warmup=warmup,
            repeats=repeats,
            onnx=onnx,
            memory=memory,
        )
        data = load_bench_dataset(dataset, data_root)
        err_console.print(
            f"benchmarking {data.name}: {data.num_nodes:,} vertices, {data.num_features} features"
        )
        run = bench_dataset(data, config, progress=lambda line: err_console.print(line))
        console.print(rows_table(run))
        for label, (value, met) in headline(run).items():
            verdict = (" (target met)" if met else " (target NOT met)") if dataset == SPEED_DATASET else ""
            console.print(f"{label}: {value:,.2f}x{verdict}")
        if out is not None:
            console.print(f"wrote {write_json(out, {'runs': [run]})}")


def rows_table(run: dict[str, Any]) -> Table:
    """The run's figures as a table: section, figure, batch size, median / p90 ms, peak memory."""
    table = Table(title=f"{run['dataset']['name']} on {run['machine_label']}", title_justify="left")
    for column in ("section", "figure", "batch", "median ms", "p90 ms", "peak MiB"):
        table.add_column(column, justify="left" if column in ("section", "figure") else "right")
    for row in run["rows"]:
        peak = row.get("peak_bytes")
        table.add_row(
            row["section"],
            row["key"],
            f"{row['batch_size']:,}",
            f"{row['median_ms']:.4g}",
            f"{row['p90_ms']:.4g}",
            "-" if peak is None else f"{peak / 2**20:.1f}",
        )
    return table
