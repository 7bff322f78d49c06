"""The experiment runner: every unit of a grid, skipping what is stored, storing each run as it finishes.

Per unit (one split, one teacher) the teacher comes from the cache or is trained once and cached; then each
pending method is distilled from it and its record written at once. Besides the scores of every part, a
run keeps its reliability-diagram bins and its accuracy under test-time feature noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from torch import Tensor

from hyperdistill.data.splits import get_protocol, make_split
from hyperdistill.errors import HyperdistillError
from hyperdistill.eval.robustness import noise_curve
from hyperdistill.experiments.cache import CachedTeacher, TeacherCache
from hyperdistill.experiments.grid import Grid, Unit
from hyperdistill.experiments.keys import fingerprint as _fingerprint
from hyperdistill.experiments.keys import run_fields, teacher_fields
from hyperdistill.experiments.measure import calibration_bins
from hyperdistill.experiments.store import RecordStore, StoredRun, import_results, unit_summary
from hyperdistill.run import (
    Prepared,
    StudentRun,
    View,
    make_distiller,
    make_view,
    prepare_data,
    score,
    student_logits,
    teacher_logits,
    train_student,
    train_teacher,
)
from hyperdistill.train import FitResult


@dataclass
class PendingUnit:
    """What is left of one unit: whether the teacher's record is missing, and which methods."""

    unit: Unit
    teacher: bool
    methods: list[str]

    @property
    def count(self) -> int:
        return int(self.teacher) + len(self.methods)


@dataclass
class Plan:
    """The runs of a grid that the store lacks, in run order."""

    total: int
    pending: list[PendingUnit] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def left(self) -> int:
        return sum(p.count for p in self.pending)


def plan(grid: Grid, store: RecordStore, blocks: list[str] | None = None) -> Plan:
    """Compare the grid with the store: how many runs it has, which are missing."""
    total, pending = 0, []
    for unit in grid.units(blocks):
        config, seed = unit.config, unit.seed
        teacher = _fingerprint(teacher_fields(config, seed)) not in store
        methods = [m for m in config.methods if _fingerprint(run_fields(config, seed, m)) not in store]
        total += 1 + len(config.methods)
        if teacher or methods:
            pending.append(PendingUnit(unit, teacher, methods))
    return Plan(total, pending)


def run_grid(
    grid: Grid,
    store: RecordStore,
    cache: TeacherCache,
    blocks: list[str] | None = None,
    console: Console | None = None,
    progress: bool = True,
    deadline: float | None = None,
) -> Plan:
    """Run every missing run of ``grid`` (or of the named blocks); returns the plan it worked through.

    Args:
        deadline: A ``time.monotonic()`` value after which no new unit is started (finished runs stay).
    """
    console = console or Console(stderr=True)
    work = plan(grid, store, blocks)
    console.print(
        f"[bold]{grid.name}[/]: {work.total} runs, {work.total - work.left} stored, {work.left} to run"
    )
    if not work.pending:
        return work
    data = _DataCache()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not progress) as bar:
        task = bar.add_task("starting", total=work.left)
        done = 0
        for pending in work.pending:
            if deadline is not None and time.monotonic() > deadline:
                console.print(f"time is up: {work.left - done} runs left for the next call")
                break

            def report(run: StoredRun, seconds: float, pending: PendingUnit = pending) -> None:
                nonlocal done
                done += 1
                bar.advance(task)
                main = run.records[-1]
                line = (
                    f"[{done}/{work.left}] {pending.unit.describe()} · {run.label}: "
                    f"{main.part} acc {100 * main.accuracy:.2f} ({seconds:.0f} s)"
                )
                console.print(escape(line), soft_wrap=True)

            def started(label: str, pending: PendingUnit = pending) -> None:
                bar.update(task, description=escape(f"{pending.unit.describe()} · {label}"))

            before = done
            try:
                run_unit(pending, data.get(pending.unit), store, cache, grid.noise_levels, started, report)
            except HyperdistillError as exc:  # one unit's bad input must not stop the grid
                console.print(escape(f"skipped {pending.unit.describe()}: {exc}"), soft_wrap=True)
                work.failed.append(f"{pending.unit.describe()}: {exc}")
                bar.advance(task, pending.count - (done - before))
    if work.failed:
        console.print(f"{len(work.failed)} units failed with the errors above; their runs are not stored")
    return work


