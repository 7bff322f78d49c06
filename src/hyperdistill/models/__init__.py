"""Teachers (structure-aware, registered by name) and the MLP student."""

from hyperdistill.models import edhnn as _edhnn  # noqa: F401  (registers "edhnn")
from hyperdistill.models import gat as _gat  # noqa: F401  (registers "gat")
from hyperdistill.models import gcn as _gcn  # noqa: F401  (registers "gcn")
from hyperdistill.models import hgnn as _hgnn  # noqa: F401  (registers the HGNN family)
from hyperdistill.models import hnhn as _hnhn  # noqa: F401  (registers "hnhn")
from hyperdistill.models import hypergcn as _hypergcn  # noqa: F401  (registers "hypergcn", "fast_hypergcn")
from hyperdistill.models import sage as _sage  # noqa: F401  (registers "sage")
from hyperdistill.models import unigat as _unigat  # noqa: F401  (registers "unigat")
from hyperdistill.models import unigcn as _unigcn  # noqa: F401  (registers "unigcn")
from hyperdistill.models.mlp import MLP
from hyperdistill.models.registry import TEACHERS

__all__ = ["MLP", "TEACHERS"]
