"""Per-stage wall time and peak memory of the running process.

Peak resident memory per stage is read from the kernel's high-water mark (``VmHWM`` in
``/proc/self/status``), reset at the start of each stage by writing ``5`` to ``/proc/self/clear_refs``
(Linux >= 4.0). Where that is not possible (another OS, a locked-down ``/proc``), the stage's peak is the
process-lifetime peak from ``resource.getrusage`` and the record says so (``peak_scope="process"``).

The figures are the whole process's resident set, so a stage's peak includes what earlier stages left in
memory (the features, the hypergraph): it is what a user must have free to run that stage.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class StageRecord:
    """One stage: wall seconds, resident memory at start and end, and the peak during it (bytes)."""

    name: str
    seconds: float
    rss_start: int
    rss_end: int
    peak_rss: int
    peak_scope: str  # "stage" (reset at the stage start) or "process" (lifetime peak, no reset possible)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StageLog:
    """Collects :class:`StageRecord` s; ``with log.stage("teacher"): ...`` times and measures one stage."""

    records: list[StageRecord] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        gc.collect()
        scope = "stage" if reset_peak() else "process"
        rss_start = current_rss()
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.records.append(StageRecord(name, seconds, rss_start, current_rss(), peak_rss(), scope))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {r.name: {k: v for k, v in r.to_dict().items() if k != "name"} for r in self.records}

    @property
    def peak(self) -> int:
        """Largest stage peak seen (bytes)."""
        return max((r.peak_rss for r in self.records), default=0)


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark of this process; False where the platform does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def peak_rss() -> int:
    """Peak resident set size in bytes since the last :func:`reset_peak` (or since the process began)."""
    hwm = _status_kib("VmHWM")
    if hwm is not None:
        return hwm * 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(maxrss if sys.platform == "darwin" else maxrss * 1024)


def current_rss() -> int:
    """Current resident set size in bytes (without ``/proc``: the peak so far, an upper bound)."""
    rss = _status_kib("VmRSS")
    return rss * 1024 if rss is not None else peak_rss()


def _status_kib(key: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def gib(num_bytes: float) -> float:
    """Bytes as GiB, rounded to 3 decimals (for reports)."""
    return round(num_bytes / 2**30, 3)
