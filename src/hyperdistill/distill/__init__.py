"""Distillation methods, registered by name in ``DISTILLERS``."""

from hyperdistill.distill import cold_brew as _cold_brew  # noqa: F401
from hyperdistill.distill import gcrd as _gcrd  # noqa: F401
from hyperdistill.distill import glnn as _glnn  # noqa: F401
from hyperdistill.distill import krd as _krd  # noqa: F401
from hyperdistill.distill import lighthgnn as _lighthgnn  # noqa: F401  (registration)
from hyperdistill.distill import lighthgnn_plus as _lighthgnn_plus  # noqa: F401
from hyperdistill.distill import mlp as _mlp  # noqa: F401
from hyperdistill.distill import nosmog as _nosmog  # noqa: F401
from hyperdistill.distill.base import DISTILLERS, DistillContext, Distiller

__all__ = ["DISTILLERS", "DistillContext", "Distiller"]
