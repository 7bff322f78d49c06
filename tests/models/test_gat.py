"""GAT teacher: 8 x 8 heads with ELU, then one output head."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from hyperdistill.models import TEACHERS


def test_teacher_layers_and_composition(five_vertex):
    model = TEACHERS.get("gat")(4, 2).eval()
    first, second = model.convs
    assert (first.heads, first.out_channels, second.heads, second.concat) == (8, 8, 1, False)
    assert model.dropout == 0.6 and first.dropout == 0.6
    x = torch.randn(5, 4)
    hidden = F.elu(first(x, five_vertex))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, second(hidden, five_vertex), atol=1e-6)
    assert torch.allclose(embedding, hidden)


def test_graph_input_and_pairs(five_vertex):
    model = TEACHERS.get("gat")(4, 3, structure="pairs").eval()
    x = torch.randn(5, 4)
    assert torch.allclose(model(x, five_vertex), model(x, torch.tensor([[1, 3], [3, 1]])), atol=1e-6)
