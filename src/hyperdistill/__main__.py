"""``python -m hyperdistill`` runs the command line."""

from hyperdistill.cli import app

app()
