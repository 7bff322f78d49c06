"""GCN teacher on a hypergraph's clique expansion, on its pairs, and on an edge_index."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.models import TEACHERS

from ..nn.test_conv_gcn import GCN_BY_HAND


def test_teacher_on_the_clique_expansion_by_hand(five_vertex):
    model = TEACHERS.get("gcn")(4, 2, hidden_channels=6).eval()
    x = torch.randn(5, 4)
    first, second = model.convs
    hidden = torch.relu(GCN_BY_HAND @ first.lin(x) + first.bias)
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, GCN_BY_HAND @ second.lin(hidden) + second.bias, atol=1e-5)
    assert torch.allclose(embedding, hidden, atol=1e-5)


def test_pairs_structure_is_the_graph_of_two_vertex_hyperedges(five_vertex):
    model = TEACHERS.get("gcn")(4, 2, structure="pairs").eval()
    x = torch.randn(5, 4)
    edge_index = torch.tensor([[1, 3], [3, 1]])
    assert torch.allclose(model(x, five_vertex), model(x, edge_index), atol=1e-6)
    with pytest.raises(ValueError, match="structure"):
        TEACHERS.get("gcn")(4, 2, structure="star")


def test_defaults():
    model = TEACHERS.get("gcn")(4, 2)
    assert model.convs[0].out_channels == 64 and model.dropout == 0.5 and model.structure == "clique"
