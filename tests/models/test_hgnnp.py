"""HGNN+: the convolution and the two-layer teacher against the dense formula."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.conv import HGNNPConv

from ..data.test_hypergraph import HGNNP_BY_HAND


def test_conv_matches_the_dense_formula(five_vertex):
    conv = HGNNPConv(4, 3)
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4)
    assert torch.allclose(conv(x, five_vertex), HGNNP_BY_HAND @ x @ conv.lin.weight.T + conv.bias, atol=1e-5)


def test_teacher_output_and_dropout(five_vertex):
    model = TEACHERS.get("hgnnp")(4, 2, hidden_channels=6, dropout=0.5)
    x = torch.randn(5, 4)
    model.eval()
    assert torch.equal(model(x, five_vertex), model(x, five_vertex))
    model.train()
    torch.manual_seed(0)
    a = model(x, five_vertex)
    torch.manual_seed(1)
    assert not torch.equal(a, model(x, five_vertex))
