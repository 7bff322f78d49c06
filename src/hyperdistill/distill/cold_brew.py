"""Cold Brew (Zheng et al., ICLR 2022), simplified to a structure-free MLP student.

Paper: "Cold Brew: Distilling Graph Node Representations with Incomplete or Missing Neighborhoods",
https://arxiv.org/abs/2111.04840; code: https://github.com/amazon-research/gnn-tail-generalization.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from hyperdistill.distill.base import DISTILLERS
from hyperdistill.distill.gcrd import RepresentationDistiller
from hyperdistill.errors import ConfigError


def embedding_loss(student_embedding: Tensor, teacher_embedding: Tensor) -> Tensor:
    """Mean over rows of the squared distance between L2-normalised rows (``2 - 2 cos``), in [0, 4].

    Shapes:
        - student_embedding, teacher_embedding: ``(N, D)``; output: scalar
    """
    difference = F.normalize(student_embedding, dim=1) - F.normalize(teacher_embedding, dim=1)
    return (difference**2).sum(dim=1).mean()


@DISTILLERS.register("cold_brew")
class ColdBrew(RepresentationDistiller):
    r"""The student learns the teacher's node embeddings from features alone, for cold-start vertices.

    .. math::
        L = \lambda\,\mathrm{CE} + (1-\lambda)\,\tau^2\,\mathrm{mean}_v \mathrm{KL}(p_v \| q_v)
            + \beta\,\mathrm{mean}_v \big\| \widehat{W h^S_v + b} - \widehat{h^T_v} \big\|^2

    :math:`h^T_v` is the teacher's node embedding (its last hidden representation, or its logits for a
    teacher that exposes none), :math:`h^S_v` the student's last hidden representation, ``W, b`` a
    trainable linear head into the teacher's space, and the hats L2-normalise rows (as the FitNet loss of
    Joshi et al.'s code): the teacher's embedding scale is arbitrary, and matching raw values would turn
    the term into a penalty on the student's activations whenever it is small.

    What Cold Brew does and what is kept: its student is an MLP trained to reproduce, from a vertex's
    features only, the node embedding of the teacher, so that a strict-cold-start vertex (no links) gets
    an embedding close to what the teacher would have given it. That embedding-matching term is kept,
    with the soft-label term of GLNN for the classifier on top.

    Simplified (the student here must stay a plain MLP reading ``x_v`` only):

    - no Structural Embedding in the teacher: Cold Brew trains its GNN teacher with an extra learnable
      per-vertex embedding so that its node embeddings carry structure that features cannot; here the
      teacher is used as trained, and its hidden representation is the target;
    - no latent-neighbourhood discovery at inference: Cold Brew's student finds "virtual neighbours"
      among the training vertices by embedding similarity and aggregates them before its classifier;
      here the student's own output is the prediction (no access to other vertices at inference);
    - the two student MLPs of the paper (features -> embedding, embedding -> label) are the hidden layers
      and the last layer of the one MLP; rows are normalised in the matching term; the defaults
      (``beta = 1``, ``lam = 0``, ``tau = 1``) are this project's, not the paper's.

    Args:
        lam, tau: As :class:`~hyperdistill.distill.lighthgnn.LightHGNN` (correct KL).
        beta: Weight of the embedding-matching term.
    """

    def __init__(self, lam: float = 0.0, tau: float = 1.0, beta: float = 1.0) -> None:
        super().__init__(lam=lam, tau=tau)
        if beta < 0:
            raise ConfigError(f"beta must be >= 0, got {beta}")
        self.beta = beta

    def build_heads(self, teacher_width: int) -> nn.Module:
        return nn.LazyLinear(teacher_width)

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        inputs = self.student_inputs(self.context.features, self.context.hypergraph)
        logits, hidden = self.student_logits_and_hidden(student, inputs)
        terms = self.loss(logits, generator)
        embedding = embedding_loss(self.project(self.heads, hidden), self.teacher_representation)
        return {**terms, "loss": terms["loss"] + self.beta * embedding, "embedding": embedding}
