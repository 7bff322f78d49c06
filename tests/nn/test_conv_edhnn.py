"""ED-HNN's diffusion step: identity MLPs reduce to two-stage means / sums; the general case by loop."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.nn.conv.edhnn import EDHNNConv, mlp

from ..data.test_hypergraph import HGNNP_BY_HAND

EDGES = [[0, 1, 2], [1, 3], [2, 3, 4]]
H = torch.tensor([[1.0, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 1]])


def test_identity_mlps_give_the_two_stage_mean(five_vertex):
    conv = EDHNNConv(4, mlp1_layers=0, mlp2_layers=0, mlp3_layers=0)
    x = torch.randn(5, 4)
    assert torch.allclose(conv(x, five_vertex), HGNNP_BY_HAND @ x, atol=1e-6)


def test_sum_aggregation_and_restart(five_vertex):
    conv = EDHNNConv(4, mlp1_layers=0, mlp2_layers=0, mlp3_layers=0, aggregate="sum", alpha=0.25)
    x, x0 = torch.randn(5, 4), torch.randn(5, 4)
    assert torch.allclose(conv(x, five_vertex, x0), 0.75 * H @ H.T @ x + 0.25 * x0, atol=1e-5)
    with pytest.raises(ValueError, match="x0"):
        conv(x, five_vertex)


def test_general_step_by_loop(five_vertex):
    conv = EDHNNConv(4, mlp1_layers=2, mlp2_layers=2, mlp3_layers=1).eval()
    x = torch.randn(5, 4, requires_grad=True)
    phi = conv.mlp1(x)
    m = torch.stack([phi[e].mean(0) for e in EDGES])
    expected = torch.stack(
        [
            torch.stack([conv.mlp2(torch.cat([x[v], m[i]])) for i, e in enumerate(EDGES) if v in e]).mean(0)
            for v in range(5)
        ]
    )
    out = conv(x, five_vertex)
    assert out.shape == (5, 4) and torch.allclose(out, conv.mlp3(expected), atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())


def test_equivariance_under_relabelling(five_vertex):
    conv = EDHNNConv(4, mlp1_layers=1, mlp2_layers=1, mlp3_layers=1).eval()
    x = torch.randn(5, 4)
    perm = torch.tensor([3, 0, 4, 1, 2])  # new vertex i is old vertex perm[i]
    permuted = five_vertex.restrict(perm)
    assert torch.allclose(conv(x[perm], permuted), conv(x, five_vertex)[perm], atol=1e-5)


def test_mlp_shapes():
    assert isinstance(mlp(3, 8, 5, 0, 0.0), torch.nn.Identity)
    assert mlp(3, 8, 5, 3, 0.0)(torch.randn(2, 3)).shape == (2, 5)
    with pytest.raises(ValueError, match="aggregate"):
        EDHNNConv(4, aggregate="max")
