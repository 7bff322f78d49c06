"""Results of a grid read back from the store: per block, tables of cells (one model on one dataset over
seeds), ready to be rendered. Nothing here trains; missing runs leave cells partly or wholly empty."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from hyperdistill.experiments.grid import Block, Grid
from hyperdistill.experiments.keys import run_key, teacher_key
from hyperdistill.experiments.measure import pool
from hyperdistill.experiments.store import RecordStore, StoredRun


@dataclass
class Cell:
    """One model on one dataset (one teacher, setting, share), over the seeds the block asks for."""

    label: str
    role: str
    expected: int
    runs: list[StoredRun] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.runs) == self.expected

    def values(self, part: str, metric: str = "accuracy") -> list[float]:
        """Per-seed values in percent, in seed order."""
        out = []
        for run in self.runs:
            record = run.record(part)
            if record is not None:
                out.append(100 * float(getattr(record, metric)))
        return out

    def mean(self, part: str, metric: str = "accuracy") -> float | None:
        values = self.values(part, metric)
        return statistics.fmean(values) if values else None

    def std(self, part: str, metric: str = "accuracy") -> float | None:
        values = self.values(part, metric)
        if not values:
            return None
        return statistics.stdev(values) if len(values) > 1 else 0.0

    def calibration(self, part: str) -> dict[str, list[float]]:
        return pool([run.calibration[part] for run in self.runs if part in run.calibration])

    def noise_curve(self) -> tuple[list[float], list[float]] | None:
        """(levels, mean accuracy in percent over seeds); None when no run measured it."""
        curves = [run.robustness for run in self.runs if run.robustness]
        if not curves:
            return None
        levels = curves[0]["levels"]
        same = [c["accuracy"] for c in curves if c["levels"] == levels]
        return levels, [100 * statistics.fmean(v) for v in zip(*same, strict=True)]


@dataclass
class Table:
    """The cells of one block for one (teacher, setting, share): rows are datasets, columns models."""

    block: Block
    teacher: str
    setting: str
    share: float | None
    datasets: list[str]
    labels: list[str]
    cells: dict[tuple[str, str], Cell]

    @property
    def parts(self) -> list[str]:
        return ["test"] if self.setting == "transductive" else ["ind", "prod", "trans"]

    @property
    def main_part(self) -> str:
        """The part variants tables, noise curves and figures show: the block's choice, else test / ind."""
        part = self.block.part
        return part if part is not None and part in self.parts else self.parts[0]

    @property
    def students(self) -> list[str]:
        return [label for label in self.labels[1:] if label != "mlp"]

    def setting_label(self) -> str:
        return "transductive" if self.share is None else f"production, r = {self.share:g}"

    def cell(self, dataset: str, label: str) -> Cell:
        return self.cells[(dataset, label)]

    def stored(self) -> tuple[int, int]:
        """(runs stored, runs asked for) over the whole table."""
        return sum(len(c.runs) for c in self.cells.values()), sum(c.expected for c in self.cells.values())

    def average(self, label: str, part: str, metric: str = "accuracy") -> tuple[float | None, int]:
        """Mean over the datasets whose cells are complete for every model, and how many those are."""
        datasets = self.complete_datasets()
        means = [self.cell(d, label).mean(part, metric) for d in datasets]
        values = [m for m in means if m is not None]
        return (statistics.fmean(values) if values else None), len(values)

    def complete_datasets(self) -> list[str]:
        return [d for d in self.datasets if all(self.cell(d, label).complete for label in self.labels)]


def collect(grid: Grid, store: RecordStore, block: Block) -> list[Table]:
    """One table per (teacher, setting, share) of ``block``, cells filled from ``store``."""
    tables: dict[tuple[str, str, float | None], Table] = {}
    for dataset, teacher, setting, share in block.combinations():
        config = block.config(dataset, teacher, setting, share)
        seeds = config.resolved_seeds()
        labels = [teacher, *config.methods]
        table = tables.setdefault(
            (teacher, setting, share), Table(block, teacher, setting, share, [], labels, {})
        )
        table.datasets.append(dataset)
        for label in labels:
            role = "teacher" if label == teacher else "student"
            cell = Cell(label, role, len(seeds))
            for seed in seeds:
                key = teacher_key(config, seed) if role == "teacher" else run_key(config, seed, label)
                run = store.get(key)
                if run is not None:
                    cell.runs.append(run)
            table.cells[(dataset, label)] = cell
    return list(tables.values())
