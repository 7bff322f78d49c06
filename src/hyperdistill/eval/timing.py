"""A timing harness for inference: warm-up, repeated runs, median and p90, peak memory, machine facts.

Rules it follows (docs/method.md, "Measuring speed honestly"): warm-up calls are discarded; every sample is
one call timed with ``time.perf_counter`` after the device is synchronised on both sides, so GPU work is
counted in full; the median and 90th percentile are reported with all samples; the thread count and
device go with every result (:func:`environment`). Ratios compared in a report should come from
:func:`measure_interleaved`, which alternates the candidates so that a busy neighbour slows them alike.

Peak memory (:func:`peak_memory`): on CPU, the rise of the process's resident set during one call. Linux
keeps a high-water mark of the resident set (``VmHWM``) that writing ``5`` to ``/proc/self/clear_refs``
resets; freed heap pages are returned first (``malloc_trim``) so that memory already held by the process
does not hide new allocations. On CUDA, ``torch.cuda.max_memory_allocated`` above what was allocated
before the call.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

Sync = Callable[[], None]


@dataclass(frozen=True)
class Timing:
    """Samples of one measured call, in seconds, with their summary.

    Args:
        samples: Wall time of each timed call (warm-up excluded).
        warmup: Number of discarded warm-up calls.
    """

    samples: tuple[float, ...]
    warmup: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        return _quantile(self.samples, 0.9)

    @property
    def minimum(self) -> float:
        return min(self.samples)

    def to_dict(self) -> dict[str, Any]:
        """Milliseconds: ``median_ms``, ``p90_ms``, ``min_ms``, ``samples_ms``; the unit is named."""
        return {
            "unit": "ms",
            "median_ms": self.median * 1e3,
            "p90_ms": self.p90 * 1e3,
            "min_ms": self.minimum * 1e3,
            "repeats": len(self.samples),
            "warmup": self.warmup,
            "samples_ms": [float(f"{s * 1e3:.4g}") for s in self.samples],
            **self.extra,
        }


def synchronizer(device: str | torch.device) -> Sync:
    """A function that waits for queued work on ``device`` (a no-op on CPU)."""
    device = torch.device(device)
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


def measure(
    fn: Callable[[], object],
    warmup: int = 3,
    repeats: int = 20,
    sync: Sync | None = None,
    max_seconds: float | None = None,
    min_repeats: int = 5,
) -> Timing:
    """Time ``fn()``: ``warmup`` discarded calls, then up to ``repeats`` timed calls.

    Args:
        fn: The call to time (its result is discarded).
        warmup: Calls before timing starts.
        repeats: Timed calls.
        sync: Waits for the device (see :func:`synchronizer`); called before and after each timed call.
        max_seconds: Stop early once this much time was spent timing, after at least ``min_repeats``.
        min_repeats: Lower bound on timed calls when ``max_seconds`` cuts the run short.
    """
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(repeats):
        samples.append(_timed(fn, sync))
        if max_seconds is not None and i + 1 >= min_repeats and time.perf_counter() - started > max_seconds:
            break
    return Timing(tuple(samples), warmup)


def measure_interleaved(
    fns: Mapping[str, Callable[[], object]],
    warmup: int = 3,
    repeats: int = 20,
    sync: Sync | None = None,
    settle: bool = False,
) -> dict[str, Timing]:
    """Time several calls in alternating rounds (A B C, B C A, ...) so that their ratios share conditions.

    Args:
        fns: The calls, by name.
        warmup: Discarded calls of each before the first round.
        repeats: Rounds; each call is timed once per round.
        sync: Waits for the device around every timed call.
        settle: Precede every timed call by one discarded call of the same function, so that each is
            timed in the warm state it has when served on its own, not just after another call evicted
            its caches (matters for short calls with small working sets, like a student at batch 1).
    """
    sync = sync or (lambda: None)
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    sync()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeats):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            if settle:
                fns[name]()
            samples[name].append(_timed(fns[name], sync))
    return {
        name: Timing(tuple(s), warmup, {"interleaved_with": names, "settled": settle})
        for name, s in samples.items()
    }


def _timed(fn: Callable[[], object], sync: Sync) -> float:
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def _quantile(values: tuple[float, ...], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --------------------------------------------------------------------------------------- memory
def peak_memory(fn: Callable[[], object], device: str | torch.device = "cpu") -> dict[str, Any]:
    """Peak memory one call of ``fn`` adds, as ``{"peak_bytes": int | None, "memory_method": str}``.

    ``peak_bytes`` is None where the platform offers no honest measure (then the method says why).
    """
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        fn()
        torch.cuda.synchronize(device)
        return {
            "peak_bytes": int(torch.cuda.max_memory_allocated(device) - before),
            "memory_method": "torch.cuda.max_memory_allocated above the allocation before the call",
        }
    if not _can_reset_peak_rss():
        return {"peak_bytes": None, "memory_method": "unavailable: /proc/self/clear_refs is not writable"}
    gc.collect(1)  # young generations only: a full collection costs ~0.1 s with torch loaded
    _malloc_trim()
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    fn()
    peak = _status_kib("VmHWM")
    return {
        "peak_bytes": max(0, peak - before) * 1024,
        "memory_method": "rise of the resident set's high-water mark (VmHWM, reset via clear_refs) "
        "over the resident set before the call, after malloc_trim",
    }


def _can_reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") > 0


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _malloc_trim() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to return
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# --------------------------------------------------------------------------------------- machine
def environment(device: str | torch.device = "cpu") -> dict[str, Any]:
    """Facts that give timings their meaning: CPU, cores, threads, device, library versions."""
    from hyperdistill import __version__

    device = torch.device(device)
    facts: dict[str, Any] = {
        "device": device.type,
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": str(torch.__version__),
        "hyperdistill": __version__,
    }
    try:
        import onnxruntime

        facts["onnxruntime"] = onnxruntime.__version__
    except ImportError:
        facts["onnxruntime"] = None
    if device.type == "cuda":
        facts["gpu"] = torch.cuda.get_device_name(device)
        facts["cuda"] = torch.version.cuda
    return facts


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
