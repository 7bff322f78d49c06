"""The Typer application and what every ``hyperdistill`` command shares: consoles and error handling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console

from hyperdistill.errors import HyperdistillError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Distil hypergraph neural networks into fast, structure-free MLPs.",
)
console = Console()
err_console = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn hyperdistill's and pydantic's errors into one readable paragraph and exit code 2."""
    try:
        yield
    except HyperdistillError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in exc.errors())
        err_console.print(f"[bold red]error:[/] invalid configuration: {problems}")
        raise typer.Exit(code=2) from None