def run_unit(
    pending: PendingUnit,
    prepared: Prepared,
    store: RecordStore,
    cache: TeacherCache,
    noise_levels: tuple[float, ...],
    started: Callable[[str], None] = lambda label: None,
    finished: Callable[[StoredRun, float], None] = lambda run, seconds: None,
) -> None:
    """Train what ``pending`` lacks for one unit and store each run as soon as it is done.

    The store is asked again first: another process working on the same store (a second grid call on
    other blocks) may have stored some of these runs since the plan was made.
    """
    unit, config, seed = pending.unit, pending.unit.config, pending.unit.seed
    pending = PendingUnit(
        unit,
        pending.teacher and not store.stored_since(_fingerprint(teacher_fields(config, seed))),
        [m for m in pending.methods if not store.stored_since(_fingerprint(run_fields(config, seed, m)))],
    )
    if pending.count == 0:
        return
    split = make_split(prepared.dataset, get_protocol(config.protocol), seed)
    view = make_view(prepared, split, config, seed)
    needs_teacher = pending.teacher or any(make_distiller(m, config).needs_teacher for m in pending.methods)
    teacher = None
    if needs_teacher:
        started(config.teacher)
        clock = time.perf_counter()
        teacher = _teacher(unit, prepared, view, cache)
        if pending.teacher:
            model, hypergraph = teacher.run.model, prepared.hypergraph
            run = _stored(
                unit,
                config.teacher,
                "teacher",
                teacher_fields(config, seed),
                prepared,
                view,
                teacher.all_logits,
                teacher.run.fit,
                lambda x: model(x, hypergraph),
                noise_levels,
            )
            store.put(run)
            finished(run, time.perf_counter() - clock)
    for method in pending.methods:
        started(method)
        clock = time.perf_counter()
        student = train_student(
            method, prepared, view, None if teacher is None else teacher.run, config, seed
        )
        fields = run_fields(config, seed, method)
        run = _stored(
            unit,
            method,
            "student",
            fields,
            prepared,
            view,
            student_logits(student, prepared),
            student.fit,
            _reads_features(student, prepared),
            noise_levels,
        )
        store.put(run)
        finished(run, time.perf_counter() - clock)


def _reads_features(student: StudentRun, prepared: Prepared) -> Callable[[Tensor], Tensor]:
    def predict(features: Tensor) -> Tensor:
        return student.model(student.distiller.student_inputs(features, prepared.hypergraph))

    return predict


def _teacher(unit: Unit, prepared: Prepared, view: View, cache: TeacherCache) -> CachedTeacher:
    key = unit.teacher_key
    cached = cache.load(key, prepared, view, unit.config)
    if cached is not None:
        return cached
    run = train_teacher(prepared, view, unit.config, unit.seed)
    cached = CachedTeacher(run, teacher_logits(run, prepared, view))
    cache.save(key, cached)
    return cached


def _stored(
    unit: Unit,
    label: str,
    role: str,
    fields: dict,
    prepared: Prepared,
    view: View,
    logits: Tensor,
    fit: FitResult,
    predict: Callable[[Tensor], Tensor],
    noise_levels: tuple[float, ...],
) -> StoredRun:
    """Scores, calibration bins and the noise curve of one trained model, ready to store."""
    labels = prepared.dataset.labels
    records = score(prepared, view, logits, unit.seed, label, role, fit)
    calibration = {part: calibration_bins(logits[ids], labels[ids]) for part, ids in view.parts.items()}
    part = "ind" if "ind" in view.parts else "test"
    curve = noise_curve(predict, prepared.features, view.parts[part], labels, noise_levels, unit.seed)
    return StoredRun(
        key=_fingerprint(fields),
        label=label,
        role=role,
        unit=unit_summary(unit.config, unit.seed, with_teacher="teacher" in fields),
        fields=fields,
        records=tuple(records),
        calibration=calibration,
        robustness={"part": part, "levels": list(noise_levels), "accuracy": curve},
    )


class _DataCache:
    """The last two prepared datasets, so consecutive units of one dataset load it once."""

    def __init__(self) -> None:
        self._items: dict[str, Prepared] = {}

    def get(self, unit: Unit) -> Prepared:
        c = unit.config
        key = repr((c.dataset, c.path, c.format, c.dataset_options, c.feature_transform, c.deduplicate))
        if key not in self._items:
            if len(self._items) >= 2:
                self._items.pop(next(iter(self._items)))
            self._items[key] = prepare_data(c)
        return self._items[key]


def open_store(grid: Grid, base: str | Path = ".") -> tuple[RecordStore, TeacherCache]:
    """The grid's record store and teacher cache (paths relative to ``base``), with its imports filed in."""
    root = Path(base) / grid.store
    store = RecordStore(root)
    for directory in grid.imports:
        import_results(store, Path(base) / directory)
    return store, TeacherCache(root)
