"""Scatter and segment operations shared by the convolutions (pure torch, no torch_scatter).

A *segment* is the set of rows of ``src`` that share one value of ``index``: the incidences of one vertex,
the members of one hyperedge, the in-edges of one graph vertex. Every function is vectorised over all
segments at once and works on any device; empty segments give zeros.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _expand(index: Tensor, src: Tensor) -> Tensor:
    """``index`` broadcast to the shape of ``src`` along the trailing dimensions."""
    return index.view(-1, *([1] * (src.dim() - 1))).expand_as(src)


def scatter_sum(src: Tensor, index: Tensor, dim_size: int) -> Tensor:
    """Sum of the rows of each segment.

    Shapes:
        - src: ``(nnz, *)``; index: ``(nnz,)`` with values in ``[0, dim_size)``
        - output: ``(dim_size, *)``
    """
    out = src.new_zeros(dim_size, *src.shape[1:])
    return out.index_add_(0, index, src)


def scatter_mean(src: Tensor, index: Tensor, dim_size: int) -> Tensor:
    """Mean of the rows of each segment (zeros for an empty segment).

    Shapes:
        - src: ``(nnz, *)``; index: ``(nnz,)``
        - output: ``(dim_size, *)``
    """
    count = torch.bincount(index, minlength=dim_size).clamp_(min=1).to(src.dtype)
    return scatter_sum(src, index, dim_size) / count.view(-1, *([1] * (src.dim() - 1)))


def scatter_max(src: Tensor, index: Tensor, dim_size: int) -> Tensor:
    """Elementwise maximum over the rows of each segment (zeros for an empty segment).

    Shapes:
        - src: ``(nnz, *)``; index: ``(nnz,)``
        - output: ``(dim_size, *)``
    """
    out = src.new_zeros(dim_size, *src.shape[1:])
    return out.scatter_reduce_(0, _expand(index, src), src, reduce="amax", include_self=False)


def scatter_min(src: Tensor, index: Tensor, dim_size: int) -> Tensor:
    """Elementwise minimum over the rows of each segment (zeros for an empty segment).

    Shapes:
        - src: ``(nnz, *)``; index: ``(nnz,)``
        - output: ``(dim_size, *)``
    """
    out = src.new_zeros(dim_size, *src.shape[1:])
    return out.scatter_reduce_(0, _expand(index, src), src, reduce="amin", include_self=False)


def segment_softmax(src: Tensor, index: Tensor, dim_size: int) -> Tensor:
    """Softmax of ``src`` within each segment, independently per trailing column (e.g. per head).

    The segment maximum is subtracted first, so large scores do not overflow; it carries no gradient
    (softmax is invariant to it).

    Shapes:
        - src: ``(nnz,)`` or ``(nnz, H)``; index: ``(nnz,)``
        - output: same as ``src``; entries of one segment sum to one
    """
    shift = scatter_max(src.detach(), index, dim_size)[index]
    exp = (src - shift).exp()
    return exp / scatter_sum(exp, index, dim_size)[index]


#: Rows of ``(E, K, C)`` messages that :func:`weighted_gather_sum` builds at once (64 MiB in float32).
_MESSAGE_ELEMENTS = 1 << 24


def weighted_gather_sum(x: Tensor, weight: Tensor, src: Tensor, dst: Tensor, dim_size: int) -> Tensor:
    r"""``out[i] = sum over edges e with dst[e] = i of weight[e] * x[src[e]]``, per head, in edge chunks.

    The same as ``scatter_sum(x[src] * weight.unsqueeze(-1), dst, dim_size)``, without ever holding the
    ``(E, K, C)`` messages: forward and backward walk the edges in chunks, so a training step keeps only
    ``(E, K)`` tensors per edge. This is what lets attention run on the clique expansion of a hypergraph
    with tens of millions of edges. Gradients flow to ``x`` and ``weight``.

    Shapes:
        - x: ``(N, K, C)``; weight: ``(E, K)``; src, dst: ``(E,)``
        - output: ``(dim_size, K, C)``
    """
    return _WeightedGatherSum.apply(x, weight, src, dst, dim_size)


def _edge_chunks(num_edges: int, row_elements: int) -> list[slice]:
    size = max(1, _MESSAGE_ELEMENTS // max(row_elements, 1))
    return [slice(start, start + size) for start in range(0, num_edges, size)]


class _WeightedGatherSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, src: Tensor, dst: Tensor, dim_size: int) -> Tensor:  # type: ignore[override]
        ctx.save_for_backward(x, weight, src, dst)
        out = x.new_zeros(dim_size, *x.shape[1:])
        for part in _edge_chunks(src.numel(), x[0].numel()):
            out.index_add_(0, dst[part], x[src[part]] * weight[part].unsqueeze(-1))
        return out

    @staticmethod
    def backward(ctx, grad_out: Tensor) -> tuple[Tensor | None, ...]:  # type: ignore[override]
        x, weight, src, dst = ctx.saved_tensors
        need_x, need_weight = ctx.needs_input_grad[:2]
        grad_x = torch.zeros_like(x) if need_x else None
        grad_weight = torch.empty_like(weight) if need_weight else None
        for part in _edge_chunks(src.numel(), x[0].numel()):
            incoming = grad_out[dst[part]]  # (chunk, K, C)
            if grad_weight is not None:
                grad_weight[part] = (incoming * x[src[part]]).sum(-1)
            if grad_x is not None:
                grad_x.index_add_(0, src[part], incoming * weight[part].unsqueeze(-1))
        return grad_x, grad_weight, None, None, None
