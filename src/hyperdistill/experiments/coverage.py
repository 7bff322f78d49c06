"""What of a grid is stored: per block the runs asked and found, and what the rest of a grid would cost."""

from __future__ import annotations

from hyperdistill.data.splits import get_protocol
from hyperdistill.eval.report import markdown_rows
from hyperdistill.experiments.collect import Table
from hyperdistill.experiments.grid import Block, Grid
from hyperdistill.experiments.report import display
from hyperdistill.experiments.runner import Plan, plan
from hyperdistill.experiments.store import RecordStore


def status(grid: Grid, store: RecordStore, tables: dict[str, list[Table]], full: Grid | None) -> str:
    """What was run: per block its scope and stored runs; with the full grid, what remains of it."""
    rows = []
    for block in grid.block:
        stored = [t.stored() for t in tables[block.name]]
        seeds = block.seeds or get_protocol(block.protocol).seeds
        rows.append(
            [
                block.name,
                ", ".join(block.datasets),
                ", ".join(display(t) for t in block.teachers),
                _settings(block),
                f"{block.protocol}, seeds {_seeds(seeds)}",
                f"{sum(s[0] for s in stored)} / {sum(s[1] for s in stored)}",
            ]
        )
    header = ["block", "datasets", "teachers", "settings", "split", "runs stored / asked"]
    seconds = sum(r.records[0].train_seconds for r in store.runs())
    text = [
        "## What was run",
        "",
        markdown_rows(header, rows, text_columns=5),
        "",
        f"The store holds {len(store)} runs; their training took {seconds / 60:.0f} minutes in all "
        "(wall time of the training loops, 1 torch thread, on two cores shared with other jobs; data "
        "loading, reliability and scoring come on top).",
        "",
    ]
    return "\n".join(text + (_full_status(full, store) if full is not None else []))


def _full_status(full: Grid, store: RecordStore) -> list[str]:
    """The full grid: per block the runs stored, and the training time the rest would take here."""
    cost = _mean_seconds(store)
    rows = []
    for block in full.block:
        work = plan(full, store, [block.name])
        left = _price(work, cost)
        rows.append(
            [
                block.name,
                ", ".join(block.datasets),
                ", ".join(display(t) for t in block.teachers),
                _settings(block),
                f"{work.total - work.left} / {work.total}",
                f"{left / 60:.0f}",
            ]
        )
    header = ["block", "datasets", "teachers", "settings", "runs stored / in grid", "minutes left (est.)"]
    return [
        f"The full grid (`experiments/{full.name}.toml`), of which the above is the part run; "
        "the estimate prices each missing run at the mean training time of the stored runs of its dataset "
        "and role (blocks share runs, so the column overcounts a little):",
        "",
        markdown_rows(header, rows, text_columns=4),
        "",
        f"Left in all (shared runs counted once): about {_price(plan(full, store), cost) / 3600:.1f} "
        "hours of training on this machine, at the contention the stored runs met.",
        "",
    ]


def _price(work: Plan, cost: dict[tuple[str, str], float]) -> float:
    return sum(
        cost.get((p.unit.config.dataset, role), 0.0)
        for p in work.pending
        for role in ["teacher"] * p.teacher + ["student"] * len(p.methods)
    )


def _mean_seconds(store: RecordStore) -> dict[tuple[str, str], float]:
    """Mean training seconds per (dataset, role) over the stored runs."""
    seconds: dict[tuple[str, str], list[float]] = {}
    for run in store.runs():
        seconds.setdefault((run.unit["dataset"], run.role), []).append(run.records[0].train_seconds)
    return {key: sum(v) / len(v) for key, v in seconds.items()}


def _settings(block: Block) -> str:
    out = []
    for setting in block.settings:
        out += (
            ["transductive"]
            if setting == "transductive"
            else [f"production r={r:g}" for r in block.inductive_shares]
        )
    return ", ".join(out)


def _seeds(seeds: tuple[int, ...]) -> str:
    if len(seeds) == 1:
        return str(seeds[0])
    if seeds == tuple(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds))
