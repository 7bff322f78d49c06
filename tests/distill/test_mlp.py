"""The plain MLP baseline: cross-entropy on training vertices only, no teacher."""

from __future__ import annotations

import math

import torch

from hyperdistill.distill import DISTILLERS

from .test_lighthgnn import context, softmax


def test_cross_entropy_on_train_vertices_only_by_hand():
    method = DISTILLERS.get("mlp")()
    assert not method.needs_teacher
    method.prepare(context(torch.zeros(3, 2)), torch.Generator())
    student = torch.tensor([[1.0, 3.0], [50.0, -50.0], [-9.0, 9.0]])  # only row 0 is a train vertex (label 1)
    terms = method.loss(student, torch.Generator())
    assert math.isclose(float(terms["loss"]), -math.log(softmax([1.0, 3.0], 1.0)[1]), rel_tol=1e-6)
