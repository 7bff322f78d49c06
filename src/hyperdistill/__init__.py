"""hyperdistill: distil hypergraph neural networks into fast, structure-free MLPs."""

__version__ = "0.1.0"
