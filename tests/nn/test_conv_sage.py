"""GraphSAGE (mean) on the clique expansion of the five-vertex hypergraph, by hand."""

from __future__ import annotations

import torch

from hyperdistill.nn.conv.sage import SAGEConv

NEIGHBOURS = [[1, 2], [0, 2, 3], [0, 1, 3, 4], [1, 2, 4], [2, 3]]  # clique expansion, self excluded


def test_conv_by_hand(five_vertex):
    conv = SAGEConv(4, 3)
    x = torch.randn(5, 4, requires_grad=True)
    mean = torch.stack([x[n].mean(0) for n in NEIGHBOURS])
    out = conv(x, five_vertex)
    assert out.shape == (5, 3)
    assert torch.allclose(out, conv.lin_neighbour(mean) + conv.lin_root(x), atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())


def test_isolated_vertex_keeps_its_root_term_and_the_bias():
    conv = SAGEConv(2, 2)
    x = torch.randn(3, 2)
    out = conv(x, torch.tensor([[0, 1], [1, 0]]))
    assert torch.allclose(out[2], conv.lin_root(x[2]) + conv.lin_neighbour.bias, atol=1e-6)
    assert torch.allclose(out[0], conv.lin_neighbour(x[1]) + conv.lin_root(x[0]), atol=1e-6)
