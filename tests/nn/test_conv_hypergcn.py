"""HyperGCN's graph approximation with and without mediators, by hand; the conv's random directions."""

from __future__ import annotations

import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.hypergcn import HyperGCNConv, hypergcn_operator

# Supremum / infimum per hyperedge: {0,1,2}: 2 / 0, {1,3}: 3 / 1, {2,3,4}: 4 / 2.
SIGNAL = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0])


def gcn_normalise(pairs: list[tuple[int, int, float]], n: int = 5) -> torch.Tensor:
    adjacency = torch.eye(n)
    for i, j, w in pairs:
        adjacency[i, j] += w
        adjacency[j, i] += w
    scale = adjacency.sum(1).rsqrt()
    return scale[:, None] * adjacency * scale[None, :]


def test_with_mediators_by_hand(five_vertex):
    # {0,1,2}: 2|e| - 3 = 3 edges of weight 1/3 (2-0, and mediator 1 to both); {1,3}: one edge, weight 1.
    pairs = [
        (2, 0, 1 / 3),
        (2, 1, 1 / 3),
        (0, 1, 1 / 3),
        (3, 1, 1.0),
        (4, 2, 1 / 3),
        (4, 3, 1 / 3),
        (2, 3, 1 / 3),
    ]
    operator = hypergcn_operator(five_vertex, SIGNAL, mediators=True)
    assert torch.allclose(operator.to_dense(), gcn_normalise(pairs), atol=1e-6)


def test_without_mediators_by_hand(five_vertex):
    pairs = [(2, 0, 1 / 3), (3, 1, 1 / 2), (4, 2, 1 / 3)]
    operator = hypergcn_operator(five_vertex, SIGNAL, mediators=False)
    assert torch.allclose(operator.to_dense(), gcn_normalise(pairs), atol=1e-6)


def test_ties_still_join_two_members_and_singletons_add_nothing():
    hypergraph = Hypergraph.from_edge_list([[0, 1, 2], [3]], num_nodes=4)
    operator = hypergcn_operator(hypergraph, torch.zeros(4), mediators=False)
    assert torch.allclose(operator.to_dense(), gcn_normalise([(0, 2, 1 / 3)], n=4), atol=1e-6)


def test_weights_scale_the_pairs():
    hypergraph = Hypergraph.from_edge_list([[0, 1]], num_nodes=2, edge_weight=[4.0])
    operator = hypergcn_operator(hypergraph, torch.tensor([0.0, 1.0]), mediators=False)
    assert torch.allclose(operator.to_dense(), gcn_normalise([(1, 0, 2.0)], n=2), atol=1e-6)


def test_conv_uses_its_fixed_direction_in_evaluation(five_vertex):
    conv = HyperGCNConv(4, 3).eval()
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4, requires_grad=True)
    h = conv.lin(x)
    expected = hypergcn_operator(five_vertex, h @ conv.projection) @ h + conv.bias
    out = conv(x, five_vertex)
    assert out.shape == (5, 3) and torch.allclose(out, expected, atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())


def test_conv_draws_a_direction_per_call_in_training(five_vertex):
    conv = HyperGCNConv(4, 3).train()
    x = torch.randn(5, 4)
    torch.manual_seed(0)
    h = conv.lin(x)
    direction = torch.rand(3)
    torch.manual_seed(0)
    assert torch.allclose(conv(x, five_vertex), hypergcn_operator(five_vertex, h @ direction) @ h + conv.bias)


def test_projection_is_saved_and_reset():
    conv = HyperGCNConv(4, 3)
    assert "projection" in conv.state_dict()
    before = conv.projection.clone()
    conv.reset_parameters()
    assert not torch.equal(before, conv.projection)
