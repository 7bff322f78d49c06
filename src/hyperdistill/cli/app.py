"""The Typer application and what every ``hyperdistill`` command shares: consoles and error handling."""

from __future__ import annotations

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


class user_errors:
    """Turn hyperdistill's and pydantic's errors into one readable paragraph and exit code 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, HyperdistillError):
            err_console.print(f"[bold red]error:[/] {exc}")
        elif isinstance(exc, ValidationError):
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in exc.errors()
            )
            err_console.print(f"[bold red]error:[/] invalid configuration: {problems}")
        else:
            return False
        raise typer.Exit(code=2)
