"""Mini-batch distillation of the MLP student: vertices streamed in batches, soft labels and hyperedges.

Full-batch distillation forwards all N vertices every epoch. Here every step of the one training loop
(:func:`hyperdistill.train.fit`, one "epoch" = one step) reads:

* a **vertex batch**: the next ``batch_size`` vertices of a random permutation of all N (a new permutation
  after each pass), for the vertex KD term ``tau^2 mean_v KL(p_v || q_v)``, an unbiased estimate of the
  full-batch term;
* when ``beta > 0`` (LightHGNN+), a **hyperedge batch**: the next ``edge_batch_size`` hyperedges of a
  permutation of all M, each kept with its reliability ``rho_e`` (the paper's per-epoch Bernoulli sampling,
  applied to this slice), with *all* their members forwarded too. ``q_e`` is then the exact mean of the
  members' student distributions, as in full batch, so ``L_HC`` over the kept hyperedges is the full-batch
  term restricted to a uniform slice of hyperedges (a ratio estimate of its per-epoch mean). Members of
  kept hyperedges enter only ``L_HC``; the vertex term keeps its uniform weighting;
* with ``lam > 0``, the training vertices (few under the 20-per-class protocol) for the cross-entropy.

The student's rows are gathered from the feature matrix per step, so the memory of training is
``O((batch_size + edge_batch_size * mean edge size) * F)`` besides the resident features, soft labels
(``N x C``) and per-hyperedge soft labels and reliabilities (``M x C``, ``M``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill.losses import kl_variant, soft_labels
from hyperdistill.errors import ConfigError
from hyperdistill.eval.khop import IncidenceIndex, gather_rows


@dataclass(frozen=True)
class StreamConfig:
    """Hyperparameters of the mini-batch student objective (LightHGNN's defaults where they apply).

    Args:
        lam: Weight of the cross-entropy on the training vertices.
        tau: Distillation temperature.
        beta: Weight of the hyperedge term (0: LightHGNN, > 0: LightHGNN+).
        kl: ``"correct"`` or ``"published"`` (see :mod:`hyperdistill.distill.losses`).
        batch_size: Vertices per step for the vertex term.
        edge_batch_size: Hyperedges drawn per step before reliability sampling.
        singletons: Whether one-vertex hyperedges may enter the hyperedge term.
    """

    lam: float = 0.0
    tau: float = 1.0
    beta: float = 1.0
    kl: str = "correct"
    batch_size: int = 4096
    edge_batch_size: int = 1024
    singletons: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.lam <= 1.0 or self.tau <= 0 or self.beta < 0:
            raise ConfigError(f"need 0 <= lam <= 1, tau > 0 and beta >= 0 (got {self})")
        if self.batch_size < 1 or self.edge_batch_size < 1:
            raise ConfigError("batch_size and edge_batch_size must be >= 1")
        kl_variant(self.kl)


class _Stream:
    """An endless stream of batches of ``range(size)``, one fresh permutation per pass."""

    def __init__(self, size: int, batch: int) -> None:
        self.size, self.batch = size, batch
        self.order = torch.empty(0, dtype=torch.long)
        self.cursor = 0

    def next(self, generator: torch.Generator) -> Tensor:
        parts, need = [], min(self.batch, self.size)
        while need > 0:
            if self.cursor >= self.order.numel():
                self.order, self.cursor = torch.randperm(self.size, generator=generator), 0
            take = self.order[self.cursor : self.cursor + need]
            self.cursor += take.numel()
            need -= take.numel()
            parts.append(take)
        return torch.cat(parts)


class StreamingKD:
    """The mini-batch LightHGNN / LightHGNN+ objective of the module docstring.

    Args:
        config: Loss weights and batch sizes.

    ``prepare`` once, then hand :meth:`objective` to :func:`hyperdistill.train.fit`.
    """

    def __init__(self, config: StreamConfig | None = None) -> None:
        self.config = config or StreamConfig()

    def prepare(
        self,
        features: Tensor,
        teacher_logits: Tensor,
        train_index: Tensor,
        train_labels: Tensor,
        hypergraph: Hypergraph | None = None,
        reliability: Tensor | None = None,
    ) -> StreamingKD:
        """Fix the targets.

        Shapes:
            - features: ``(N, F)`` preprocessed; teacher_logits: ``(N, C)``
            - train_index, train_labels: ``(T,)``
            - reliability: ``(M,)`` sampling probability per hyperedge (None: every hyperedge, rho = 1)
        """
        cfg = self.config
        self.features, self.train_index, self.train_labels = features, train_index, train_labels
        self.soft_labels = soft_labels(teacher_logits, cfg.tau)
        self._kl = kl_variant(cfg.kl)
        self.vertices = _Stream(features.size(0), cfg.batch_size)
        self.use_edges = cfg.beta > 0
        if self.use_edges:
            if hypergraph is None:
                raise ConfigError("the hyperedge term (beta > 0) needs the hypergraph")
            self.index = IncidenceIndex.build(hypergraph)
            prob = torch.ones(hypergraph.num_edges) if reliability is None else reliability.float()
            if not cfg.singletons:
                prob = torch.where(hypergraph.edge_sizes() > 1, prob, torch.zeros_like(prob))
            self.sample_prob = prob
            self.edge_soft_labels = hypergraph.v2e_mean() @ self.soft_labels
            self.edges = _Stream(hypergraph.num_edges, cfg.edge_batch_size)
        return self

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        """One step's terms for ``student`` (``"loss"`` is optimised)."""
        cfg = self.config
        batch = self.vertices.next(generator)
        parts = [batch]
        if self.use_edges:
            edges = self.edges.next(generator)
            edges = edges[torch.rand(edges.numel(), generator=generator) < self.sample_prob[edges]]
            members, sizes = gather_rows(self.index.edge_ptr, self.index.edge_vertices, edges)
            parts.append(members)
        if cfg.lam > 0:
            parts.append(self.train_index)
        logits = student(self.features[torch.cat(parts)])
        log_q = torch.log_softmax(logits / cfg.tau, dim=-1)
        kd = self._kl(self.soft_labels[batch], log_q[: batch.numel()]) * cfg.tau**2
        terms: dict[str, Tensor] = {"kd": kd}
        loss = kd
        if self.use_edges:
            hc = self._edge_term(log_q[batch.numel() : batch.numel() + members.numel()], edges, sizes)
            loss = loss + cfg.beta * hc
            terms["hc"] = hc
        loss = (1 - cfg.lam) * loss
        if cfg.lam > 0:
            ce = nn.functional.cross_entropy(logits[-self.train_index.numel() :], self.train_labels)
            loss = loss + cfg.lam * ce
            terms["ce"] = ce
        return {"loss": loss, **terms}

    def _edge_term(self, member_log_q: Tensor, edges: Tensor, sizes: Tensor) -> Tensor:
        """``tau^2 mean_e KL(p_e || q_e)`` over the kept hyperedges, q_e the mean of members' q."""
        if edges.numel() == 0:
            return member_log_q.sum() * 0.0
        owner = torch.arange(edges.numel()).repeat_interleave(sizes)
        q_edge = torch.zeros(edges.numel(), member_log_q.size(1)).index_add(0, owner, member_log_q.exp())
        q_edge = q_edge / sizes.unsqueeze(1)
        log_q_edge = q_edge.clamp_min(torch.finfo(q_edge.dtype).tiny).log()
        return self._kl(self.edge_soft_labels[edges], log_q_edge) * self.config.tau**2
