"""GraphSAGE teacher: SAGE layers with ReLU and dropout, on hypergraphs and graphs."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS


def test_teacher_is_conv_relu_conv(five_vertex):
    model = TEACHERS.get("sage")(4, 2, hidden_channels=6).eval()
    x = torch.randn(5, 4)
    first, second = model.convs
    hidden = torch.relu(first(x, five_vertex))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, second(hidden, five_vertex), atol=1e-6)
    assert torch.allclose(embedding, hidden)


def test_defaults_and_edge_index_input():
    model = TEACHERS.get("sage")(4, 2).eval()
    assert model.convs[0].out_channels == 128 and model.dropout == 0.5
    assert model(torch.randn(3, 4), torch.tensor([[0, 1], [1, 2]])).shape == (3, 2)
