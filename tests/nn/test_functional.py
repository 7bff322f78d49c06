"""Scatter and segment helpers against per-segment loops."""

from __future__ import annotations

import torch

from hyperdistill.nn.functional import scatter_max, scatter_mean, scatter_min, scatter_sum, segment_softmax

INDEX = torch.tensor([0, 2, 0, 2, 2])  # segment 1 and 3 are empty


def test_scatter_reductions_with_empty_segments():
    src = torch.tensor([[1.0, -1.0], [2.0, 5.0], [3.0, 0.0], [4.0, -2.0], [-6.0, 1.0]])
    assert torch.equal(scatter_sum(src, INDEX, 4), torch.tensor([[4.0, -1.0], [0, 0], [0.0, 4.0], [0, 0]]))
    assert torch.equal(scatter_mean(src, INDEX, 4), torch.tensor([[2.0, -0.5], [0, 0], [0.0, 4 / 3], [0, 0]]))
    assert torch.equal(scatter_max(src, INDEX, 4), torch.tensor([[3.0, 0.0], [0, 0], [4.0, 5.0], [0, 0]]))
    assert torch.equal(scatter_min(src, INDEX, 4), torch.tensor([[1.0, -1.0], [0, 0], [-6.0, -2.0], [0, 0]]))


def test_segment_softmax_is_a_softmax_per_segment_and_head():
    src = torch.randn(5, 3)
    out = segment_softmax(src, INDEX, 4)
    for segment in (0, 2):
        rows = segment == INDEX
        assert torch.allclose(out[rows], torch.softmax(src[rows], dim=0))
    assert torch.allclose(scatter_sum(out, INDEX, 4)[[0, 2]], torch.ones(2, 3))


def test_segment_softmax_is_stable_for_huge_scores_and_has_gradients():
    src = torch.tensor([1000.0, 1001.0, -1000.0, 5.0, 5.0], requires_grad=True)
    out = segment_softmax(src, INDEX, 4)
    assert torch.isfinite(out).all()
    assert torch.allclose(out[[0, 2]], torch.softmax(torch.tensor([1000.0, -1000.0]), 0))
    mild = torch.tensor([0.5, -1.0, 2.0, 0.0, 1.0], requires_grad=True)
    (segment_softmax(mild, INDEX, 4) * torch.arange(5.0)).sum().backward()
    expected = torch.autograd.grad((torch.softmax(mild[[0, 2]], 0) * torch.tensor([0.0, 2.0])).sum(), mild)[0]
    assert torch.allclose(mild.grad[[0, 2]], expected[[0, 2]])
