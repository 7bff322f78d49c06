"""G-CRD: the contrastive loss by hand, its projection heads, and a short distillation."""

from __future__ import annotations

import math

import torch

from hyperdistill.distill import DISTILLERS
from hyperdistill.distill.gcrd import GCRD, info_nce
from hyperdistill.models import MLP
from tests.distill.test_glnn import (
    assert_deterministic,
    assert_labels_enter_only_through_train_index,
    distil,
    five_vertex_context,
    planted_case,
)


def test_registered_with_the_gcrd_code_defaults():
    method = DISTILLERS.get("gcrd")()
    assert isinstance(method, GCRD)
    assert method.hyperparameters() == {
        "lam": 0.0,
        "tau": 1.0,
        "beta": 0.5,
        "nce_tau": 0.075,
        "projection_dim": 256,
        "max_samples": 8192,
    }


def test_info_nce_by_hand():
    identity = torch.eye(2)
    # Logits [[1, 0], [0, 1]] / T: each row's positive has probability e^(1/T) / (e^(1/T) + 1).
    assert math.isclose(float(info_nce(identity, identity, 1.0)), math.log(1 + math.exp(-1)), rel_tol=1e-6)
    assert math.isclose(
        float(info_nce(identity, 5 * identity, 0.5)), math.log(1 + math.exp(-2)), rel_tol=1e-6
    )
    # Swapped teacher rows: the positive now has the small logit.
    swapped = identity[[1, 0]]
    assert math.isclose(float(info_nce(identity, swapped, 1.0)), math.log(1 + math.e), rel_tol=1e-6)


def test_prepare_builds_seeded_heads():
    context = five_vertex_context()
    heads = []
    for _ in range(2):
        method = GCRD(projection_dim=4)
        method.prepare(context, torch.Generator().manual_seed(0))
        method.objective(MLP(3, 2, hidden_channels=8), torch.Generator().manual_seed(1))
        heads.append([p.detach().clone() for p in method.extra_parameters()])
    assert context.teacher_hidden is not None
    assert torch.equal(method.teacher_representation, context.teacher_hidden)
    assert heads[0][0].shape == (4, 8)  # student head: hidden 8 -> 4
    assert all(torch.equal(a, b) for a, b in zip(heads[0], heads[1], strict=True))


def test_objective_adds_the_contrastive_term_and_trains_the_heads():
    context = five_vertex_context()
    method = GCRD(projection_dim=4, max_samples=3)
    method.prepare(context, torch.Generator().manual_seed(0))
    student = MLP(3, 2, hidden_channels=8).eval()  # eval: no dropout, so the hidden is reproducible
    terms = method.objective(student, torch.Generator().manual_seed(0))
    assert {"loss", "ce", "kd", "nce"} <= set(terms)
    assert torch.allclose(terms["loss"], terms["kd"] + 0.5 * terms["nce"])  # lam = 0
    # The same batch of 3 through the same heads, recomputed outside the objective.
    batch = torch.randperm(5, generator=torch.Generator().manual_seed(0))[:3]
    _, hidden = student.forward_with_hidden(context.features)
    heads = method.heads
    assert isinstance(heads, torch.nn.ModuleDict) and context.teacher_hidden is not None
    expected = info_nce(
        heads["student"](hidden[batch]), heads["teacher"](context.teacher_hidden[batch]), 0.075
    )
    assert torch.allclose(terms["nce"], expected)
    terms["loss"].backward()
    assert all(p.grad is not None for p in method.extra_parameters())


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: GCRD(lam=lam, projection_dim=4))


def test_deterministic_under_a_seed():
    assert_deterministic(lambda: GCRD(projection_dim=4))


def test_student_learns_the_planted_classes():
    assert distil(GCRD(), planted_case()) > 0.5  # chance is 0.2
