"""The ``hyperdistill`` command line; each module adds its commands to the one Typer ``app``."""

from hyperdistill.cli import bench as _bench  # noqa: F401  (registers `bench`)
from hyperdistill.cli import export as _export  # noqa: F401  (registers `export`)
from hyperdistill.cli import grid as _grid  # noqa: F401  (registers `grid`)
from hyperdistill.cli import predict as _predict  # noqa: F401  (registers `predict`)
from hyperdistill.cli import run as _run  # noqa: F401  (registers `run` and `datasets`)
from hyperdistill.cli import scale as _scale  # noqa: F401  (registers `scale`)
from hyperdistill.cli.app import app

__all__ = ["app"]
