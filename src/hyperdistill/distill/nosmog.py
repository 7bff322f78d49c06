"""NOSMOG (Tian et al., ICLR 2023): position features, representation similarity and adversarial features.

Paper: "Learning MLPs on Graphs: A Unified View of Effectiveness, Robustness, and Efficiency",
https://openreview.net/forum?id=Cs3r5KLdoj (arXiv:2208.10010); code: https://github.com/meettyj/NOSMOG.

**New vertices need their neighbours** under ``nosmog``: a vertex's position feature comes from the
structure, so a vertex that arrives after training gets the mean position feature of its known neighbours
(as NOSMOG does for inductive vertices), and one without links cannot be scored at all (zeros would be a
guess). ``nosmog_graph_free`` drops the position features and needs nothing but ``x_v``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill.base import DISTILLERS, DistillContext
from hyperdistill.distill.gcrd import RepresentationDistiller
from hyperdistill.errors import ConfigError


def position_features(hypergraph: Hypergraph, dim: int, steps: int, generator: torch.Generator) -> Tensor:
    r"""Random-walk position encoding: a random projection of the ``steps``-step walk co-occurrences.

    :math:`P = \mathrm{rownorm}\big(\tfrac{1}{K}\sum_{k=1}^{K} A^k R\big)` with :math:`A = D_v^{-1} H W
    D_e^{-1} H^T` the hypergraph random walk (vertex -> incident hyperedge -> member), :math:`R \sim
    N(0, 1)^{N \times d}` and rows L2-normalised. Stands in for NOSMOG's DeepWalk (which factorises
    windowed random-walk co-occurrences, Qiu et al. 2018): by Johnson-Lindenstrauss, inner products of rows
    of P approximate those of the co-occurrence matrix, so vertices with overlapping K-step neighbourhoods
    get close features (the FastRP construction, Chen et al. 2019). Chosen over a truncated
    eigen-decomposition because it needs only K sparse products (no eigensolver, no sign or rotation
    ambiguity in repeated eigenvalues, which every singleton component adds) and is deterministic given the
    generator. Vertices in no hyperedge get zeros.

    Shapes:
        - output: ``(N, dim)``
    """
    walk = hypergraph.hgnnp_operator()
    x = torch.randn(hypergraph.num_nodes, dim, generator=generator)
    total = torch.zeros_like(x)
    for _ in range(steps):
        x = walk(x)
        total += x
    return F.normalize(total / max(steps, 1), dim=1)


def neighbour_positions(hypergraph: Hypergraph, known: Tensor, known_positions: Tensor) -> Tensor:
    """Position features of every vertex of ``hypergraph``: stored for ``known``, neighbour means otherwise.

    A vertex not in ``known`` gets the mean position feature of the known vertices it shares a hyperedge
    with (counted once per shared hyperedge), NOSMOG's rule for inductive vertices; zeros without any.

    Shapes:
        - known: ``(K,)`` vertex ids of ``hypergraph``; known_positions: ``(K, d)``; output ``(N, d)``
    """
    n = hypergraph.num_nodes
    positions = torch.zeros(n, known_positions.size(1))
    positions[known] = known_positions
    is_known = torch.zeros(n, 1)
    is_known[known] = 1.0
    incidence = hypergraph.incidence_matrix()
    edge_sums = torch.sparse.mm(incidence.t(), torch.cat([positions, is_known], dim=1))
    vertex_sums = torch.sparse.mm(incidence, edge_sums)
    sums, counts = vertex_sums[:, :-1], vertex_sums[:, -1:]
    new = is_known.squeeze(1) == 0
    positions[new] = sums[new] / counts[new].clamp_min(1.0)
    return positions


def similarity_loss(student_representation: Tensor, teacher_representation: Tensor) -> Tensor:
    r"""NOSMOG's similarity distillation, :math:`\mathrm{mean}_{ij}(\hat t_i \hat t_j - \hat s_i \hat s_j)^2`.

    On L2-normalised rows (cosine similarities, the ``cosine`` kernel of Joshi et al.'s structure-preserving
    loss); NOSMOG compares raw dot products, whose scale is that of the teacher's hidden layer and turns
    the term into a penalty on the student's activations when the scales differ.

    Shapes:
        - student_representation: ``(B, D_s)``; teacher_representation: ``(B, D_t)``; output: scalar
    """
    teacher = F.normalize(teacher_representation, dim=1)
    student = F.normalize(student_representation, dim=1)
    return ((teacher @ teacher.T - student @ student.T) ** 2).mean()


@contextmanager
def preserved_buffers(module: nn.Module) -> Iterator[None]:
    """Restore ``module``'s buffers (BatchNorm running statistics) on exit."""
    saved = [buffer.clone() for buffer in module.buffers()]
    try:
        yield
    finally:
        for buffer, value in zip(module.buffers(), saved, strict=True):
            # Through .data: the restore must not bump the version autograd saved with the clean pass.
            buffer.data.copy_(value)


