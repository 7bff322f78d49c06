"""The timing harness: sample counts, summaries, synchronisation, interleaving, peak memory, machine facts."""

from __future__ import annotations

import sys

import pytest
import torch

from hyperdistill.eval.timing import Timing, environment, measure, measure_interleaved, peak_memory


def test_summary_statistics() -> None:
    timing = Timing(samples=tuple(float(i) for i in range(1, 11)), warmup=2)
    assert timing.median == 5.5
    assert timing.p90 == pytest.approx(9.1)
    row = timing.to_dict()
    assert row["unit"] == "ms" and row["median_ms"] == 5500.0 and row["repeats"] == 10


def test_measure_warms_up_syncs_and_repeats() -> None:
    calls, syncs = [], []
    timing = measure(lambda: calls.append(1), warmup=3, repeats=7, sync=lambda: syncs.append(1))
    assert len(calls) == 10
    assert len(timing.samples) == 7 and timing.warmup == 3
    assert len(syncs) >= 2 * 7  # before and after every timed call
    assert all(s >= 0 for s in timing.samples)


def test_measure_stops_at_the_time_budget_after_min_repeats() -> None:
    timing = measure(lambda: sum(range(20_000)), warmup=0, repeats=10_000, max_seconds=0.0, min_repeats=4)
    assert len(timing.samples) == 4


def test_interleaved_alternates_the_calls() -> None:
    order: list[str] = []
    fns = {name: (lambda n=name: order.append(n)) for name in "abc"}
    timings = measure_interleaved(fns, warmup=1, repeats=3)
    assert order[:3] == ["a", "b", "c"]  # warm-up
    assert order[3:] == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert {k: len(t.samples) for k, t in timings.items()} == {"a": 3, "b": 3, "c": 3}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident-set peak needs Linux /proc")
def test_peak_memory_sees_a_large_allocation() -> None:
    size = 64 * 2**20
    result = peak_memory(lambda: torch.ones(size // 4).sum())
    if result["peak_bytes"] is None:
        pytest.skip(result["memory_method"])
    assert result["peak_bytes"] >= 0.9 * size
    small = peak_memory(lambda: torch.ones(10).sum())
    assert small["peak_bytes"] < size / 4


def test_environment_records_threads_and_device() -> None:
    facts = environment("cpu")
    assert facts["device"] == "cpu"
    assert facts["torch_threads"] == torch.get_num_threads()
    assert facts["cpu_model"] and facts["logical_cores"] >= 1


def test_settled_rounds_call_each_function_twice_in_a_row() -> None:
    order: list[str] = []
    fns = {name: (lambda n=name: order.append(n)) for name in "ab"}
    measure_interleaved(fns, warmup=0, repeats=2, settle=True)
    assert order == ["a", "a", "b", "b", "b", "b", "a", "a"]
