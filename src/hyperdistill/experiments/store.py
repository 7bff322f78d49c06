"""The record store: one JSON file per finished run (a teacher's scores or one student's), written at once.

Files live under ``<store>/records/<dataset>/<label>.<key>.json`` and are written atomically, so an
interrupted grid loses at most the runs in flight, and a finished run is never redone: the runner skips
every key the store holds. Results of earlier single runs (``result.json`` of ``hyperdistill run`` or of
``benchmarks/transductive.py``) are recognised by :func:`import_results`, which files their records under
the keys the grid would give them.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hyperdistill.config import RunConfig
from hyperdistill.errors import HyperdistillError
from hyperdistill.experiments.keys import fingerprint as _fingerprint
from hyperdistill.experiments.keys import run_fields, teacher_fields
from hyperdistill.io import write_json
from hyperdistill.results import Record, RunResult, versions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredRun:
    """Everything kept of one run.

    Args:
        key: Fingerprint of ``fields`` (:mod:`hyperdistill.experiments.keys`).
        label: The model as tables show it: the teacher's name or the method spec.
        role: ``"teacher"`` or ``"student"``.
        unit: Dataset, teacher (None for teacher-free methods), setting, share, protocol, seed.
        fields: What determined the run (the hashed fields), for the curious reader.
        records: Scores per part (``test``, or ``trans`` / ``ind`` / ``prod``).
        calibration: Per part, reliability-diagram bins: ``count``, summed ``confidence`` and ``correct``.
        robustness: ``{"part", "levels", "accuracy"}`` under test-time feature noise; empty if not measured.
        source: ``"grid"``, or the ``result.json`` it was imported from.
    """

    key: str
    label: str
    role: str
    unit: dict[str, Any]
    fields: dict[str, Any]
    records: tuple[Record, ...]
    calibration: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    robustness: dict[str, Any] = field(default_factory=dict)
    source: str = "grid"
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    versions: dict[str, str] = field(default_factory=versions)

    def record(self, part: str) -> Record | None:
        return next((r for r in self.records if r.part == part), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["records"] = [asdict(r) for r in self.records]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredRun:
        return cls(**{**data, "records": tuple(Record(**r) for r in data["records"])})


def unit_summary(config: RunConfig, seed: int, with_teacher: bool = True) -> dict[str, Any]:
    return {
        "dataset": config.dataset_label,
        "teacher": config.teacher if with_teacher else None,
        "setting": config.setting,
        "inductive_share": config.inductive_share if config.setting == "production" else None,
        "protocol": config.protocol,
        "seed": seed,
    }


class RecordStore:
    """Finished runs by key, on disk under ``root/records``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.directory = self.root / "records"
        self._paths: dict[str, Path] | None = None
        self._loaded: dict[str, StoredRun] = {}

    def _index(self) -> dict[str, Path]:
        if self._paths is None:
            self._paths = {p.name.split(".")[-2]: p for p in self.directory.glob("*/*.json")}
        return self._paths

    def __contains__(self, key: object) -> bool:
        return key in self._index()

    def stored_since(self, key: str) -> bool:
        """Whether ``key`` is stored, asking the disk again: another process may have written it."""
        if key in self:
            return True
        path = next(self.directory.glob(f"*/*.{key}.json"), None)
        if path is not None:
            self._index()[key] = path
        return path is not None

    def __len__(self) -> int:
        return len(self._index())

    def get(self, key: str) -> StoredRun | None:
        if key in self._loaded:
            return self._loaded[key]
        path = self._index().get(key)
        if path is None:
            return None
        try:
            run = StoredRun.from_dict(json.loads(path.read_text()))
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            raise HyperdistillError(
                f"stored run {path} cannot be read ({exc}); delete it and the grid will redo that run"
            ) from None
        self._loaded[key] = run
        return run

    def runs(self) -> list[StoredRun]:
        """Every stored run (read once, then kept)."""
        return [run for key in list(self._index()) if (run := self.get(key)) is not None]

    def put(self, run: StoredRun) -> Path:
        path = self.directory / _slug(run.unit["dataset"]) / f"{_slug(run.label)}.{run.key}.json"
        write_json(path, run.to_dict())
        self._index()[run.key] = path
        self._loaded[run.key] = run
        return path


def _slug(text: str) -> str:
    return re.sub(r"[^\w=-]+", "_", Path(str(text)).name).strip("_") or "run"


def import_results(store: RecordStore, directory: str | Path) -> int:
    """File the records of every ``directory/*/result.json`` under grid keys; returns how many runs were new.

    A result whose config this version cannot read is skipped with a warning.
    """
    added = 0
    for path in sorted(Path(directory).glob("*/result.json")):
        result = RunResult.load(path)
        try:
            config = RunConfig(**result.config)
        except ValidationError as exc:
            log.warning("skipping %s: its config does not validate (%s)", path, exc.errors()[0]["msg"])
            continue
        groups: dict[tuple[int, str], list[Record]] = {}
        for record in result.records:
            groups.setdefault((record.seed, record.model), []).append(record)
        for (seed, label), records in groups.items():
            teacher = records[0].role == "teacher"
            fields = teacher_fields(config, seed) if teacher else run_fields(config, seed, label)
            key = _fingerprint(fields)
            if key in store:
                continue
            with_teacher = teacher or "teacher" in fields
            store.put(
                StoredRun(
                    key=key,
                    label=label,
                    role=records[0].role,
                    unit=unit_summary(config, seed, with_teacher),
                    fields=fields,
                    records=tuple(records),
                    source=str(path),
                    created=result.started,
                    versions=result.versions,
                )
            )
            added += 1
    return added