@DISTILLERS.register("nosmog")
class NOSMOG(RepresentationDistiller):
    r"""Soft labels + position features + representation similarity + adversarial feature augmentation.

    .. math::
        L = L_{KD}(x) + \alpha\, L_{KD}(x + \delta^*) + \mu\, L_{RSD}

    - Inputs: ``[x_v, P_v]`` with :math:`P` from :func:`position_features` (NOSMOG: DeepWalk), through
      :meth:`student_inputs`; for vertices of a larger hypergraph at inference, :func:`neighbour_positions`.
    - :math:`L_{KD} = \lambda\,\mathrm{CE} + (1-\lambda)\,\tau^2\,\mathrm{mean}_v \mathrm{KL}(p_v \| q_v)`.
    - :math:`L_{RSD}`: :func:`similarity_loss` between the teacher's hidden representation and
      ``g(h^S)`` (``g = ReLU(Linear)``, NOSMOG's ``encode_mlp4kd``) on ``sim_batch`` vertices drawn per
      epoch (NOSMOG: its mini-batches of 512).
    - :math:`\delta^*`: ``adv_steps`` steps of PGD ascent on :math:`L_{KD}`, step :math:`\epsilon / 4`,
      inside the box :math:`\|\delta\|_\infty \le \epsilon` from a uniform start (NOSMOG's
      ``get_PGD_inputs``), :math:`\epsilon` = ``adv_eps`` times the mean magnitude of the nonzero feature
      entries (NOSMOG's features are 0/1, so its ``adv_eps`` carries over to normalised features).

    Defaults from NOSMOG's ``tran.conf.yaml`` for Cora: ``position_dim = 64`` (``dw_emb_size``),
    ``walk_steps = 5`` (``dw_window_size``), ``sim_weight = 0.1`` (``feat_distill_weight``, also
    Citeseer's), ``adv_eps = 0.04`` (Citeseer 0.045), ``adv_weight = 0.1`` and ``adv_steps = 5`` (fixed in
    its code), ``lam = 0`` (its ``--lamb 1`` weights the soft-label step 1 and the label step 0).

    Deviations: cosine instead of raw similarities (see :func:`similarity_loss`); the position encoding
    (see :func:`position_features`), its rows scaled to the mean length of the feature rows (DeepWalk's
    scale is whatever word2vec gives); ``adv_eps`` relative to the feature scale; the teacher
    representation is the input of its last layer after the activation (NOSMOG: before it); ``g`` maps
    to the teacher's width (NOSMOG: hidden to hidden, the same width there) and has no dropout; one full
    batch per epoch for KD and PGD; BatchNorm running statistics are not updated by the adversarial
    passes (NOSMOG's MLP has no BatchNorm on Cora). ``g`` is trained with the student
    (:meth:`extra_parameters`).

    Args:
        lam, tau: As :class:`~hyperdistill.distill.lighthgnn.LightHGNN` (correct KL).
        position_dim: Width of the position features (0: none, see ``nosmog_graph_free``).
        walk_steps: Random-walk steps K of the position encoding.
        sim_weight: Weight :math:`\mu` of the representation similarity term.
        sim_batch: Vertices per epoch in the similarity term (the loss is quadratic in it).
        adv_weight: Weight :math:`\alpha` of the adversarial term (0 disables the augmentation).
        adv_eps: Radius of the feature perturbation, relative to the mean nonzero feature magnitude.
        adv_steps: PGD steps.
    """

    def __init__(
        self,
        lam: float = 0.0,
        tau: float = 1.0,
        position_dim: int = 64,
        walk_steps: int = 5,
        sim_weight: float = 0.1,
        sim_batch: int = 512,
        adv_weight: float = 0.1,
        adv_eps: float = 0.04,
        adv_steps: int = 5,
    ) -> None:
        super().__init__(lam=lam, tau=tau)
        checks = {
            "position_dim >= 0": position_dim >= 0,
            "walk_steps >= 1": walk_steps >= 1,
            "sim_weight >= 0": sim_weight >= 0,
            "sim_batch >= 2": sim_batch >= 2,
            "adv_weight >= 0": adv_weight >= 0,
            "adv_eps >= 0": adv_eps >= 0,
            "adv_steps >= 1": adv_steps >= 1,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            raise ConfigError(f"{type(self).__name__}: need {', '.join(failed)}")
        self.position_dim = position_dim
        self.walk_steps = walk_steps
        self.sim_weight = sim_weight
        self.sim_batch = sim_batch
        self.adv_weight = adv_weight
        self.adv_eps = adv_eps
        self.adv_steps = adv_steps

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        super().prepare(context, generator)
        features = context.features
        self.position: Tensor | None = None
        if self.position_dim > 0:
            # Rows as long as the feature rows on average, so neither part dominates the first layer.
            length = features.norm(dim=1).mean()
            unit = position_features(context.hypergraph, self.position_dim, self.walk_steps, generator)
            self.position = unit * length
        self.inputs = self.student_inputs(features, context.hypergraph)
        nonzero = features[features != 0].abs()
        # adv_eps is relative to a typical nonzero feature (NOSMOG's features are 0/1, so its values carry
        # over unchanged to row-normalised bag-of-words).
        self.adv_radius = self.adv_eps * (float(nonzero.mean()) if nonzero.numel() else 1.0)

    def student_inputs(self, features: Tensor, hypergraph: Hypergraph | None) -> Tensor:
        """``[features, position features]``; the position features need ``hypergraph`` (see module doc)."""
        if self.position_dim == 0:
            return features
        return torch.cat([features, self.positions_for(features.size(0), hypergraph)], dim=1)

    def positions_for(self, num_rows: int, hypergraph: Hypergraph | None) -> Tensor:
        """Position features of the ``num_rows`` vertices of ``hypergraph``, ``(num_rows, position_dim)``.

        The training vertices keep theirs; others (a hypergraph with vertices added after training, ids
        of the training vertices given by ``context.node_ids``) get their known neighbours' mean.
        """
        if hypergraph is None:
            raise ConfigError(
                "nosmog places a vertex by its position feature, which comes from its neighbours: give the "
                "hypergraph that links these vertices to the training vertices, or use nosmog_graph_free, "
                "which needs features only"
            )
        if hypergraph.num_nodes != num_rows:
            raise ConfigError(
                f"nosmog: {num_rows} feature rows but the hypergraph has {hypergraph.num_nodes} vertices; "
                "give one feature row per vertex of the hypergraph"
            )
        assert self.position is not None
        node_ids = self.context.node_ids
        if hypergraph is self.context.hypergraph or (node_ids is None and num_rows == self.position.size(0)):
            return self.position
        if node_ids is None:
            raise ConfigError(
                f"nosmog: the hypergraph has {num_rows} vertices but training saw {self.position.size(0)}; "
                "to place new vertices, the context must say which of them were the training vertices "
                "(DistillContext.node_ids)"
            )
        return neighbour_positions(hypergraph, node_ids, self.position)

    def build_heads(self, teacher_width: int) -> nn.Module:
        return nn.Sequential(nn.LazyLinear(teacher_width), nn.ReLU())

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        logits, hidden = self.student_logits_and_hidden(student, self.inputs)
        terms = self.loss(logits, generator)
        loss = terms["loss"]
        if self.sim_weight > 0:
            batch = torch.randperm(hidden.size(0), generator=generator)[: self.sim_batch]
            rsd = similarity_loss(self.project(self.heads, hidden[batch]), self.teacher_representation[batch])
            terms["similarity"] = rsd
            loss = loss + self.sim_weight * rsd
        if self.adv_weight > 0:
            adversarial = self.adversarial_loss(student, generator)
            terms["adversarial"] = adversarial
            loss = loss + self.adv_weight * adversarial
        return {**terms, "loss": loss}

    def adversarial_loss(self, student: nn.Module, generator: torch.Generator) -> Tensor:
        """KD loss on PGD-perturbed inputs (the perturbation search leaves no gradient on the student)."""
        eps = self.adv_radius
        delta = (torch.rand(self.inputs.shape, generator=generator) * 2 - 1) * eps
        with preserved_buffers(student):
            for _ in range(self.adv_steps):
                delta.requires_grad_(True)
                attack = self.loss(student(self.inputs + delta), generator)["loss"]
                (grad,) = torch.autograd.grad(attack, delta)
                delta = (delta.detach() + eps / 4 * grad.sign()).clamp(-eps, eps)
            return self.loss(student(self.inputs + delta), generator)["loss"]


@DISTILLERS.register("nosmog_graph_free")
class NOSMOGGraphFree(NOSMOG):
    """NOSMOG without position features: representation similarity and adversarial augmentation only.

    Needs nothing but a vertex's features at inference, like GLNN, at the price of NOSMOG's positional
    signal. Arguments as :class:`NOSMOG`.
    """

    def __init__(
        self,
        lam: float = 0.0,
        tau: float = 1.0,
        sim_weight: float = 0.1,
        sim_batch: int = 512,
        adv_weight: float = 0.1,
        adv_eps: float = 0.04,
        adv_steps: int = 5,
    ) -> None:
        super().__init__(
            lam=lam,
            tau=tau,
            position_dim=0,
            sim_weight=sim_weight,
            sim_batch=sim_batch,
            adv_weight=adv_weight,
            adv_eps=adv_eps,
            adv_steps=adv_steps,
        )
