"""NOSMOG without position features: features alone in, NOSMOG's other two terms kept."""

from __future__ import annotations

import torch

from hyperdistill.distill import DISTILLERS
from hyperdistill.distill.nosmog import NOSMOG, NOSMOGGraphFree
from hyperdistill.models import MLP
from tests.distill.test_glnn import (
    assert_deterministic,
    assert_labels_enter_only_through_train_index,
    distil,
    five_vertex_context,
    planted_case,
)


def test_registered_without_position_arguments():
    method = DISTILLERS.get("nosmog_graph_free")()
    assert isinstance(method, NOSMOGGraphFree) and isinstance(method, NOSMOG)
    assert method.hyperparameters() == {
        "lam": 0.0,
        "tau": 1.0,
        "sim_weight": 0.1,
        "sim_batch": 512,
        "adv_weight": 0.1,
        "adv_eps": 0.04,
        "adv_steps": 5,
    }
    assert method.position_dim == 0


def test_needs_features_only():
    context = five_vertex_context()
    method = NOSMOGGraphFree()
    method.prepare(context, torch.Generator().manual_seed(0))
    assert method.position is None
    assert torch.equal(method.inputs, context.features)
    assert torch.equal(method.student_inputs(context.features[:2], None), context.features[:2])


def test_same_terms_as_nosmog_on_the_same_inputs():
    context = five_vertex_context()
    free, full = NOSMOGGraphFree(), NOSMOG(position_dim=0)
    losses = []
    for method in (free, full):
        method.prepare(context, torch.Generator().manual_seed(0))
        torch.manual_seed(0)
        student = MLP(3, 2, hidden_channels=8)
        torch.manual_seed(1)
        losses.append(method.objective(student, torch.Generator().manual_seed(2)))
    assert losses[0].keys() == losses[1].keys() >= {"kd", "similarity", "adversarial"}
    assert all(torch.equal(losses[0][k], losses[1][k]) for k in losses[0])


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: NOSMOGGraphFree(lam=lam))


def test_deterministic_under_a_seed():
    assert_deterministic(NOSMOGGraphFree)


def test_student_learns_the_planted_classes():
    assert distil(NOSMOGGraphFree(), planted_case()) > 0.5  # chance is 0.2
