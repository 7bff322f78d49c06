"""Hypergraph convolutions, one operator per file."""

from hyperdistill.nn.conv.hgnn import HGNNConv
from hyperdistill.nn.conv.hgnnp import HGNNPConv

__all__ = ["HGNNConv", "HGNNPConv"]
