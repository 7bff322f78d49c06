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
