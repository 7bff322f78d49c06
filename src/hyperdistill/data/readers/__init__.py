"""File-format readers; each module registers its datasets and its format on import."""

from hyperdistill.data.readers import benson, hypergcn, le, magnn, npz, plain, planetoid

__all__ = ["benson", "hypergcn", "le", "magnn", "npz", "plain", "planetoid"]
