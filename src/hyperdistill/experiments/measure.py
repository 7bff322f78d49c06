"""Per-run measurements kept beside the scores: the bins of a reliability diagram."""

from __future__ import annotations

import torch
from torch import Tensor

NUM_BINS = 15


def calibration_bins(logits: Tensor, labels: Tensor, num_bins: int = NUM_BINS) -> dict[str, list[float]]:
    """Equal-width confidence bins: per bin the vertex count, summed confidence and summed correctness.

    Sums (not means) so that bins pool over seeds and datasets by addition; the expected calibration error
    of :func:`hyperdistill.eval.metrics.expected_calibration_error` is
    ``sum_b |correct_b - confidence_b| / sum_b count_b``.

    Shapes:
        - logits: ``(B, C)``; labels: ``(B,)``
    """
    probs = torch.softmax(logits.float(), dim=-1)
    confidence, pred = probs.max(dim=-1)
    bins = torch.clamp((confidence * num_bins).long(), max=num_bins - 1)
    count = torch.zeros(num_bins).index_add_(0, bins, torch.ones_like(confidence))
    conf = torch.zeros(num_bins).index_add_(0, bins, confidence)
    correct = torch.zeros(num_bins).index_add_(0, bins, (pred == labels).float())
    return {
        "count": count.tolist(),
        "confidence": [round(v, 6) for v in conf.tolist()],
        "correct": correct.tolist(),
    }


def pooled_ece(bins: dict[str, list[float]]) -> float:
    """The expected calibration error of (pooled) bins."""
    total = sum(bins["count"])
    if total == 0:
        return float("nan")
    gaps = (abs(a - c) for a, c in zip(bins["correct"], bins["confidence"], strict=True))
    return sum(gaps) / total


def pool(many: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Bins added up over runs."""
    if not many:
        return {"count": [], "confidence": [], "correct": []}
    return {k: [sum(values) for values in zip(*(b[k] for b in many), strict=True)] for k in many[0]}
