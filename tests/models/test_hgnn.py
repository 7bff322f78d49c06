"""HGNN: the convolution and the two-layer teacher against the dense formula."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.conv import HGNNConv

from ..data.test_hypergraph import HGNN_BY_HAND


def test_conv_matches_the_dense_formula(five_vertex):
    conv = HGNNConv(4, 3)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4)
    expected = HGNN_BY_HAND @ x @ conv.lin.weight.T + conv.bias
    assert torch.allclose(conv(x, five_vertex), expected, atol=1e-5)


def test_teacher_is_conv_relu_conv(five_vertex):
    model = TEACHERS.get("hgnn")(4, 2, hidden_channels=6).eval()
    x = torch.randn(5, 4)
    first, second = model.convs
    hidden = torch.relu(HGNN_BY_HAND @ x @ first.lin.weight.T + first.bias)
    expected = HGNN_BY_HAND @ hidden @ second.lin.weight.T + second.bias
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, expected, atol=1e-5)
    assert torch.allclose(embedding, hidden, atol=1e-5)
