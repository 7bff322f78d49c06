"""GCN on the clique expansion of the five-vertex hypergraph, by hand, and on an edge_index."""

from __future__ import annotations

import torch

from hyperdistill.nn.conv.gcn import GCNConv

# Clique expansion of {0,1,2}, {1,3}, {2,3,4} plus self-loops; degrees with the loop: (3, 4, 5, 4, 3).
ADJACENCY = torch.tensor(
    [[1.0, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 1], [0, 0, 1, 1, 1]]
)
DEGREE = torch.tensor([3.0, 4, 5, 4, 3])
GCN_BY_HAND = ADJACENCY / (DEGREE[:, None] * DEGREE[None, :]).sqrt()


def test_conv_on_a_hypergraph_by_hand(five_vertex):
    conv = GCNConv(4, 3)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4, requires_grad=True)
    out = conv(x, five_vertex)
    assert out.shape == (5, 3)
    assert torch.allclose(out, GCN_BY_HAND @ conv.lin(x) + conv.bias, atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())


def test_edge_index_messages_flow_source_to_target_with_one_self_loop():
    conv = GCNConv(2, 2, bias=False)
    edge_index = torch.tensor([[0, 0, 2], [1, 0, 1]])  # 0 -> 1, 2 -> 1 and a self-loop on 0; 3 isolated
    x = torch.randn(4, 2)
    # In-degrees with one loop each: (1, 3, 1, 1); A_hat[1, 0] = A_hat[1, 2] = 1 / sqrt(3 * 1).
    expected_operator = torch.eye(4)
    expected_operator[1, 1] = 1 / 3
    expected_operator[1, 0] = expected_operator[1, 2] = 3**-0.5
    assert torch.allclose(conv(x, edge_index), expected_operator @ conv.lin(x), atol=1e-6)
