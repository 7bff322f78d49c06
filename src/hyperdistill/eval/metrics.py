"""Classification metrics: accuracy, macro-F1 and expected calibration error."""

from __future__ import annotations

import torch
from torch import Tensor


def accuracy(logits: Tensor, labels: Tensor) -> float:
    """Share of rows whose argmax equals the label. ``(B, C)``, ``(B,)`` -> float in [0, 1]."""
    if labels.numel() == 0:
        return float("nan")
    return float((logits.argmax(dim=-1) == labels).float().mean())


def macro_f1(logits: Tensor, labels: Tensor, num_classes: int | None = None) -> float:
    """Unweighted mean over classes of F1; a class absent from both prediction and truth is skipped."""
    if labels.numel() == 0:
        return float("nan")
    num_classes = num_classes or int(logits.size(-1))
    pred = logits.argmax(dim=-1)
    tp = torch.bincount(labels[pred == labels], minlength=num_classes).float()
    predicted = torch.bincount(pred, minlength=num_classes).float()
    actual = torch.bincount(labels, minlength=num_classes).float()
    present = (predicted + actual) > 0
    f1 = 2 * tp / (predicted + actual).clamp_min(1)
    return float(f1[present].mean())


def expected_calibration_error(logits: Tensor, labels: Tensor, num_bins: int = 15) -> float:
    """ECE with equal-width confidence bins: ``sum_b |B_b|/n * |acc(B_b) - conf(B_b)|``."""
    if labels.numel() == 0:
        return float("nan")
    probs = torch.softmax(logits.float(), dim=-1)
    confidence, pred = probs.max(dim=-1)
    correct = (pred == labels).float()
    bins = torch.clamp((confidence * num_bins).long(), max=num_bins - 1)
    conf_sum = torch.zeros(num_bins).index_add_(0, bins, confidence)
    acc_sum = torch.zeros(num_bins).index_add_(0, bins, correct)
    return float((acc_sum - conf_sum).abs().sum() / labels.numel())


def classification_metrics(logits: Tensor, labels: Tensor) -> dict[str, float]:
    """Accuracy, macro-F1 and ECE in one dict."""
    return {
        "accuracy": accuracy(logits, labels),
        "macro_f1": macro_f1(logits, labels),
        "ece": expected_calibration_error(logits, labels),
    }
