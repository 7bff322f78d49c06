"""The report's figures come out as PNG bytes, with gaps where values are missing."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from hyperdistill.eval import plots

PNG = b"\x89PNG\r\n\x1a\n"


def test_grouped_bars_with_a_missing_value():
    data = plots.grouped_bars(
        "t", ["a", "b"], {"m": ([70.0, None], [1.0, None]), "n": ([60.0, 65.0], [2.0, 0.5])}
    )
    assert data.startswith(PNG)


def test_reliability_diagrams_and_lines():
    bins: dict[str, list[float]] = {"count": [0, 2, 3], "confidence": [0.0, 1.0, 2.4], "correct": [0, 1, 3]}
    assert plots.reliability_diagrams("t", {"a": bins, "b": bins}).startswith(PNG)
    assert plots.lines("t", [0, 0.1, 1], {"a": [80, None, 30]}, "noise", log_x=True).startswith(PNG)
