"""Cold Brew (simplified): the embedding-matching term by hand, its head, and a short distillation."""

from __future__ import annotations

import math
from dataclasses import replace

import torch

from hyperdistill.distill import DISTILLERS
from hyperdistill.distill.cold_brew import ColdBrew, embedding_loss
from hyperdistill.models import MLP
from tests.distill.test_glnn import (
    assert_deterministic,
    assert_labels_enter_only_through_train_index,
    distil,
    five_vertex_context,
    planted_case,
)


def test_registered_with_its_defaults():
    method = DISTILLERS.get("cold_brew")()
    assert isinstance(method, ColdBrew)
    assert method.hyperparameters() == {"lam": 0.0, "tau": 1.0, "beta": 1.0}


def test_embedding_loss_by_hand():
    student = torch.tensor([[1.0, 0.0], [0.0, 2.0]])  # rows normalise to (1, 0), (0, 1)
    teacher = torch.tensor([[2.0, 0.0], [1.0, 0.0]])  # rows normalise to (1, 0), (1, 0)
    # Row 0 matches (0); row 1 is off by (-1, 1), squared length 2: the mean over rows is 1.
    assert math.isclose(float(embedding_loss(student, teacher)), 1.0, rel_tol=1e-6)


def test_objective_adds_the_embedding_term_by_hand():
    context = five_vertex_context()
    method = ColdBrew(beta=0.5)
    method.prepare(context, torch.Generator().manual_seed(0))
    assert context.teacher_hidden is not None
    assert torch.equal(method.teacher_representation, context.teacher_hidden)
    student = MLP(3, 2, hidden_channels=8).eval()  # eval: no dropout, so the hidden is reproducible
    logits, hidden = student.forward_with_hidden(context.features)
    terms = method.objective(student, torch.Generator())
    head = method.heads  # built on the first batch: Linear(8 -> 3), the teacher's width
    assert isinstance(head, torch.nn.Linear) and head.weight.shape == (3, 8)
    expected = embedding_loss(head(hidden), context.teacher_hidden)
    kd = method.loss(logits, torch.Generator())["loss"]
    assert torch.allclose(terms["embedding"], expected)
    assert torch.allclose(terms["loss"], kd + 0.5 * expected)


def test_head_is_trained_with_the_student():
    method = ColdBrew()
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    student = MLP(3, 2, hidden_channels=8)
    method.objective(student, torch.Generator())["loss"].backward()
    assert method.extra_parameters() and all(p.grad is not None for p in method.extra_parameters())


def test_falls_back_to_teacher_logits_without_a_hidden_layer():
    context = five_vertex_context()
    method = ColdBrew()
    method.prepare(replace(context, teacher_hidden=None), torch.Generator())
    assert context.teacher_logits is not None
    assert torch.equal(method.teacher_representation, context.teacher_logits)


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: ColdBrew(lam=lam))


def test_deterministic_under_a_seed():
    assert_deterministic(ColdBrew)


def test_student_learns_the_planted_classes():
    assert distil(ColdBrew(), planted_case()) > 0.5  # chance is 0.2
