"""Metrics against hand computations."""

from __future__ import annotations

import math

import torch

from hyperdistill.eval.metrics import accuracy, expected_calibration_error, macro_f1


def one_hot_logits(pred: list[int], num_classes: int) -> torch.Tensor:
    return torch.nn.functional.one_hot(torch.tensor(pred), num_classes).float()


def test_accuracy_by_hand():
    assert accuracy(one_hot_logits([0, 1, 1, 2], 3), torch.tensor([0, 1, 2, 2])) == 0.75


def test_macro_f1_by_hand():
    # pred [0, 0, 1, 1], truth [0, 1, 1, 1]: class 0 P=1/2 R=1 F1=2/3; class 1 P=1 R=2/3 F1=4/5
    f1 = macro_f1(one_hot_logits([0, 0, 1, 1], 2), torch.tensor([0, 1, 1, 1]))
    assert math.isclose(f1, (2 / 3 + 4 / 5) / 2, rel_tol=1e-6)


def test_macro_f1_skips_classes_absent_everywhere():
    assert macro_f1(one_hot_logits([0, 1], 3), torch.tensor([0, 1])) == 1.0


def test_ece_by_hand():
    # Two confident-and-right rows (conf 0.9) and two unsure rows (conf 0.6, one right, one wrong).
    probs = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    labels = torch.tensor([0, 0, 0, 1])
    # bin of 0.9: |1.0 - 0.9| * 2/4; bin of 0.6: |0.5 - 0.6| * 2/4
    ece = expected_calibration_error(probs.log(), labels, num_bins=10)
    assert math.isclose(ece, 0.1 * 0.5 + 0.1 * 0.5, rel_tol=1e-5)
