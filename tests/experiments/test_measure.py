"""Reliability-diagram bins pool by addition and give back the ECE of the metrics module."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.eval.metrics import expected_calibration_error
from hyperdistill.experiments.measure import calibration_bins, pool, pooled_ece


def test_bins_reproduce_the_ece_and_pool():
    gen = torch.Generator().manual_seed(0)
    logits, labels = torch.randn(200, 4, generator=gen) * 3, torch.randint(4, (200,), generator=gen)
    a, b = calibration_bins(logits[:120], labels[:120]), calibration_bins(logits[120:], labels[120:])
    assert pooled_ece(a) == pytest.approx(expected_calibration_error(logits[:120], labels[:120]), abs=1e-5)
    assert pooled_ece(pool([a, b])) == pytest.approx(expected_calibration_error(logits, labels), abs=1e-5)
    assert sum(pool([a, b])["count"]) == 200
