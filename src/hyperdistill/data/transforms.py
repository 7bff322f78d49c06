"""Feature preprocessing and structure transforms.

Feature preprocessing is named (``"row_l1"``, ``"none"``) rather than passed as a function, so a saved
student can record it and apply the same transform to vertices it has never seen.
"""

from __future__ import annotations

import logging

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.errors import ConfigError

log = logging.getLogger(__name__)

FEATURE_TRANSFORMS = ("row_l1", "none")


def normalize_features(features: Tensor, method: str = "row_l1") -> Tensor:
    """Apply a named feature preprocessing.

    ``row_l1`` divides each row by its L1 norm (rows of zeros stay zero), as LightHGNN does for
    bag-of-words features; ``none`` returns the features unchanged.

    Shapes:
        - features: ``(N, F)``; output ``(N, F)``
    """
    if method == "none":
        return features
    if method == "row_l1":
        norm = features.abs().sum(dim=1, keepdim=True)
        return features / torch.where(norm == 0, torch.ones_like(norm), norm)
    raise ConfigError(f"unknown feature transform {method!r}; choose one of {', '.join(FEATURE_TRANSFORMS)}")


def graph_to_hypergraph(edge_index: Tensor, num_nodes: int) -> Hypergraph:
    """Turn a graph into a hypergraph as LightHGNN does for Cora/Citeseer.

    Every undirected edge becomes a 2-vertex hyperedge, and every vertex adds one hyperedge holding itself
    and its 1-hop neighbours; identical vertex sets are merged (DeepHypergraph's default) and self-loops
    are dropped from the pairwise part.

    Shapes:
        - edge_index: ``(2, E)`` (either direction, repeats allowed)
    """
    src, dst = edge_index
    keep = src != dst
    src, dst = src[keep], dst[keep]
    lo, hi = torch.minimum(src, dst), torch.maximum(src, dst)
    pairs = torch.unique(lo * num_nodes + hi)
    pair_vertices = torch.stack([pairs // num_nodes, pairs % num_nodes], dim=1).flatten()
    pair_edges = torch.arange(pairs.numel()).repeat_interleave(2)
    # Neighbourhood hyperedge of v: v itself plus every neighbour (both directions of each edge).
    both_src = torch.cat([lo, hi, torch.arange(num_nodes)])
    both_dst = torch.cat([hi, lo, torch.arange(num_nodes)])
    hood_edges = pairs.numel() + both_src
    vertices = torch.cat([pair_vertices, both_dst])
    edges = torch.cat([pair_edges, hood_edges])
    hypergraph = Hypergraph.from_incidences(vertices, edges, num_nodes, pairs.numel() + num_nodes)
    return hypergraph.deduplicate()


def prepare_structure(
    hypergraph: Hypergraph, deduplicate: bool = True, singletons: bool = True
) -> Hypergraph:
    """The teachers' structure: duplicates merged, a singleton hyperedge for every isolated vertex."""
    if deduplicate:
        before = hypergraph.num_edges
        hypergraph = hypergraph.deduplicate()
        if hypergraph.num_edges < before:
            log.info("merged %d duplicate hyperedges", before - hypergraph.num_edges)
    if singletons:
        before = hypergraph.num_edges
        hypergraph = hypergraph.add_singletons()
        if hypergraph.num_edges > before:
            log.info("added %d singleton hyperedges for isolated vertices", hypergraph.num_edges - before)
    return hypergraph
