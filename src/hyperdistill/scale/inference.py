"""Teacher and student inference over vertex chunks: soft labels, hidden states and reliability at scale.

An HGNN layer is ``propagate(x @ Theta) + b`` and its propagation is global: a vertex's output reads every
vertex within one hyperedge. "Chunked" therefore means:

* every dense product with the input features (``x @ Theta`` of the first layer, whose input is ``N x F``)
  and every feature perturbation (``X * (1 + eps)`` of the reliability score) is done ``chunk_size`` rows at
  a time: no second ``N x F`` matrix (no noisy copy of the features, no noise matrix) is ever held;
* propagation runs on the whole hypergraph through the two-stage sparse operator (vertex -> hyperedge ->
  vertex, O(nnz) per channel), so the only full-size tensors are the layer outputs, ``N x H`` and
  ``N x C``, and one ``M x H`` hyperedge message: linear in N and M, never ``N x N`` or ``N x M``.

So the memory bound is ``O(chunk_size * F + N * H + M * H + nnz)`` on top of the features themselves.
The outputs equal a full-batch eval forward up to float rounding (tested to 1e-5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill.losses import entropy, soft_labels
from hyperdistill.distill.reliability import MEASURES
from hyperdistill.errors import ConfigError
from hyperdistill.models.stack import ConvStack
from hyperdistill.nn.conv.base import PropagationConv

#: ``(start, stop) -> rows start:stop of a layer's input``, so the input need not exist as one tensor.
RowSource = Callable[[int, int], Tensor]
DEFAULT_CHUNK = 65_536


@dataclass(frozen=True)
class TeacherOutputs:
    """A teacher's eval-mode outputs for every vertex.

    Shapes:
        - logits: ``(N, C)``
        - hidden: ``(N, H)``, the input of the last convolution (``None`` for a one-layer teacher)
    """

    logits: Tensor
    hidden: Tensor | None


def check_chunkable(teacher: nn.Module) -> list[PropagationConv]:
    """The convolutions of a teacher that the chunked path can run, or a ConfigError saying why not."""
    convs = list(getattr(teacher, "convs", []))
    if not isinstance(teacher, ConvStack) or not all(isinstance(c, PropagationConv) for c in convs):
        raise ConfigError(
            f"the scale path runs stacks of linear-then-propagate convolutions (hgnn, hgnnp, unigcn, ...); "
            f"{type(teacher).__name__} is not one. Choose teacher 'hgnn' or 'hgnnp'"
        )
    return convs


@torch.no_grad()
def teacher_forward(
    teacher: nn.Module, rows: RowSource | Tensor, hypergraph: Hypergraph, chunk_size: int = DEFAULT_CHUNK
) -> TeacherOutputs:
    """Eval-mode logits (and last hidden state) of a conv-stack teacher, input products in chunks.

    Args:
        teacher: A :class:`ConvStack` of :class:`PropagationConv` layers (HGNN, HGNN+, ...).
        rows: The input features ``(N, F)``, or a :data:`RowSource` producing them chunk by chunk.
        hypergraph: The structure the teacher runs on (N vertices).
        chunk_size: Rows per dense product.
    """
    convs = check_chunkable(teacher)
    teacher.eval()
    source: RowSource = _slicer(rows) if isinstance(rows, Tensor) else rows
    n = hypergraph.num_nodes
    structure = cast(ConvStack, teacher).propagation_structure(hypergraph)
    hidden: Tensor | None = None
    out = torch.empty(0)
    for position, conv in enumerate(convs):
        projected = torch.empty(n, conv.out_channels)
        for start in range(0, n, chunk_size):
            stop = min(start + chunk_size, n)
            projected[start:stop] = conv.lin(source(start, stop))
        out = conv.propagate(projected, structure)
        del projected
        if conv.bias is not None:
            out += conv.bias
        if position < len(convs) - 1:
            hidden = out.relu_()
            source = _slicer(hidden)
    return TeacherOutputs(out, hidden)


@torch.no_grad()
def chunked_reliability(
    teacher: nn.Module,
    features: Tensor,
    hypergraph: Hypergraph,
    generator: torch.Generator,
    clean_logits: Tensor | None = None,
    tau: float = 1.0,
    sigma: float = 1.0,
    num_draws: int = 1,
    measure: str = "entropy",
    chunk_size: int = DEFAULT_CHUNK,
    noise: Callable[[int, int], Tensor] | None = None,
) -> Tensor:
    r"""LightHGNN+ hyperedge reliability :math:`\rho_e` (``(M,)``) without an ``N x F`` noise matrix.

    Same definition as :func:`hyperdistill.distill.reliability.hyperedge_reliability`; the multiplicative
    noise ``X (1 + eps)`` is drawn and applied one chunk of rows at a time inside the teacher's first
    product. Draws are taken from ``generator`` chunk by chunk, so for a given seed the noise depends on
    ``chunk_size``; pass ``noise`` (``(start, stop) -> (stop - start, F)`` standard-normal rows) to supply it.

    Args:
        teacher, features, hypergraph: As :func:`teacher_forward`.
        generator: Source of the noise (unused when ``noise`` is given).
        clean_logits: The teacher's logits on the clean features ``(N, C)`` if already computed.
        tau, sigma, num_draws, measure: As the full-batch function.
        chunk_size: Rows per dense product and per noise draw.
        noise: Optional source of the standard-normal draws.
    """
    if measure not in MEASURES:
        raise ConfigError(f"unknown reliability measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if num_draws < 1:
        raise ConfigError(f"num_draws must be >= 1, got {num_draws}")
    if clean_logits is None:
        clean_logits = teacher_forward(teacher, features, hypergraph, chunk_size).logits
    v2e = hypergraph.v2e_mean()
    probs = soft_labels(clean_logits, tau)
    draw = noise or (lambda a, b: torch.randn((b - a, features.size(1)), generator=generator))

    def perturbed(start: int, stop: int) -> Tensor:
        return features[start:stop] * (1 + draw(start, stop) * sigma)

    delta = torch.zeros(hypergraph.num_edges)
    for _ in range(num_draws):
        noisy = soft_labels(teacher_forward(teacher, perturbed, hypergraph, chunk_size).logits, tau)
        delta += edge_shift(v2e, probs, noisy, measure)
        del noisy
    delta /= num_draws
    top = delta.max() if delta.numel() else torch.tensor(0.0)
    if top <= 0:
        return torch.ones(hypergraph.num_edges)
    return 1 - delta / top


def edge_shift(v2e: Tensor, probs: Tensor, noisy: Tensor, measure: str) -> Tensor:
    """Per-hyperedge shift ``Delta_e`` between clean and noisy soft labels (entropy or KL), ``(M,)``."""
    if measure == "entropy":  # the full-batch order of operations, so both agree to float rounding
        clean_h, noisy_h = v2e @ entropy(probs).unsqueeze(1), v2e @ entropy(noisy).unsqueeze(1)
        return (noisy_h - clean_h).abs().squeeze(1)
    p_e, p_tilde_e = v2e @ probs, v2e @ noisy
    return (torch.special.xlogy(p_e, p_e) - torch.special.xlogy(p_e, p_tilde_e)).sum(dim=1).clamp_min(0)


@torch.no_grad()
def chunked_logits(model: nn.Module, features: Tensor, chunk_size: int = DEFAULT_CHUNK) -> Tensor:
    """Eval-mode outputs of a structure-free model (the MLP student), ``(N, F) -> (N, C)`` by chunks."""
    model.eval()
    blocks = [model(features[start : start + chunk_size]) for start in range(0, features.size(0), chunk_size)]
    return torch.cat(blocks) if blocks else torch.zeros(0)


@torch.no_grad()
def normalize_rows_(features: Tensor, chunk_size: int = DEFAULT_CHUNK) -> Tensor:
    """Row-L1 normalisation in place, by chunks (rows of zeros stay zero); returns ``features``.

    The same transform as ``normalize_features(x, "row_l1")`` without a normalised copy of ``(N, F)``.
    """
    for start in range(0, features.size(0), chunk_size):
        block = features[start : start + chunk_size]
        norm = block.abs().sum(dim=1, keepdim=True)
        block /= torch.where(norm == 0, torch.ones_like(norm), norm)
    return features


def _slicer(tensor: Tensor) -> RowSource:
    return lambda start, stop: tensor[start:stop]
