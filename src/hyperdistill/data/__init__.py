"""Data layer: the Hypergraph, datasets, readers per file format, synthetic data, splits and protocols."""

from hyperdistill.data.dataset import HypergraphDataset, Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.registry import data_root, known_datasets, load_dataset, load_path

__all__ = [
    "Hypergraph",
    "HypergraphDataset",
    "Split",
    "data_root",
    "known_datasets",
    "load_dataset",
    "load_path",
]
