"""UniGAT teacher: multi-head hidden layer, single-head output layer."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.graph import with_self_loops


def test_teacher_layers_and_heads(five_vertex):
    model = TEACHERS.get("unigat")(4, 2, self_loops=False).eval()
    first, second = model.convs
    assert (first.heads, first.out_channels, first.concat) == (8, 8, True)
    assert (second.in_channels, second.heads, second.concat) == (64, 1, False)
    x = torch.randn(5, 4)
    hidden = torch.relu(first(x, five_vertex))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert logits.shape == (5, 2) and embedding.shape == (5, 64)
    assert torch.allclose(logits, second(hidden, five_vertex), atol=1e-6)


def test_one_layer_model(five_vertex):
    model = TEACHERS.get("unigat")(4, 3, num_layers=1).eval()
    assert model(torch.randn(5, 4), five_vertex).shape == (5, 3)


def test_self_loops_by_default_propagate_over_the_augmented_hypergraph(five_vertex):
    looped = with_self_loops(five_vertex)
    torch.manual_seed(0)
    model = TEACHERS.get("unigat")(4, 2).eval()
    plain = TEACHERS.get("unigat")(4, 2, self_loops=False).eval()
    plain.load_state_dict(model.state_dict())
    x = torch.randn(5, 4)
    assert torch.allclose(model(x, five_vertex), plain(x, looped), atol=1e-6)
    assert not torch.allclose(model(x, five_vertex), plain(x, five_vertex), atol=1e-4)
