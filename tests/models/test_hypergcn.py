"""HyperGCN teacher: every layer builds its own graph from its own projected features."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.conv.hypergcn import hypergcn_operator


@pytest.mark.parametrize("mediators", [True, False])
def test_teacher_is_conv_relu_conv_with_per_layer_graphs(five_vertex, mediators):
    model = TEACHERS.get("hypergcn")(4, 2, hidden_channels=6, mediators=mediators).eval()
    x = torch.randn(5, 4)
    first, second = model.convs
    h1 = first.lin(x)
    hidden = torch.relu(hypergcn_operator(five_vertex, h1 @ first.projection, mediators) @ h1 + first.bias)
    h2 = second.lin(hidden)
    expected = hypergcn_operator(five_vertex, h2 @ second.projection, mediators) @ h2 + second.bias
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, expected, atol=1e-5)
    assert torch.allclose(embedding, hidden, atol=1e-5)
    assert all(conv.mediators is mediators for conv in model.convs)


def test_defaults_and_validation():
    model = TEACHERS.get("hypergcn")(4, 2)
    assert [c.out_channels for c in model.convs] == [32, 2] and model.dropout == 0.5 and model.mediators
    with pytest.raises(ValueError):
        TEACHERS.get("hypergcn")(4, 2, num_layers=0)


def test_training_mode_is_stochastic(five_vertex):
    model = TEACHERS.get("hypergcn")(4, 2, dropout=0.0).train()
    x = torch.randn(5, 4)
    torch.manual_seed(0)
    a = model(x, five_vertex)
    torch.manual_seed(0)
    assert torch.equal(a, model(x, five_vertex))
