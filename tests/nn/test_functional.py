"""Scatter and segment helpers against per-segment loops."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.nn import functional
from hyperdistill.nn.functional import (
    scatter_max,
    scatter_mean,
    scatter_min,
    scatter_sum,
    segment_softmax,
    weighted_gather_sum,
)

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


def test_weighted_gather_sum_by_hand():
    # Two heads of one channel; edges 0->1 (weights 2, 3), 2->1 (1, -1), 1->0 (0.5, 4); vertex 2 gets nothing.
    x = torch.tensor([[[1.0], [10.0]], [[2.0], [20.0]], [[3.0], [30.0]]])
    weight = torch.tensor([[2.0, 3.0], [1.0, -1.0], [0.5, 4.0]])
    src, dst = torch.tensor([0, 2, 1]), torch.tensor([1, 1, 0])
    out = weighted_gather_sum(x, weight, src, dst, 3)
    expected = torch.tensor([[[1.0], [80.0]], [[5.0], [0.0]], [[0.0], [0.0]]])
    assert torch.equal(out, expected)


@pytest.mark.parametrize("chunk_elements", [1, 6, 1 << 24])
def test_weighted_gather_sum_matches_the_materialised_messages_in_any_chunking(monkeypatch, chunk_elements):
    monkeypatch.setattr(functional, "_MESSAGE_ELEMENTS", chunk_elements)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(6, 2, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    src = torch.randint(0, 6, (17,), generator=generator)
    dst = torch.randint(0, 6, (17,), generator=generator)
    weight = torch.rand(17, 2, generator=generator, dtype=torch.float64, requires_grad=True)
    out = weighted_gather_sum(x, weight, src, dst, 6)
    reference = scatter_sum(x[src] * weight.unsqueeze(-1), dst, 6)
    assert torch.allclose(out, reference)
    grad = torch.randn(6, 2, 3, generator=generator, dtype=torch.float64)
    assert all(
        torch.allclose(a, b)
        for a, b in zip(
            torch.autograd.grad(out, (x, weight), grad),
            torch.autograd.grad(reference, (x, weight), grad),
            strict=True,
        )
    )
    assert torch.autograd.gradcheck(lambda x, w: weighted_gather_sum(x, w, src, dst, 6), (x, weight))
