"""KRD: reliable-pair KD by hand, the uncertainty and power fit, the schedule, and a short distillation."""

from __future__ import annotations

import math

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill import DISTILLERS, DistillContext
from hyperdistill.distill.krd import KRD, fit_power, knowledge_uncertainty
from hyperdistill.errors import ConfigError
from tests.distill.test_glnn import (
    assert_deterministic,
    assert_labels_enter_only_through_train_index,
    distil,
    five_vertex_context,
    planted_case,
)


def path_context() -> DistillContext:
    """Path 0 - 1 - 2 as hyperedges {0,1}, {1,2}; teacher p = (3/4, 1/4), (1/2, 1/2), (1/4, 3/4)."""
    teacher = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0], [0.0, math.log(3.0)]])
    return DistillContext(
        features=torch.eye(3),
        train_index=torch.tensor([0]),
        train_labels=torch.tensor([0]),
        num_classes=2,
        hypergraph=Hypergraph.from_edge_list([[0, 1], [1, 2]], num_nodes=3),
        teacher_logits=teacher,
        teacher=lambda x: x @ teacher,
    )


def test_registered_with_the_krd_code_defaults():
    method = DISTILLERS.get("krd")()
    assert isinstance(method, KRD)
    assert method.hyperparameters() == {
        "lam": 0.0,
        "tau": 1.0,
        "sigma": 1.0,
        "init_power": 1.0,
        "momentum": 0.99,
        "num_bins": 50,
        "warmup": 50,
    }
    with pytest.raises(ConfigError, match="momentum"):
        KRD(momentum=1.5)


def test_reliable_kd_by_hand():
    method = KRD()
    method.prepare(path_context(), torch.Generator().manual_seed(0))
    # Student q_0 = q_2 = (1/2, 1/2), q_1 = (3/4, 1/4); vertex 1 is not a knowledge point this epoch.
    student = torch.tensor([[0.0, 0.0], [math.log(3.0), 0.0], [0.0, 0.0]])
    keep = torch.tensor([1.0, 0.0, 1.0])
    # Pairs (student i, teacher j): (0,0), (1,1), (2,2), plus (1,0) and (1,2); (0,1), (2,1) dropped.
    a = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)  # KL(p_0 || q_0) = KL(p_2 || q_2) = 0.1308120
    kl_11 = 0.5 * math.log(4.0 / 3.0)  # KL((1/2, 1/2) || (3/4, 1/4))
    kl_10 = 0.0  # p_0 = q_1
    kl_12 = 0.5 * math.log(3.0)  # KL((1/4, 3/4) || (3/4, 1/4))
    expected = (2 * a + kl_11 + kl_10 + kl_12) / 5  # = (2a + ln 2) / 5 = 0.1909542
    assert math.isclose(float(method.reliable_kd(student, keep)), expected, rel_tol=1e-5)
    # Every pair kept (warm-up): four neighbour pairs join, KL(p_1 || q_0) = KL(p_1 || q_2) = 0.
    all_pairs = (2 * a + kl_11 + kl_10 + kl_12 + 0.0 + 0.0) / 7
    assert math.isclose(float(method.reliable_kd(student, torch.ones(3))), all_pairs, rel_tol=1e-5)


def test_prepare_on_five_vertices():
    context = five_vertex_context()
    method = KRD()
    method.prepare(context, torch.Generator().manual_seed(0))
    # Neighbours are hyperedge co-members: {0,1,2}, {1,3}, {2,3,4}.
    expected = torch.zeros(5, 5)
    for i, j in [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4)]:
        expected[i, j] = expected[j, i] = 1
    assert torch.equal(method.neighbours.to_dense(), expected)
    assert torch.equal(method.degree, expected.sum(0))
    assert method.uncertainty.shape == (5,)
    assert float(method.uncertainty.min()) >= 0 and math.isclose(float(method.uncertainty.max()), 1.0)
    assert method.power == 1.0 and method.epoch == 0


def test_uncertainty_is_zero_without_noise():
    context = five_vertex_context()
    assert context.teacher is not None
    delta = knowledge_uncertainty(context.teacher, context.features, torch.Generator(), sigma=0.0)
    assert torch.equal(delta, torch.zeros(5))


def test_power_fit_recovers_the_curve():
    # 10 bins of 1,000 vertices at the bin centres; the share that agrees follows 1 - x^2, normalised.
    centres = (torch.arange(10, dtype=torch.float64) + 0.5) / 10
    share = 1 - centres**2
    share = (share - share.min()) / (share.max() - share.min())
    uncertainty = centres.repeat_interleave(1000)
    agree = (torch.arange(1000).repeat(10) < (share * 1000).round().repeat_interleave(1000)).flatten()
    power = fit_power(uncertainty.float(), agree, num_bins=10, start=1.0)
    assert power is not None and 1.6 < power < 2.4
    assert fit_power(uncertainty.float(), torch.ones_like(agree), num_bins=10, start=1.0) is None  # flat


def test_sampling_starts_after_warmup_and_grows_with_the_power():
    method = KRD(warmup=1)
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    logits = torch.zeros(5, 2)
    assert float(method.loss(logits, torch.Generator())["kept"]) == 1.0  # warm-up: every neighbour
    method.epoch = 1
    low = method.sampling_probability()
    method.power = 3.0
    high = method.sampling_probability()
    assert torch.all(high >= low) and torch.all((low >= 0) & (high <= 1))
    assert float(high.min()) == 0.0  # the least reliable vertex (delta = 1) is never a knowledge point


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: KRD(lam=lam, warmup=0))


def test_deterministic_under_a_seed():
    assert_deterministic(lambda: KRD(warmup=1))


def test_student_learns_the_planted_classes():
    assert distil(KRD(warmup=10), planted_case()) > 0.45  # chance is 0.2
