"""Teachers (structure-aware, registered by name) and the MLP student."""

from hyperdistill.models import hgnn as _hgnn  # noqa: F401  (registers the HGNN family)
from hyperdistill.models.mlp import MLP
from hyperdistill.models.registry import TEACHERS

__all__ = ["MLP", "TEACHERS"]
