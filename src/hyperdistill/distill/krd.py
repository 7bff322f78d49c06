"""KRD (Wu et al., ICML 2023): knowledge-inspired reliable distillation of a graph teacher into an MLP.

Paper: "Quantifying the Knowledge in GNNs for Reliable Distillation into MLPs",
https://arxiv.org/abs/2306.05628; code: https://github.com/LirongWu/KRD.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import torch
from scipy.optimize import curve_fit
from torch import Tensor, nn
from torch.nn import functional as F

from hyperdistill.distill.base import DISTILLERS, DistillContext
from hyperdistill.distill.lighthgnn import LightHGNN
from hyperdistill.distill.losses import entropy
from hyperdistill.errors import ConfigError
from hyperdistill.nn.operators import csr


@torch.no_grad()
def knowledge_uncertainty(
    teacher: Callable[[Tensor], Tensor], features: Tensor, generator: torch.Generator, sigma: float = 1.0
) -> Tensor:
    r"""KRD's per-vertex uncertainty :math:`\delta_v \in [0, 1]` of the teacher's knowledge.

    :math:`\delta_v = |H(\mathrm{softmax}(f(X + \epsilon)))_v - H(\mathrm{softmax}(f(X)))_v|`, divided by
    its maximum, with additive noise :math:`\epsilon \sim N(0, \sigma^2)` (KRD's ``Com_KD_Prob``); small
    means reliable. All zeros when no vertex moved.

    Shapes:
        - features: ``(N, F)``; output ``(N,)``
    """
    clean = entropy(torch.softmax(teacher(features), dim=-1))
    noise = torch.randn(features.shape, generator=generator) * sigma
    delta = (entropy(torch.softmax(teacher(features + noise), dim=-1)) - clean).abs()
    top = delta.max() if delta.numel() else torch.tensor(0.0)
    return delta / top if top > 0 else torch.zeros_like(delta)


def fit_power(uncertainty: Tensor, agree: Tensor, num_bins: int, start: float) -> float | None:
    r"""Fit KRD's sampling curve :math:`1 - \delta^\alpha` to how often student and teacher agree.

    Vertices are binned by uncertainty; per non-empty bin, the share whose student prediction equals the
    teacher's, min-max normalised, is fitted by least squares at the bin centres. None when there is
    nothing to fit (fewer than two bins, no spread) or the fit fails.

    Shapes:
        - uncertainty: ``(N,)`` in [0, 1]; agree: ``(N,)`` bool
    """
    bins = (uncertainty * num_bins).long().clamp(0, num_bins - 1)
    total = torch.bincount(bins, minlength=num_bins).double()
    hits = torch.bincount(bins[agree], minlength=num_bins).double()
    filled = total > 0
    share = hits[filled] / total[filled]
    if int(filled.sum()) < 2 or share.max() <= share.min():
        return None
    share = (share - share.min()) / (share.max() - share.min())
    centres = ((torch.arange(num_bins, dtype=torch.float64) + 0.5) / num_bins)[filled]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            (power,), _ = curve_fit(lambda x, a: 1 - x**a, centres.numpy(), share.numpy(), p0=[start])
        except (RuntimeError, ValueError):
            return None
    return float(power) if math.isfinite(power) and power > 0 else None


@DISTILLERS.register("krd")
class KRD(LightHGNN):
    r"""Reliable-knowledge distillation: soft labels from the vertex and from its reliable neighbours.

    .. math::
        L = \lambda\,\mathrm{CE} + (1-\lambda)\,
            \frac{\sum_{(i,j) \in S} \mathrm{KL}(p_j \,\|\, q_i)}{|S|},\quad
        S = \{(i, i)\} \cup \{(i, j) : j \in N(i),\ j \text{ sampled}\}

    with :math:`p = \mathrm{softmax}(z/\tau)` (teacher), :math:`q = \mathrm{softmax}(s/\tau)` (student) and
    N(i) the vertices sharing a hyperedge with i (the clique expansion). Every epoch each vertex j is
    sampled as a knowledge point with probability :math:`1 - \delta_j^\alpha`
    (:func:`knowledge_uncertainty`). The power :math:`\alpha` follows the data: each epoch it is refitted
    (:func:`fit_power`) to the share of vertices on which the student (eval mode) already agrees with
    the teacher, per uncertainty bin, and updated with momentum :math:`\alpha \leftarrow m\alpha +
    (1-m)\hat\alpha`; as the student learns, :math:`\alpha` grows and so do the sampling probabilities.
    During the first ``warmup`` epochs every neighbour is used.

    Defaults from the KRD code: ``sigma = 1`` (``noise_level``), ``init_power = 1``, ``momentum = 0.99``
    and ``num_bins = 50`` (``param/best_parameters.json``, every dataset), ``warmup = 50``
    (``train_student``), ``lam = 0`` and ``tau = 1`` (its CLI defaults; the tuned values vary by dataset
    and teacher, e.g. Citeseer/GCN 0 and 0.9). Like the code, the KL is not multiplied by ``tau**2`` and a
    vertex always keeps its own soft label (its self-loop is never dropped).

    Deviations: neighbours are hyperedge co-members (on a graph turned into a hypergraph this includes
    2-hop pairs through the neighbourhood hyperedges); the fit uses bin centres and skips empty bins
    (the code adds 0.05 to the left bin edges, a centre only for 10 bins, and counts empty bins as 0);
    one full-batch step per epoch. Memory is O(sum of squared hyperedge sizes) for the neighbour pairs.

    Args:
        lam: Weight of the cross-entropy on true labels.
        tau: Distillation temperature.
        sigma: Standard deviation of the additive feature noise for the uncertainty.
        init_power: Initial power :math:`\alpha`.
        momentum: Momentum of the power update.
        num_bins: Uncertainty bins of the power fit.
        warmup: Epochs during which every neighbour is a knowledge point.
    """

    def __init__(
        self,
        lam: float = 0.0,
        tau: float = 1.0,
        sigma: float = 1.0,
        init_power: float = 1.0,
        momentum: float = 0.99,
        num_bins: int = 50,
        warmup: int = 50,
    ) -> None:
        super().__init__(lam=lam, tau=tau)
        if sigma < 0 or init_power <= 0 or not 0 <= momentum <= 1 or num_bins < 2 or warmup < 0:
            raise ConfigError(
                "krd needs sigma >= 0, init_power > 0, 0 <= momentum <= 1, num_bins >= 2, warmup >= 0; got "
                f"sigma={sigma}, init_power={init_power}, momentum={momentum}, num_bins={num_bins}, "
                f"warmup={warmup}"
            )
        self.sigma = sigma
        self.init_power = init_power
        self.momentum = momentum
        self.num_bins = num_bins
        self.warmup = warmup

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        super().prepare(context, generator)
        if context.teacher is None or context.teacher_logits is None:
            raise ConfigError("krd needs the trained teacher to measure the reliability of its knowledge")
        self.uncertainty = knowledge_uncertainty(context.teacher, context.features, generator, self.sigma)
        n = context.features.size(0)
        pairs = context.hypergraph.clique_expansion(self_loops=False)  # row: student i, column: teacher j
        self.neighbours = csr(pairs[0], pairs[1], torch.ones(pairs.size(1)), (n, n))
        self.degree = torch.bincount(pairs[1], minlength=n).float()
        self.neg_entropy = -entropy(self.soft_labels)
        self.teacher_prediction = context.teacher_logits.argmax(dim=1)
        self.power = self.init_power
        self.epoch = 0

    def sampling_probability(self) -> Tensor:
        """Probability of each vertex to be a knowledge point this epoch, ``(N,)``."""
        return 1 - self.uncertainty**self.power

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        inputs = self.student_inputs(self.context.features, self.context.hypergraph)
        if self.epoch >= self.warmup:
            self.update_power(student, inputs)
        terms = self.loss(student(inputs), generator)
        self.epoch += 1
        return terms

    def update_power(self, student: nn.Module, inputs: Tensor) -> None:
        """Refit the power to the student's current (eval-mode) agreement with the teacher."""
        was_training = student.training
        student.eval()
        with torch.no_grad():
            agree = student(inputs).argmax(dim=1) == self.teacher_prediction
        student.train(was_training)
        fitted = fit_power(self.uncertainty, agree, self.num_bins, self.power)
        if fitted is not None:
            self.power = self.momentum * self.power + (1 - self.momentum) * fitted

    def loss(self, student_logits: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        ce = F.cross_entropy(student_logits[self.context.train_index], self.context.train_labels)
        if self.epoch < self.warmup:
            keep = torch.ones_like(self.uncertainty)
        else:
            keep = torch.bernoulli(self.sampling_probability(), generator=generator)
        kd = self.reliable_kd(student_logits, keep)
        loss = self.lam * ce + (1 - self.lam) * kd
        return {"loss": loss, "ce": ce, "kd": kd, "kept": keep.mean(), "power": torch.tensor(self.power)}

    def reliable_kd(self, student_logits: Tensor, keep: Tensor) -> Tensor:
        r"""Mean of :math:`\mathrm{KL}(p_j \| q_i)` over self pairs and neighbour pairs with ``keep[j] = 1``.

        Computed without materialising the pairs: the sum is
        :math:`\sum_j w_j \sum_c p_{jc}\log p_{jc} - \sum_i \sum_c T_{ic} \log q_{ic}` with
        :math:`T = P + A\,(\mathrm{keep} \odot P)` and :math:`w_j = 1 + \mathrm{keep}_j \deg_j`.

        Shapes:
            - student_logits: ``(N, C)``; keep: ``(N,)`` in {0, 1}; output: scalar
        """
        log_q = torch.log_softmax(student_logits / self.tau, dim=-1)
        target = self.soft_labels + self.neighbours @ (keep.unsqueeze(1) * self.soft_labels)
        weight = 1 + keep * self.degree
        total = (weight * self.neg_entropy).sum() - (target * log_q).sum()
        return total / weight.sum()
