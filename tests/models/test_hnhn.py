"""HNHN teacher: one HNHN layer by default; deeper stacks with ReLU and dropout between layers."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.conv.hnhn import hnhn_operator


def test_default_teacher_is_one_layer_by_hand(five_vertex):
    model = TEACHERS.get("hnhn")(4, 2, hidden_channels=6).eval()
    (conv,) = model.convs
    assert (conv.hidden_channels, conv.out_channels, conv.dropout) == (6, 2, 0.5)
    x = torch.randn(5, 4)
    operator = hnhn_operator(five_vertex)
    hyperedges = torch.relu(operator.v2e.to_dense() @ conv.lin_v2e(x))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, operator.e2v.to_dense() @ conv.lin_e2v(hyperedges), atol=1e-5)
    assert torch.equal(embedding, x)


def test_two_layers_are_layer_relu_layer(five_vertex):
    model = TEACHERS.get("hnhn")(4, 2, hidden_channels=6, num_layers=2, alpha=-1.5, beta=-0.5).eval()
    first, second = model.convs
    assert (first.alpha, first.beta, first.out_channels, second.in_channels) == (-1.5, -0.5, 6, 6)
    x = torch.randn(5, 4)
    hidden = torch.relu(first(x, five_vertex))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, second(hidden, five_vertex), atol=1e-6)
    assert torch.allclose(embedding, hidden)


def test_defaults():
    model = TEACHERS.get("hnhn")(4, 2)
    assert len(model.convs) == 1 and model.convs[0].hidden_channels == 64 and model.dropout == 0.5
    assert (model.convs[0].alpha, model.convs[0].beta) == (0.0, 0.0)
