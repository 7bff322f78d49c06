"""G-CRD (Joshi et al., IEEE TNNLS 2022): contrastive representation distillation, plus soft labels.

Paper: "On Representation Knowledge Distillation for Graph Neural Networks", https://arxiv.org/abs/2111.04964;
code: https://github.com/chaitjo/efficient-gnns (``nce_criterion`` in ``arxiv_pyg/criterion.py``).

Also home of :class:`RepresentationDistiller`, the shared base of the methods that distil hidden
representations through projection heads (G-CRD, Cold Brew, NOSMOG).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.parameter import is_lazy

from hyperdistill.distill.base import DISTILLERS, DistillContext
from hyperdistill.distill.lighthgnn import LightHGNN
from hyperdistill.errors import ConfigError


def seeded_module(build: Callable[[], nn.Module], seed: int) -> nn.Module:
    """``build()`` under torch's global RNG seeded to ``seed``, restored afterwards (deterministic heads)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def info_nce(student_embedding: Tensor, teacher_embedding: Tensor, temperature: float) -> Tensor:
    r"""G-CRD's contrastive loss: vertex i's student embedding must pick its own teacher embedding.

    .. math::
        L = -\mathrm{mean}_i \log
            \frac{\exp(\hat s_i \cdot \hat t_i / T)}{\sum_j \exp(\hat s_i \cdot \hat t_j / T)}

    with :math:`\hat s, \hat t` the L2-normalised rows; every other vertex of the batch is a negative.

    Shapes:
        - student_embedding, teacher_embedding: ``(B, D)``
        - output: scalar
    """
    s = F.normalize(student_embedding, dim=1)
    t = F.normalize(teacher_embedding, dim=1)
    logits = s @ t.T / temperature
    return F.cross_entropy(logits, torch.arange(s.size(0)))


class RepresentationDistiller(LightHGNN):
    """Soft-label KD (:class:`LightHGNN`'s vertex term) plus a term on hidden representations.

    The teacher's representation is ``context.teacher_hidden`` (the input of its last layer), or its logits
    for a teacher that exposes none. Subclasses define :meth:`build_heads` (projection heads, trained with
    the student through :meth:`extra_parameters`) and an ``objective`` that applies them with
    :meth:`project`.

    The heads are built in :meth:`prepare`, before the student exists, so the layers that read the
    student's hidden representation are ``nn.LazyLinear``: their input width is fixed by the first batch.
    All their weights are drawn from a seed taken from the ``prepare`` generator (deterministic, and the
    global RNG that drives dropout is left untouched).
    """

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        super().prepare(context, generator)
        representation = context.teacher_hidden
        if representation is None:
            representation = context.teacher_logits
        assert representation is not None  # LightHGNN.prepare checked for a teacher
        self.teacher_representation = representation.detach()
        self.head_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
        width = self.teacher_representation.size(1)
        self.heads = seeded_module(lambda: self.build_heads(width), self.head_seed)

    def build_heads(self, teacher_width: int) -> nn.Module:
        """The projection heads (student-side input layers lazy) for a teacher of this width."""
        raise NotImplementedError

    def extra_parameters(self) -> list[nn.Parameter]:
        """The heads' parameters, optimised with the student's (empty before :meth:`prepare`)."""
        heads = getattr(self, "heads", None)
        return [] if heads is None else list(heads.parameters())

    def project(self, head: nn.Module, x: Tensor) -> Tensor:
        """``head(x)`` in training mode; the first call initialises its lazy layers from the head seed."""
        head.train()
        if not any(is_lazy(p) for p in head.parameters()):
            return head(x)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.head_seed + 1)
            return head(x)

    def student_logits_and_hidden(self, student: nn.Module, inputs: Tensor) -> tuple[Tensor, Tensor]:
        """``student.forward_with_hidden(inputs)``, with a clear error for students without it."""
        forward = getattr(student, "forward_with_hidden", None)
        if forward is None:
            raise ConfigError(
                f"{type(self).__name__} distils hidden representations and needs a student with "
                f"forward_with_hidden(x) -> (logits, hidden); {type(student).__name__} has none"
            )
        logits, hidden = forward(inputs)
        return logits, hidden


