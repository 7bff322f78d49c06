"""Figures of the results report, as PNG bytes (matplotlib, Agg backend, imported only when drawing).

Each function takes plain numbers (percentages, bins) and returns the encoded image; writing it is the
caller's business (atomically, beside the markdown that links it).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

Series = Mapping[str, tuple[Sequence[float | None], Sequence[float | None]]]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    _pyplot().close(fig)
    return buffer.getvalue()


def grouped_bars(title: str, groups: Sequence[str], series: Series, ylabel: str = "accuracy (%)") -> bytes:
    """One group of bars per dataset, one bar per model, with ± std error bars.

    Args:
        groups: Group names (datasets), G of them.
        series: Model label -> (G means, G stds); None where a value is missing.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(groups) + 2), 4.2))
    width = 0.8 / max(1, len(series))
    for k, (label, (means, stds)) in enumerate(series.items()):
        xs = [g + (k - (len(series) - 1) / 2) * width for g in range(len(groups))]
        heights = [m if m is not None else 0.0 for m in means]
        errors = [s if s is not None else 0.0 for s in stds]
        ax.bar(xs, heights, width, yerr=errors, label=label, capsize=2)
    ax.set_xticks(range(len(groups)), groups, rotation=20, ha="right", fontsize=8)
    present = [m for means, _ in series.values() for m in means if m is not None]
    if present:
        ax.set_ylim(max(0.0, min(present) - 10), min(100.0, max(present) + 5))
    ax.set(ylabel=ylabel, title=title)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncol=min(4, len(series)), loc="lower right")
    fig.tight_layout()
    return _png(fig)


def reliability_diagrams(title: str, bins: Mapping[str, dict[str, list[float]]]) -> bytes:
    """One panel per model: accuracy per confidence bin against the diagonal, the bin's share as shade.

    Args:
        bins: Model label -> pooled bins (``count``, summed ``confidence``, summed ``correct``).
    """
    plt = _pyplot()
    panels = max(1, len(bins))
    cols = min(4, panels)
    rows = -(-panels // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 3.1 * rows + 0.4), squeeze=False, sharey=True)
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    for ax, (label, b) in zip(axes.flat, bins.items(), strict=False):
        count = b["count"]
        total = sum(count) or 1.0
        edges = [i / len(count) for i in range(len(count) + 1)]
        centres = [(lo + hi) / 2 for lo, hi in itertools.pairwise(edges)]
        accuracy = [c / n if n else 0.0 for c, n in zip(b["correct"], count, strict=True)]
        shares = [n / total for n in count]
        ax.bar(centres, accuracy, width=1 / len(count), edgecolor="black", linewidth=0.4, label="accuracy")
        ax.bar(centres, shares, width=1 / len(count), alpha=0.35, color="grey", label="share of vertices")
        ax.plot([0, 1], [0, 1], linestyle="--", color="tab:red", linewidth=1)
        ece = sum(abs(c - f) for c, f in zip(b["correct"], b["confidence"], strict=True)) / total
        ax.set_title(f"{label}\npooled ECE {100 * ece:.1f}", fontsize=8)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence")
    for row in axes:
        row[0].set_ylabel("accuracy in bin")
    axes[0][0].legend(fontsize=6, loc="upper left")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return _png(fig)


def lines(
    title: str,
    x: Sequence[float],
    series: Mapping[str, Sequence[float | None]],
    xlabel: str,
    ylabel: str = "accuracy (%)",
    log_x: bool = False,
) -> bytes:
    """One line per model over a shared x axis (noise level, a swept hyperparameter)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for label, ys in series.items():
        points = [(a, b) for a, b in zip(x, ys, strict=True) if b is not None]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=label)
    if log_x:
        ax.set_xscale("symlog", linthresh=min((v for v in x if v > 0), default=1.0))
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)
