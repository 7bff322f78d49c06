"""The ``hyperdistill`` command line; each module adds its commands to the one Typer ``app``."""

from hyperdistill.cli import run as _run  # noqa: F401  (registers `run` and `datasets`)
from hyperdistill.cli.app import app

__all__ = ["app"]