def _projection(in_width: int | None, out_width: int) -> nn.Sequential:
    """``Linear -> BatchNorm -> ReLU`` (G-CRD's heads); lazy input width when ``in_width`` is None."""
    linear = nn.LazyLinear(out_width) if in_width is None else nn.Linear(in_width, out_width)
    return nn.Sequential(linear, nn.BatchNorm1d(out_width), nn.ReLU())


@DISTILLERS.register("gcrd")
class GCRD(RepresentationDistiller):
    r"""Graph contrastive representation distillation (G-CRD) into an MLP.

    .. math::
        L = \lambda\,\mathrm{CE} + (1-\lambda)\,\tau^2\,\mathrm{mean}_v \mathrm{KL}(p_v \| q_v)
            + \beta\, L_{NCE}\big(g_s(h^S_B),\, g_t(h^T_B)\big)

    where :math:`h^S, h^T` are the student's and teacher's hidden representations, :math:`g_s, g_t` trainable
    heads ``Linear -> BatchNorm -> ReLU`` into a shared space of width ``projection_dim`` (as in the
    G-CRD code), and :math:`L_{NCE}` is :func:`info_nce` on a batch B of at most ``max_samples`` vertices
    drawn each epoch: the positive of a vertex is its own teacher representation, the negatives are the
    other vertices of the batch.

    Defaults from the G-CRD code (``arxiv_pyg/gnn_kd_and_aux.py``): ``beta = 0.5``, ``nce_tau = 0.075``,
    ``max_samples = 8192``, ``projection_dim = 256``. Deviation: the soft-label part uses this project's
    KD defaults (``lam = 0``, ``tau = 1``, over every teacher-labelled vertex, as GLNN) instead of that
    code's ``alpha = 0.9, T = 4`` on the training vertices (pass ``lam=0.1, tau=4`` for those), so that
    ``gcrd`` differs from ``glnn`` by the contrastive term only. G-CRD distils GNN into GNN; here the
    student is the MLP, and its representation is the input of its last layer.

    Args:
        lam, tau: As :class:`~hyperdistill.distill.lighthgnn.LightHGNN` (correct KL).
        beta: Weight of the contrastive term.
        nce_tau: Temperature of the contrastive softmax.
        projection_dim: Width of the shared projection space.
        max_samples: Largest contrastive batch (the loss is quadratic in it).
    """

    def __init__(
        self,
        lam: float = 0.0,
        tau: float = 1.0,
        beta: float = 0.5,
        nce_tau: float = 0.075,
        projection_dim: int = 256,
        max_samples: int = 8192,
    ) -> None:
        super().__init__(lam=lam, tau=tau)
        if beta < 0 or nce_tau <= 0 or projection_dim < 1 or max_samples < 2:
            raise ConfigError(
                "gcrd needs beta >= 0, nce_tau > 0, projection_dim >= 1 and max_samples >= 2; got "
                f"beta={beta}, nce_tau={nce_tau}, projection_dim={projection_dim}, max_samples={max_samples}"
            )
        self.beta = beta
        self.nce_tau = nce_tau
        self.projection_dim = projection_dim
        self.max_samples = max_samples

    def build_heads(self, teacher_width: int) -> nn.Module:
        return nn.ModuleDict(
            {
                "student": _projection(None, self.projection_dim),
                "teacher": _projection(teacher_width, self.projection_dim),
            }
        )

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        inputs = self.student_inputs(self.context.features, self.context.hypergraph)
        logits, hidden = self.student_logits_and_hidden(student, inputs)
        terms = self.loss(logits, generator)
        heads = cast(nn.ModuleDict, self.heads)
        batch = torch.randperm(hidden.size(0), generator=generator)[: self.max_samples]
        nce = info_nce(
            self.project(heads["student"], hidden[batch]),
            self.project(heads["teacher"], self.teacher_representation[batch]),
            self.nce_tau,
        )
        return {**terms, "loss": terms["loss"] + self.beta * nce, "nce": nce}
