"""UniGAT: uniform attention reduces to HGNN+; random attention against a loop over vertices."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.nn.conv.unigat import UniGATConv

from ..data.test_hypergraph import HGNNP_BY_HAND

EDGES = [[0, 1, 2], [1, 3], [2, 3, 4]]


def test_zero_attention_is_the_hgnnp_mean(five_vertex):
    conv = UniGATConv(4, 3, heads=2).eval()
    torch.nn.init.zeros_(conv.att_vertex)
    torch.nn.init.zeros_(conv.att_edge)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4)
    expected = HGNNP_BY_HAND @ conv.lin(x) + conv.bias  # uniform over a vertex's hyperedges
    assert torch.allclose(conv(x, five_vertex), expected, atol=1e-5)


def by_loop(conv: UniGATConv, x: torch.Tensor) -> torch.Tensor:
    h = conv.lin(x).view(5, conv.heads, conv.out_channels)
    h_edge = torch.stack([h[e].mean(0) for e in EDGES])
    out = torch.zeros(5, conv.heads, conv.out_channels)
    for v in range(5):
        mine = [i for i, e in enumerate(EDGES) if v in e]
        scores = torch.stack(
            [(h[v] * conv.att_vertex[0]).sum(-1) + (h_edge[i] * conv.att_edge[0]).sum(-1) for i in mine]
        )
        alpha = torch.softmax(torch.nn.functional.leaky_relu(scores, conv.negative_slope), dim=0)
        out[v] = (alpha[:, :, None] * h_edge[mine]).sum(0)
    return out


@pytest.mark.parametrize("concat", [True, False])
def test_attention_by_loop(five_vertex, concat):
    conv = UniGATConv(4, 3, heads=2, concat=concat).eval()
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4, requires_grad=True)
    expected = by_loop(conv, x)
    expected = expected.reshape(5, -1) if concat else expected.mean(1)
    out = conv(x, five_vertex)
    assert out.shape == ((5, 6) if concat else (5, 3))
    assert torch.allclose(out, expected + conv.bias, atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())
