"""Hyperedge reliability (LightHGNN+): how far a hyperedge's teacher view moves under feature noise."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill.losses import entropy, soft_labels
from hyperdistill.errors import ConfigError

MEASURES = ("entropy", "kl")


@torch.no_grad()
def hyperedge_reliability(
    teacher: Callable[[Tensor], Tensor],
    features: Tensor,
    hypergraph: Hypergraph,
    generator: torch.Generator,
    tau: float = 1.0,
    sigma: float = 1.0,
    num_draws: int = 1,
    measure: str = "entropy",
) -> Tensor:
    r"""Reliability :math:`\rho_e \in [0, 1]` of every hyperedge.

    With ``measure="entropy"`` (the paper): :math:`h_v` is the entropy of the teacher's soft label,
    :math:`\tilde h_v` the same after perturbing the features once, :math:`X(1 + \epsilon)`,
    :math:`\epsilon \sim N(0, \sigma^2)` elementwise (zero entries stay zero);
    :math:`\Delta_e = |\mathrm{mean}_{v \in e} \tilde h_v - \mathrm{mean}_{v \in e} h_v|` and
    :math:`\rho_e = 1 - \Delta_e / \max_e \Delta_e`. ``measure="kl"`` uses
    :math:`\Delta_e = \mathrm{KL}(p_e \| \tilde p_e)` on hyperedge-mean soft labels instead. With
    ``num_draws > 1``, :math:`\Delta_e` is averaged over independent draws.

    Args:
        teacher: Trained teacher, features ``(N, F)`` -> logits ``(N, C)``, in eval mode.
        features: The features the teacher was trained on, ``(N, F)``.
        hypergraph: The structure the teacher ran on (N vertices, M hyperedges).
        generator: Source of the feature noise.
        tau: Temperature of the soft labels.
        sigma: Standard deviation of the multiplicative noise.
        num_draws: Number of independent noise draws to average.
        measure: ``"entropy"`` or ``"kl"``.

    Returns:
        ``(M,)`` reliabilities; all ones when no hyperedge moved.
    """
    if measure not in MEASURES:
        raise ConfigError(f"unknown reliability measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if num_draws < 1:
        raise ConfigError(f"num_draws must be >= 1, got {num_draws}")
    v2e = hypergraph.v2e_mean()
    probs = soft_labels(teacher(features), tau)
    delta = torch.zeros(hypergraph.num_edges)
    for _ in range(num_draws):
        noise = torch.randn(features.shape, generator=generator) * sigma
        noisy = soft_labels(teacher(features * (1 + noise)), tau)
        delta += _edge_shift(v2e, probs, noisy, measure)
    delta /= num_draws
    top = delta.max() if delta.numel() else torch.tensor(0.0)
    if top <= 0:
        return torch.ones(hypergraph.num_edges)
    return 1 - delta / top


def _edge_shift(v2e: Tensor, probs: Tensor, noisy: Tensor, measure: str) -> Tensor:
    if measure == "entropy":
        clean_h = v2e @ entropy(probs).unsqueeze(1)
        noisy_h = v2e @ entropy(noisy).unsqueeze(1)
        return (noisy_h - clean_h).abs().squeeze(1)
    p_e, p_tilde_e = v2e @ probs, v2e @ noisy
    return (torch.special.xlogy(p_e, p_e) - torch.special.xlogy(p_e, p_tilde_e)).sum(dim=1).clamp_min(0)
