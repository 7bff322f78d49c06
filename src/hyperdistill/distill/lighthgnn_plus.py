"""LightHGNN+ (Feng et al., ICLR 2024): soft labels plus high-order KD on reliably sampled hyperedges."""

from __future__ import annotations

import torch
from torch import Tensor

from hyperdistill.distill.base import DISTILLERS, DistillContext
from hyperdistill.distill.lighthgnn import LightHGNN
from hyperdistill.distill.reliability import hyperedge_reliability
from hyperdistill.errors import ConfigError

SAMPLING = ("reliability", "uniform", "all")


@DISTILLERS.register("lighthgnn_plus")
class LightHGNNPlus(LightHGNN):
    r"""Topology-aware distillation.

    .. math::
        L = \lambda\,\mathrm{CE} + (1-\lambda)\,\tau^2\big(L_{KD} + \beta\, L_{HC}\big),\quad
        L_{HC} = \mathrm{mean}_{e \in S}\, \mathrm{KL}(p_e \,\|\, q_e)

    where every epoch each hyperedge enters S independently with probability :math:`\rho_e` (its
    reliability, :func:`~hyperdistill.distill.reliability.hyperedge_reliability`), and
    :math:`p_e`, :math:`q_e` are the means of the members' teacher and student distributions (gradients reach
    every member).

    Args:
        lam, tau, kl: As :class:`LightHGNN`.
        beta: Weight of the hyperedge term.
        sigma: Noise scale of the reliability perturbation.
        num_draws: Noise draws averaged in the reliability (the paper: 1).
        sampling: ``"reliability"`` (the paper), ``"uniform"`` (every hyperedge with the mean reliability, the
            same expected count) or ``"all"`` (every hyperedge, every epoch): the sampling ablations.
        measure: Reliability shift measure, ``"entropy"`` (the paper) or ``"kl"``.
        singletons: Whether one-vertex hyperedges (which only repeat the vertex term) enter ``L_HC``.
    """

    def __init__(
        self,
        lam: float = 0.0,
        tau: float = 1.0,
        kl: str = "correct",
        beta: float = 1.0,
        sigma: float = 1.0,
        num_draws: int = 1,
        sampling: str = "reliability",
        measure: str = "entropy",
        singletons: bool = True,
    ) -> None:
        super().__init__(lam=lam, tau=tau, kl=kl)
        if sampling not in SAMPLING:
            raise ConfigError(f"unknown sampling {sampling!r}; choose one of {', '.join(SAMPLING)}")
        if beta < 0:
            raise ConfigError(f"beta must be >= 0, got {beta}")
        self.beta = beta
        self.sigma = sigma
        self.num_draws = num_draws
        self.sampling = sampling
        self.measure = measure
        self.singletons = singletons

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        super().prepare(context, generator)
        if context.teacher is None:
            raise ConfigError("lighthgnn_plus needs the trained teacher to score hyperedge reliability")
        hypergraph = context.hypergraph
        self.reliability = hyperedge_reliability(
            context.teacher,
            context.features,
            hypergraph,
            generator,
            tau=self.tau,
            sigma=self.sigma,
            num_draws=self.num_draws,
            measure=self.measure,
        )
        eligible = torch.ones(hypergraph.num_edges, dtype=torch.bool)
        if not self.singletons:
            eligible &= hypergraph.edge_sizes() > 1
        if self.sampling == "reliability":
            prob = self.reliability
        elif self.sampling == "uniform":
            mean = self.reliability[eligible].mean() if bool(eligible.any()) else torch.tensor(0.0)
            prob = torch.full_like(self.reliability, float(mean))
        else:
            prob = torch.ones_like(self.reliability)
        self.sample_prob = torch.where(eligible, prob, torch.zeros_like(prob))
        self.v2e = hypergraph.v2e_mean()
        self.edge_soft_labels = self.v2e @ self.soft_labels

    def loss(self, student_logits: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        ce, kd = self.kd_terms(student_logits)
        sampled = torch.rand(self.sample_prob.shape, generator=generator) < self.sample_prob
        if bool(sampled.any()):
            q_edge = self.v2e @ torch.softmax(student_logits / self.tau, dim=-1)
            log_q_edge = q_edge[sampled].clamp_min(torch.finfo(q_edge.dtype).tiny).log()
            hc = self._kl(self.edge_soft_labels[sampled], log_q_edge) * self.tau**2
        else:
            hc = student_logits.sum() * 0.0
        loss = self.lam * ce + (1 - self.lam) * (kd + self.beta * hc)
        return {"loss": loss, "ce": ce, "kd": kd, "hc": hc, "sampled": sampled.float().mean()}
