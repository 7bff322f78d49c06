"""GAT on the clique expansion: zero attention is the mean over the closed neighbourhood; random by loop."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.nn.conv.gat import GATConv

CLOSED = [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4], [1, 2, 3, 4], [2, 3, 4]]  # neighbours and self


def test_zero_attention_is_the_closed_neighbourhood_mean(five_vertex):
    conv = GATConv(4, 3, heads=2)
    torch.nn.init.zeros_(conv.att_src)
    torch.nn.init.zeros_(conv.att_dst)
    x = torch.randn(5, 4)
    h = conv.lin(x)
    assert torch.allclose(conv(x, five_vertex), torch.stack([h[c].mean(0) for c in CLOSED]), atol=1e-5)


@pytest.mark.parametrize("concat", [True, False])
def test_attention_by_loop(five_vertex, concat):
    conv = GATConv(4, 3, heads=2, concat=concat).eval()
    torch.nn.init.normal_(conv.bias)
    x = torch.randn(5, 4, requires_grad=True)
    h = conv.lin(x).view(5, 2, 3)
    rows = []
    for i, closed in enumerate(CLOSED):
        scores = (h[closed] * conv.att_src[0]).sum(-1) + (h[i] * conv.att_dst[0]).sum(-1)
        alpha = torch.softmax(torch.nn.functional.leaky_relu(scores, 0.2), dim=0)
        rows.append((alpha[:, :, None] * h[closed]).sum(0))
    expected = torch.stack(rows)
    expected = expected.reshape(5, 6) if concat else expected.mean(1)
    out = conv(x, five_vertex)
    assert torch.allclose(out, expected + conv.bias, atol=1e-5)
    out.sum().backward()
    assert x.grad is not None and all(p.grad is not None for p in conv.parameters())


def test_attention_dropout_in_training_only(five_vertex):
    conv = GATConv(4, 3, heads=2, dropout=0.5)
    x = torch.randn(5, 4)
    conv.eval()
    assert torch.equal(conv(x, five_vertex), conv(x, five_vertex))
    conv.train()
    torch.manual_seed(0)
    a = conv(x, five_vertex)
    torch.manual_seed(1)
    assert not torch.equal(a, conv(x, five_vertex))


def test_gat_refuses_a_graph_whose_edge_tensors_would_not_fit(monkeypatch):
    import pytest

    from hyperdistill.errors import DataError

    conv = GATConv(3, 4, heads=2)
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 0]])
    # 3 edges + 3 self-loops, each 6 float32 tensors x 2 heads + 48 bytes of indices: 576 bytes
    monkeypatch.setenv("HYPERDISTILL_MAX_EDGE_GIB", str(500 / 2**30))
    with pytest.raises(DataError, match="per-edge tensors"):
        conv(torch.randn(3, 3), edge_index)
    monkeypatch.setenv("HYPERDISTILL_MAX_EDGE_GIB", str(600 / 2**30))
    assert conv(torch.randn(3, 3), edge_index).shape == (3, 8)
