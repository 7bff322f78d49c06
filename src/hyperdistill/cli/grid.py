"""``hyperdistill grid``: run (or resume) an experiment grid described in a TOML file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from hyperdistill.cli.app import app, console, err_console, user_errors

if TYPE_CHECKING:
    from hyperdistill.experiments import Grid, RecordStore


@app.command()
def grid(
    path: Annotated[Path, typer.Argument(help="grid file (TOML), e.g. experiments/lighthgnn.toml")],
    block: Annotated[
        list[str] | None, typer.Option("--block", help="run only this block (repeatable)")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="only say what is stored and what is left")] = False,
    threads: Annotated[int | None, typer.Option(help="torch threads (default: torch's)")] = None,
    max_minutes: Annotated[
        float | None, typer.Option(help="start no new unit after this many minutes; rerun to go on")
    ] = None,
    progress: Annotated[bool, typer.Option(help="show the progress bar")] = True,
) -> None:
    """Run every missing run of a grid; finished runs are stored at once and never redone."""
    with user_errors():
        import torch

        from hyperdistill.experiments import Grid, open_store, run_grid

        spec = Grid.load(path)
        if threads is not None:
            torch.set_num_threads(threads)
        store, cache = open_store(spec)
        if not dry_run:
            deadline = None if max_minutes is None else time.monotonic() + 60 * max_minutes
            run_grid(spec, store, cache, block, err_console, progress, deadline)
        console.print(status_table(spec, store, block))


def status_table(spec: Grid, store: RecordStore, blocks: list[str] | None) -> Table:
    """Per block: runs in the grid, stored, left."""
    from hyperdistill.experiments import plan

    table = Table(title=f"grid {spec.name}: runs per block", title_justify="left")
    for column in ("block", "kind", "runs", "stored", "left"):
        table.add_column(column, justify="left" if column in ("block", "kind") else "right")
    for b in spec.blocks(blocks):
        work = plan(spec, store, [b.name])
        table.add_row(b.name, b.kind, str(work.total), str(work.total - work.left), str(work.left))
    return table
