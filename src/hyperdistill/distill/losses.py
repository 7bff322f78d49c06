"""Distillation losses: soft labels, the correct KL, and the KL behaviour of the published LightHGNN code."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor
from torch.nn import functional as F

from hyperdistill.errors import ConfigError


def soft_labels(logits: Tensor, tau: float = 1.0) -> Tensor:
    """Teacher soft labels ``softmax(logits / tau)``, ``(N, C)`` -> ``(N, C)``."""
    return torch.softmax(logits / tau, dim=-1)


def kl_divergence(target: Tensor, log_probs: Tensor) -> Tensor:
    r"""Mean over rows of :math:`\mathrm{KL}(p \,\|\, q) = \sum_c p_c (\log p_c - \log q_c)`.

    ``0 log 0`` counts as 0. Minimised (at 0) exactly where ``q = p``.

    Shapes:
        - target: ``(B, C)`` probabilities p
        - log_probs: ``(B, C)`` log-probabilities log q
        - output: scalar
    """
    return F.kl_div(log_probs, target, reduction="batchmean")


def published_kl(target: Tensor, log_probs: Tensor) -> Tensor:
    r"""The KD term as the public LightHGNN code computes it: probabilities passed as log-targets.

    ``kl_div(log q, p, log_target=True)`` reads the probabilities ``p`` as log-probabilities, giving
    :math:`\sum_c e^{p_c} (p_c - \log q_c)` per row; over the simplex this is minimised at
    ``q = softmax(p)``, a much flatter distribution than ``p`` (argmax kept, calibration lost). Kept only
    to reproduce and ablate the published behaviour.

    Shapes:
        - target: ``(B, C)`` probabilities p
        - log_probs: ``(B, C)`` log-probabilities log q
        - output: scalar
    """
    return F.kl_div(log_probs, target, reduction="batchmean", log_target=True)


KL_VARIANTS: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "correct": kl_divergence,
    "published": published_kl,
}


def kl_variant(name: str) -> Callable[[Tensor, Tensor], Tensor]:
    """The KL function called ``name`` ("correct" or "published")."""
    try:
        return KL_VARIANTS[name]
    except KeyError:
        raise ConfigError(f"unknown kl {name!r}; choose 'correct' or 'published'") from None


def entropy(probs: Tensor) -> Tensor:
    """Shannon entropy per row (natural log, ``0 log 0 = 0``), ``(N, C)`` -> ``(N,)``."""
    return -torch.special.xlogy(probs, probs).sum(dim=-1)
