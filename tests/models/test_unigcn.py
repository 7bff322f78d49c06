"""UniGCN teacher: input dropout, then conv -> ReLU -> dropout -> conv."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.graph import with_self_loops

from ..nn.test_conv_unigcn import UNIGCN_BY_HAND


def test_teacher_by_hand(five_vertex):
    model = TEACHERS.get("unigcn")(4, 2, hidden_channels=6, self_loops=False).eval()
    x = torch.randn(5, 4)
    first, second = model.convs
    hidden = torch.relu(UNIGCN_BY_HAND @ first.lin(x) + first.bias)
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, UNIGCN_BY_HAND @ second.lin(hidden) + second.bias, atol=1e-5)
    assert torch.allclose(embedding, hidden, atol=1e-5)


def test_defaults_and_input_dropout(five_vertex):
    model = TEACHERS.get("unigcn")(4, 2, dropout=0.0)
    assert model.convs[0].out_channels == 64 and model.input_dropout == 0.6
    x = torch.randn(5, 4)
    torch.manual_seed(0)
    a = model(x, five_vertex)
    torch.manual_seed(1)
    assert not torch.equal(a, model(x, five_vertex))  # only the input dropout is random here


def test_self_loops_by_default_propagate_over_the_augmented_hypergraph(five_vertex):
    looped = with_self_loops(five_vertex)
    assert looped.num_edges > five_vertex.num_edges  # five_vertex has vertices without a singleton
    torch.manual_seed(0)
    model = TEACHERS.get("unigcn")(4, 2).eval()
    plain = TEACHERS.get("unigcn")(4, 2, self_loops=False).eval()
    plain.load_state_dict(model.state_dict())
    x = torch.randn(5, 4)
    assert model.propagation_structure(five_vertex) is looped
    assert torch.allclose(model(x, five_vertex), plain(x, looped), atol=1e-6)
    assert not torch.allclose(model(x, five_vertex), plain(x, five_vertex), atol=1e-4)
