"""A deterministic synthetic hypergraph with planted classes, vectorised to millions of vertices.

Every vertex gets a class; its features are a bag of words: ``words_per_node`` words on average, each drawn
from its class's own block of the vocabulary with probability ``feature_signal`` and from the whole
vocabulary otherwise. Hyperedges pick a class, then each member comes from that class with probability
``1 - edge_noise`` and from anywhere otherwise. Few labels and a weak per-word signal make a plain MLP
struggle, while the hypergraph (mostly within-class) lets an HGNN pool evidence: the gap the distilled
students should close, since the student trains on teacher labels for every vertex.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.registry import DatasetSpec, register_dataset
from hyperdistill.errors import ConfigError


@dataclass(frozen=True)
class SyntheticConfig:
    """Parameters of :func:`make_synthetic` (all defaults give the demo dataset).

    Args:
        num_nodes: N.
        num_classes: C (balanced in expectation).
        num_features: Vocabulary size F; split into C equal class blocks.
        words_per_node: Mean number of words per vertex (Poisson).
        feature_signal: Share of a vertex's words drawn from its class block.
        edges_per_node: Hyperedges per vertex (M = round(N * edges_per_node)).
        mean_edge_size: Mean hyperedge size (2 + Poisson(mean - 2)).
        edge_noise: Share of hyperedge members drawn from any class instead of the hyperedge's class.
        seed: Everything is a deterministic function of the parameters and this seed.
    """

    num_nodes: int = 2000
    num_classes: int = 5
    num_features: int = 400
    words_per_node: float = 15.0
    feature_signal: float = 0.35
    edges_per_node: float = 0.8
    mean_edge_size: float = 5.0
    edge_noise: float = 0.25
    seed: int = 0

    def __post_init__(self) -> None:
        checks = {
            "num_nodes >= num_classes >= 2": self.num_nodes >= self.num_classes >= 2,
            "num_features >= num_classes": self.num_features >= self.num_classes,
            "0 <= feature_signal <= 1": 0 <= self.feature_signal <= 1,
            "0 <= edge_noise <= 1": 0 <= self.edge_noise <= 1,
            "mean_edge_size >= 2": self.mean_edge_size >= 2,
            "words_per_node > 0 and edges_per_node >= 0": self.words_per_node > 0
            and self.edges_per_node >= 0,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            raise ConfigError(f"synthetic hypergraph: need {', '.join(failed)} (got {self})")


def make_synthetic(config: SyntheticConfig | None = None, **overrides: object) -> HypergraphDataset:
    """Generate the synthetic dataset; ``overrides`` replace fields of ``config`` (or of the defaults)."""
    params = {**asdict(config or SyntheticConfig()), **overrides}
    cfg = SyntheticConfig(**params)
    rng = np.random.default_rng(cfg.seed)
    labels = rng.integers(cfg.num_classes, size=cfg.num_nodes)
    features = _features(cfg, labels, rng)
    hypergraph = _hyperedges(cfg, labels, rng)
    name = "synthetic" if cfg == SyntheticConfig() else f"synthetic(N={cfg.num_nodes}, seed={cfg.seed})"
    return HypergraphDataset(
        name=name,
        features=torch.from_numpy(features),
        labels=torch.from_numpy(labels),
        hypergraph=hypergraph,
        class_names=tuple(f"class_{c}" for c in range(cfg.num_classes)),
        source="generated: " + ", ".join(f"{k}={v}" for k, v in asdict(cfg).items()),
    )


def _features(cfg: SyntheticConfig, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n, f = cfg.num_nodes, cfg.num_features
    block = f // cfg.num_classes
    lengths = rng.poisson(cfg.words_per_node, size=n)
    owner = np.repeat(np.arange(n), lengths)
    from_topic = rng.random(owner.size) < cfg.feature_signal
    topic_word = labels[owner] * block + rng.integers(block, size=owner.size)
    any_word = rng.integers(f, size=owner.size)
    words = np.where(from_topic, topic_word, any_word)
    counts = np.bincount(owner * f + words, minlength=n * f).astype(np.float32)
    return counts.reshape(n, f)


def _hyperedges(cfg: SyntheticConfig, labels: np.ndarray, rng: np.random.Generator) -> Hypergraph:
    num_edges = round(cfg.num_nodes * cfg.edges_per_node)
    by_class = np.argsort(labels, kind="stable")
    class_count = np.bincount(labels, minlength=cfg.num_classes)
    class_start = np.concatenate([[0], np.cumsum(class_count)[:-1]])
    edge_class = labels[rng.integers(cfg.num_nodes, size=num_edges)]  # classes in proportion to their size
    sizes = 2 + rng.poisson(cfg.mean_edge_size - 2, size=num_edges)
    edge_of = np.repeat(np.arange(num_edges), sizes)
    cls = edge_class[edge_of]
    within = by_class[class_start[cls] + (rng.random(edge_of.size) * class_count[cls]).astype(np.int64)]
    anywhere = rng.integers(cfg.num_nodes, size=edge_of.size)
    members = np.where(rng.random(edge_of.size) < cfg.edge_noise, anywhere, within)
    return Hypergraph.from_incidences(members, edge_of, cfg.num_nodes, num_edges)


def _read_synthetic(path: object, **options: object) -> HypergraphDataset:
    return make_synthetic(None, **options)


register_dataset(
    DatasetSpec(
        name="synthetic",
        directory="",
        reader=_read_synthetic,
        expected={"num_nodes": SyntheticConfig.num_nodes, "num_classes": SyntheticConfig.num_classes},
        description="generated planted-class hypergraph (no files; options: any SyntheticConfig field)",
    )
)
