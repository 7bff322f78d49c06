"""HNHN on the five-vertex hypergraph: plain means and the alpha / beta normalisation by hand."""

from __future__ import annotations

import torch

from hyperdistill.nn.conv.hnhn import HNHNConv, hnhn_operator

H = torch.tensor([[1.0, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 1]])  # incidence, N x M


def test_plain_means_by_hand(five_vertex):
    operator = hnhn_operator(five_vertex)
    assert torch.allclose(operator.v2e.to_dense(), (H / H.sum(0)).T)
    assert torch.allclose(operator.e2v.to_dense(), H / H.sum(1, keepdim=True))


def test_alpha_beta_weights_by_hand(five_vertex):
    operator = hnhn_operator(five_vertex, alpha=-1.0, beta=1.0)
    # beta = 1: members weighted by their degree (1,2,2,2,1), normalised per hyperedge.
    v2e = torch.tensor([[1 / 5, 2 / 5, 2 / 5, 0, 0], [0, 1 / 2, 0, 1 / 2, 0], [0, 0, 2 / 5, 2 / 5, 1 / 5]])
    # alpha = -1: hyperedges weighted by 1/|e| = (1/3, 1/2, 1/3), normalised per vertex.
    e2v = torch.tensor([[1, 0, 0], [2 / 5, 3 / 5, 0], [1 / 2, 0, 1 / 2], [0, 3 / 5, 2 / 5], [0, 0, 1]])
    assert torch.allclose(operator.v2e.to_dense(), v2e)
    assert torch.allclose(operator.e2v.to_dense(), e2v)


def test_conv_is_linear_mean_relu_linear_mean(five_vertex):
    conv = HNHNConv(4, 3, alpha=-1.0, beta=1.0).eval()
    x = torch.randn(5, 4, requires_grad=True)
    operator = hnhn_operator(five_vertex, -1.0, 1.0)
    hyperedges = torch.relu(operator.v2e.to_dense() @ conv.lin_v2e(x))
    expected = operator.e2v.to_dense() @ conv.lin_e2v(hyperedges)
    out = conv(x, five_vertex)
    assert out.shape == (5, 3) and torch.allclose(out, expected, atol=1e-5)
    out.sum().backward()
    assert all(p.grad is not None for p in conv.parameters()) and x.grad is not None


def test_hyperedge_dropout_acts_in_training_only(five_vertex):
    conv = HNHNConv(4, 16, dropout=0.5)
    x = torch.randn(5, 4)
    conv.eval()
    assert torch.equal(conv(x, five_vertex), conv(x, five_vertex))
    conv.train()
    torch.manual_seed(0)
    a = conv(x, five_vertex)
    torch.manual_seed(1)
    assert not torch.equal(a, conv(x, five_vertex))


def test_hyperedge_width_can_differ_from_the_output(five_vertex):
    conv = HNHNConv(4, 3, hidden_channels=7)
    assert conv.lin_v2e.out_features == 7 and conv.lin_e2v.in_features == 7
    assert conv(torch.randn(5, 4), five_vertex).shape == (5, 3)
