"""FastHyperGCN teacher: one graph from the input features, reused while the inputs stay the same."""

from __future__ import annotations

import copy
import pickle

import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models import TEACHERS
from hyperdistill.nn.conv.hypergcn import hypergcn_operator


def test_all_layers_share_the_graph_of_the_input_features(five_vertex):
    model = TEACHERS.get("fast_hypergcn")(4, 2, hidden_channels=6).eval()
    x = torch.randn(5, 4)
    graph = hypergcn_operator(five_vertex, x @ model.projection, mediators=True).to_dense()
    first, second = model.convs
    hidden = torch.relu(graph @ first.lin(x) + first.bias)
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, graph @ second.lin(hidden) + second.bias, atol=1e-5)
    assert torch.allclose(embedding, hidden, atol=1e-5)


def test_graph_is_cached_for_the_same_inputs_and_rebuilt_for_new_ones(five_vertex):
    model = TEACHERS.get("fast_hypergcn")(4, 2).train()  # also in training: the graph is fixed
    x = torch.randn(5, 4)
    model(x, five_vertex)
    graph = model._graph
    model(x, five_vertex)
    assert model._graph is graph
    model(x.clone(), five_vertex)
    assert model._graph is not graph
    graph = model._graph
    model(x, Hypergraph(five_vertex.hyperedge_index, 5, 3))
    assert model._graph is not graph


def test_projection_round_trips_and_the_module_copies_and_pickles(five_vertex):
    model = TEACHERS.get("fast_hypergcn")(4, 2).eval()
    x = torch.randn(5, 4)
    out = model(x, five_vertex)
    fresh = TEACHERS.get("fast_hypergcn")(4, 2).eval()
    fresh.load_state_dict(model.state_dict())
    assert torch.equal(fresh(x, five_vertex), out)
    assert torch.equal(copy.deepcopy(model)(x, five_vertex), out)
    assert torch.equal(pickle.loads(pickle.dumps(model))(x, five_vertex), out)


def test_loading_another_projection_rebuilds_the_graph(five_vertex):
    model, other = TEACHERS.get("fast_hypergcn")(4, 2).eval(), TEACHERS.get("fast_hypergcn")(4, 2).eval()
    x = torch.randn(5, 4)
    model(x, five_vertex)
    model.load_state_dict(other.state_dict())
    assert torch.equal(model(x, five_vertex), other(x, five_vertex))
