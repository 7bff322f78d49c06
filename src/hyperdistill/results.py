"""Run results: one record per (seed, model, scored part), summaries over seeds, atomic JSON output."""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import torch

import hyperdistill
from hyperdistill.config import RunConfig
from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.io import write_json

METRICS = ("accuracy", "macro_f1", "ece")


@dataclass(frozen=True)
class Record:
    """Scores of one model on one part of one seed's split (accuracy, macro-F1, ECE in [0, 1])."""

    seed: int
    model: str
    role: str  # "teacher" or "student"
    part: str  # "test" (transductive) or "trans" / "ind" / "prod" (production)
    accuracy: float
    macro_f1: float
    ece: float
    train_seconds: float
    best_epoch: int


@dataclass(frozen=True)
class Summary:
    """Mean and standard deviation (over seeds) of one metric of one model on one part."""

    model: str
    role: str
    part: str
    metric: str
    mean: float
    std: float
    values: tuple[float, ...]


def summarise(records: list[Record]) -> list[Summary]:
    """Group records by (model, part) in first-seen order and reduce each metric over seeds."""
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for record in records:
        groups.setdefault((record.model, record.role, record.part), []).append(record)
    out = []
    for (model, role, part), group in groups.items():
        for metric in METRICS:
            values = tuple(float(getattr(r, metric)) for r in group)
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            out.append(Summary(model, role, part, metric, statistics.fmean(values), std, values))
    return out


def versions() -> dict[str, str]:
    return {
        "hyperdistill": hyperdistill.__version__,
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
        "torch_threads": str(torch.get_num_threads()),
    }


@dataclass
class RunResult:
    """Everything one run produced; :meth:`save` writes it as ``result.json``."""

    config: dict[str, Any]
    dataset: dict[str, Any]
    records: list[Record] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=versions)
    started: str = ""
    seconds: float = 0.0
    _clock: float = field(default=0.0, repr=False)

    @classmethod
    def start(cls, config: RunConfig, dataset: HypergraphDataset) -> RunResult:
        return cls(
            config=config.model_dump(mode="json"),
            dataset={**dataset.summary(), "source": dataset.source},
            started=datetime.now(UTC).isoformat(timespec="seconds"),
            _clock=time.perf_counter(),
        )

    def add(self, record: Record) -> None:
        self.records.append(record)

    def finish(self) -> RunResult:
        self.seconds = time.perf_counter() - self._clock
        return self

    def summary(self) -> list[Summary]:
        return summarise(self.records)

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "dataset": self.dataset,
            "versions": self.versions,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "summary": [asdict(s) for s in self.summary()],
            "records": [asdict(r) for r in self.records],
        }

    def save(self, directory: str | Path) -> Path:
        """Write ``result.json`` into ``directory`` atomically; returns its path."""
        return write_json(Path(directory) / "result.json", self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> RunResult:
        data = json.loads(Path(path).read_text())
        result = cls(config=data["config"], dataset=data["dataset"], versions=data["versions"])
        result.records = [Record(**r) for r in data["records"]]
        result.started, result.seconds = data["started"], data["seconds"]
        return result
