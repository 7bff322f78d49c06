"""Training an HGNN teacher on a large hypergraph: full-batch sparse where it fits, sampled where it does not.

*Full batch* is the paper's training, unchanged: every epoch one forward over the whole hypergraph through
the two-stage sparse operator, so memory is ``O(N * H + M * H + nnz)`` activations on top of the features
(never ``N x N``). :func:`full_batch_bytes` estimates it; with ``mode="auto"`` the full-batch path is taken
when that estimate is under the memory budget.

*Sampled* (for hypergraphs whose activations do not fit): every step draws a 2-hop neighbourhood of a batch
of labelled vertices with a per-vertex hyperedge fanout, as GraphSAGE does with edges:

1. seeds: up to ``batch_size`` training vertices (all of them when there are fewer, as in the usual
   20-per-class protocol);
2. for each hop, every frontier vertex keeps each of its hyperedges with probability
   ``min(1, fanout / degree)``; a kept hyperedge comes with all its members (whole hyperedges keep their
   size ``D_e`` exact), and those members are the next frontier;
3. the teacher runs on the sub-hypergraph induced by the kept hyperedges (degrees recomputed inside it,
   as ClusterGCN / GraphSAINT do without their normalisation correction) and the loss is the
   cross-entropy at the seeds.

The cost of a step is bounded by ``batch_size * (fanout * mean edge size)^2`` vertices whatever N is. It is
biased where the sample changes a vertex's degree; validation and all inference are exact (validation on
the fixed 2-hop sub-hypergraph of the validation vertices, inference with :mod:`hyperdistill.scale.inference`
on the whole hypergraph, which needs no autograd and so always fits when the features do).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import ConfigError
from hyperdistill.eval.khop import IncidenceIndex, gather_rows, khop_subhypergraph
from hyperdistill.eval.metrics import accuracy
from hyperdistill.models import TEACHERS
from hyperdistill.scale.inference import check_chunkable
from hyperdistill.train import FitResult, TrainConfig, fit
from hyperdistill.train.loop import Objective, Validate

TEACHER_MODES = ("auto", "full", "sampled")


@dataclass(frozen=True)
class TeacherScaleConfig:
    """How the large-graph teacher trains.

    Args:
        mode: ``"full"`` (sparse full batch), ``"sampled"`` (neighbourhood mini-batches) or ``"auto"``
            (full batch when :func:`full_batch_bytes` is below ``memory_budget``).
        memory_budget: Bytes the full-batch activations may take in ``auto`` mode.
        batch_size: Seed vertices per sampled step.
        fanout: Hyperedges kept per frontier vertex and hop (in expectation) when sampling.
        hops: Sampling depth; should equal the teacher's number of layers.
    """

    mode: str = "auto"
    memory_budget: int = 6 * 2**30
    batch_size: int = 1024
    fanout: int = 8
    hops: int = 2

    def __post_init__(self) -> None:
        if self.mode not in TEACHER_MODES:
            raise ConfigError(f"unknown teacher mode {self.mode!r}; choose one of {', '.join(TEACHER_MODES)}")
        if self.batch_size < 1 or self.fanout < 1 or self.hops < 1:
            raise ConfigError("teacher batch_size, fanout and hops must be >= 1")


def full_batch_bytes(hypergraph: Hypergraph, hidden: int, classes: int) -> int:
    """Rough peak of one full-batch training step's activations and operators, in bytes.

    Per layer of width w: the product, the hyperedge message, the propagated output, bias, ReLU and the
    dropout mask and output (about 7 ``N x w`` and 2 ``M x w`` float32 tensors kept for backward), plus the
    two CSR stages (index and value per incidence, twice). The features themselves are not counted.
    """
    n, m, nnz = hypergraph.num_nodes, hypergraph.num_edges, hypergraph.num_incidences
    activations = sum(4 * (7 * n * w + 2 * m * w) for w in (hidden, classes))
    return activations + 2 * nnz * (8 + 4) + 2 * (n + m) * 8


class HyperedgeNeighbourSampler:
    """Draws the sampled sub-hypergraphs of the module docstring (vectorised, no loop over vertices).

    Args:
        hypergraph: The whole structure.
        fanout: Expected hyperedges kept per frontier vertex and hop.
        hops: Number of vertex -> hyperedge -> vertex steps.
    """

    def __init__(self, hypergraph: Hypergraph, fanout: int = 8, hops: int = 2) -> None:
        self.index = IncidenceIndex.build(hypergraph)
        self.degree = (self.index.vertex_ptr[1:] - self.index.vertex_ptr[:-1]).float()
        self.fanout = fanout
        self.hops = hops

    def sample(self, seeds: Tensor, generator: torch.Generator) -> tuple[Hypergraph, Tensor, Tensor]:
        """A sub-hypergraph around ``seeds``: ``(sub, vertices, seed_positions)``.

        ``vertices`` are the original ids of the sub-hypergraph's vertices (sorted); ``seed_positions``
        where the seeds sit among them.
        """
        frontier, kept = seeds.unique(), []
        for _ in range(self.hops):
            edges, counts = gather_rows(self.index.vertex_ptr, self.index.vertex_edges, frontier)
            keep_prob = (self.fanout / self.degree[frontier]).clamp(max=1.0).repeat_interleave(counts)
            edges = edges[torch.rand(edges.numel(), generator=generator) < keep_prob].unique()
            kept.append(edges)
            frontier = gather_rows(self.index.edge_ptr, self.index.edge_vertices, edges)[0].unique()
        edges = torch.cat(kept).unique()
        members, sizes = gather_rows(self.index.edge_ptr, self.index.edge_vertices, edges)
        vertices = torch.cat([seeds, members]).unique()
        local = torch.stack(
            [torch.searchsorted(vertices, members), torch.arange(edges.numel()).repeat_interleave(sizes)]
        )
        weight = self.index.hypergraph.edge_weight
        sub = Hypergraph(local, vertices.numel(), edges.numel(), None if weight is None else weight[edges])
        return sub.add_singletons(), vertices, torch.searchsorted(vertices, seeds)


def train_teacher_large(
    name: str,
    features: Tensor,
    hypergraph: Hypergraph,
    labels: Tensor,
    train: Tensor,
    val: Tensor,
    train_config: TrainConfig,
    config: TeacherScaleConfig,
    seed: int,
    params: dict[str, object] | None = None,
) -> tuple[nn.Module, FitResult, str]:
    """Fit the named teacher with the one loop, full batch or sampled; returns (model, fit, mode used).

    Args:
        name: Registered teacher (a conv stack such as ``"hgnn"`` or ``"hgnnp"``).
        features: Preprocessed features ``(N, F)``.
        hypergraph: Structure on the N vertices (singletons already added).
        labels: ``(N,)`` labels; only ``labels[train]`` is trained on, ``labels[val]`` selects the epoch.
        train, val: Vertex ids.
        train_config: Epochs (sampled: steps), optimiser settings and patience.
        config: Mode, budget and sampling settings.
        seed: Seeds initialisation, dropout and sampling.
        params: Teacher hyperparameters (hidden_channels, dropout, ...).
    """
    torch.manual_seed(seed)
    num_classes = int(labels.max()) + 1
    model = TEACHERS.get(name)(features.size(1), num_classes, **(params or {}))
    convs = check_chunkable(model)
    mode = config.mode
    if mode == "auto":
        fits = full_batch_bytes(hypergraph, convs[0].out_channels, num_classes) <= config.memory_budget
        mode = "full" if fits else "sampled"
    generator = torch.Generator().manual_seed(seed)
    if mode == "full":
        objective, validate = _full_batch(features, hypergraph, labels, train, val)
    else:
        objective, validate = _sampled(features, hypergraph, labels, train, val, config, generator)
    result = fit(model, objective, validate, train_config, generator, f"teacher {name} ({mode})")
    return model, result, mode


def _full_batch(
    features: Tensor, hypergraph: Hypergraph, labels: Tensor, train: Tensor, val: Tensor
) -> tuple[Objective, Validate]:
    def objective(teacher: nn.Module, _: torch.Generator) -> dict[str, Tensor]:
        logits = teacher(features, hypergraph)
        return {"loss": nn.functional.cross_entropy(logits[train], labels[train])}

    def validate(teacher: nn.Module) -> float:
        return accuracy(teacher(features, hypergraph)[val], labels[val])

    return objective, validate


def _sampled(
    features: Tensor,
    hypergraph: Hypergraph,
    labels: Tensor,
    train: Tensor,
    val: Tensor,
    config: TeacherScaleConfig,
    generator: torch.Generator,
) -> tuple[Objective, Validate]:
    sampler = HyperedgeNeighbourSampler(hypergraph, config.fanout, config.hops)
    val_sub = khop_subhypergraph(sampler.index, val, hops=config.hops)
    val_features = features[val_sub.vertices]
    order = torch.randperm(train.numel(), generator=generator)
    cursor = [0]

    def objective(teacher: nn.Module, gen: torch.Generator) -> dict[str, Tensor]:
        seeds = _next_batch(train, order, cursor, config.batch_size)
        sub, vertices, at = sampler.sample(seeds, gen)
        logits = teacher(features[vertices], sub)
        loss = nn.functional.cross_entropy(logits[at], labels[seeds])
        return {"loss": loss, "sampled_vertices": torch.tensor(float(vertices.numel()))}

    def validate(teacher: nn.Module) -> float:
        return accuracy(teacher(val_features, val_sub.hypergraph)[val_sub.seeds], labels[val])

    return objective, validate


def _next_batch(ids: Tensor, order: Tensor, cursor: list[int], size: int) -> Tensor:
    """The next ``size`` ids of ``ids`` in ``order``, wrapping around (all of them when fewer)."""
    if ids.numel() <= size:
        return ids
    start = cursor[0] % ids.numel()
    positions = (torch.arange(start, start + size) % ids.numel()).long()
    cursor[0] = start + size
    return ids[order[positions]]
