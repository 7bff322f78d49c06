"""``hyperdistill export``: turn a saved student into ONNX and torch.export files, checked for parity."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyperdistill.cli.app import app, console, user_errors


@app.command()
def export(
    artifact: Annotated[Path, typer.Argument(help="student artifact (directory or .pt)")],
    onnx: Annotated[
        Path | None, typer.Option(help="ONNX output (default: student.onnx beside the artifact)")
    ] = None,
    program: Annotated[
        Path | None, typer.Option(help="torch.export output, .pt2 (default: student.pt2 beside the artifact)")
    ] = None,
    formats: Annotated[str, typer.Option(help="comma-separated: onnx, torch")] = "onnx,torch",
) -> None:
    """Export a student with its preprocessing inside; each file is compared with the torch model (1e-5)."""
    with user_errors():
        from hyperdistill.artifact import load
        from hyperdistill.errors import ConfigError

        chosen = {f.strip() for f in formats.split(",") if f.strip()}
        unknown = chosen - {"onnx", "torch"}
        if unknown or not chosen:
            raise ConfigError(f"--formats takes onnx and/or torch, got {formats!r}")
        student = load(artifact)
        folder = artifact if artifact.is_dir() else artifact.parent
        reports = []
        if "onnx" in chosen:
            from hyperdistill.export.onnx import export_onnx

            reports.append(export_onnx(student, onnx or folder / "student.onnx"))
        if "torch" in chosen:
            from hyperdistill.export.torchscript import export_program

            reports.append(export_program(student, program or folder / "student.pt2"))
        for report in reports:
            console.print(f"wrote {report.path}: {report}")
