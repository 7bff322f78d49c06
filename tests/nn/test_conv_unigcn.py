"""UniGCN on the five-vertex hypergraph, worked out by hand."""

from __future__ import annotations

import math

import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.unigcn import UniGCNConv, unigcn_operator

# Degrees d = (1, 2, 2, 2, 1); mean member degree: {0,1,2} -> 5/3, {1,3} -> 2, {2,3,4} -> 5/3.
# A_ij = d_i^-1/2 * sum over shared hyperedges e of d~_e^-1/2 / |e|.
A = math.sqrt(3 / 5) / 3  # through {0,1,2} or {2,3,4}
B = math.sqrt(1 / 2) / 2  # through {1,3}
R = 1 / math.sqrt(2)
UNIGCN_BY_HAND = torch.tensor(
    [
        [A, A, A, 0, 0],
        [R * A, R * (A + B), R * A, R * B, 0],
        [R * A, R * A, R * 2 * A, R * A, R * A],
        [0, R * B, R * A, R * (A + B), R * A],
        [0, 0, A, A, A],
    ]
)


def test_operator_by_hand(five_vertex):
    assert torch.allclose(unigcn_operator(five_vertex).to_dense(), UNIGCN_BY_HAND, atol=1e-6)


def test_conv_output_shape_and_gradients(five_vertex):
    conv = UniGCNConv(4, 3)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4, requires_grad=True)
    out = conv(x, five_vertex)
    assert out.shape == (5, 3)
    assert torch.allclose(out, UNIGCN_BY_HAND @ x @ conv.lin.weight.T + conv.bias, atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and conv.lin.weight.grad is not None and conv.bias.grad is not None


def test_hyperedge_weights_scale_messages_and_degrees():
    weighted = Hypergraph.from_edge_list([[0, 1], [1, 2]], num_nodes=3, edge_weight=[1.0, 3.0])
    # weighted degrees d = (1, 4, 3); mean member degrees d~ = (5/2, 7/2); both hyperedges have size 2
    d, de = torch.tensor([1.0, 4.0, 3.0]), torch.tensor([2.5, 3.5])
    h = torch.tensor([[1.0, 0], [1, 1], [0, 1]])
    expected = d.rsqrt()[:, None] * (h * torch.tensor([1.0, 3.0]) * de.rsqrt()) @ (h.T / 2)
    assert torch.allclose(unigcn_operator(weighted).to_dense(), expected, atol=1e-6)
