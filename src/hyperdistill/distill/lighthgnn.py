"""LightHGNN (Feng et al., ICLR 2024): soft-label distillation of a hypergraph teacher (= GLNN)."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from hyperdistill.distill.base import DISTILLERS, DistillContext, Distiller
from hyperdistill.distill.losses import kl_variant, soft_labels
from hyperdistill.errors import ConfigError


@DISTILLERS.register("lighthgnn")
class LightHGNN(Distiller):
    r"""Soft-label knowledge distillation.

    .. math::
        L = \lambda\, \mathrm{CE}(\text{train}) + (1 - \lambda)\, \tau^2 \,
            \mathrm{mean}_v \mathrm{KL}(p_v \,\|\, q_v),\quad p = \mathrm{softmax}(z/\tau),\;
            q = \mathrm{softmax}(s/\tau)

    over every vertex the teacher labelled.

    Args:
        lam: Weight of the cross-entropy on true labels (0: soft labels only, the paper's default).
        tau: Distillation temperature.
        kl: ``"correct"`` KL, or ``"published"`` to reproduce the public code's probabilities-as-log-target
            behaviour (see :func:`hyperdistill.distill.losses.published_kl`).
    """

    def __init__(self, lam: float = 0.0, tau: float = 1.0, kl: str = "correct") -> None:
        if not 0.0 <= lam <= 1.0:
            raise ConfigError(f"lam must be in [0, 1], got {lam}")
        if tau <= 0:
            raise ConfigError(f"tau must be positive, got {tau}")
        kl_variant(kl)  # fail early on an unknown name
        self.lam = lam
        self.tau = tau
        self.kl = kl

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        super().prepare(context, generator)
        if context.teacher_logits is None:
            raise ConfigError(f"{type(self).__name__} needs a teacher; none was trained")
        self.soft_labels = soft_labels(context.teacher_logits, self.tau)
        self._kl = kl_variant(self.kl)

    def kd_terms(self, student_logits: Tensor) -> tuple[Tensor, Tensor]:
        """Cross-entropy on the train vertices and the vertex-level KD term (already scaled by tau^2)."""
        ce = F.cross_entropy(student_logits[self.context.train_index], self.context.train_labels)
        log_q = torch.log_softmax(student_logits / self.tau, dim=-1)
        kd = self._kl(self.soft_labels, log_q) * self.tau**2
        return ce, kd

    def loss(self, student_logits: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        ce, kd = self.kd_terms(student_logits)
        return {"loss": self.lam * ce + (1 - self.lam) * kd, "ce": ce, "kd": kd}
