"""``hyperdistill predict``: score a file of raw feature rows with a saved student or its ONNX export."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import numpy as np
import typer

from hyperdistill.cli.app import app, err_console, user_errors
from hyperdistill.errors import DataError

OUTPUT_SUFFIXES = (".csv", ".npy")


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="student artifact (directory or .pt), or an .onnx export")],
    features: Annotated[
        Path,
        typer.Argument(
            help="raw feature rows of the vertices: .npy, .npz or .csv; or a directory of such shards, "
            "scored with Ray Data (extra 'ray')"
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="output file, .csv or .npy (default: CSV on standard output)")
    ] = None,
    proba: Annotated[bool, typer.Option("--proba", help="write class probabilities, not class ids")] = False,
    onnx: Annotated[
        bool, typer.Option("--onnx", help="MODEL is an ONNX file: run it with onnxruntime (implied by .onnx)")
    ] = False,
    chunk_size: Annotated[int, typer.Option(help="rows scored at a time (bounds memory)")] = 65_536,
    key: Annotated[str | None, typer.Option(help="array name inside an .npz holding several")] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="shards: an existing Ray cluster ('auto', 'HEAD:6379', 'ray://HEAD:10001'); "
            "default: a local Ray instance"
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="shards: Ray actors scoring in parallel")] = None,
) -> None:
    """Predict classes (or probabilities) for vertices the model never saw, from their features alone.

    A file is streamed in chunks; the output is written atomically (all or nothing). A directory of shards
    is scored on Ray (one output .npy per shard in the --out directory), locally or on a cluster.
    """
    with user_errors():
        if features.is_dir():
            _predict_shards(model, features, out, proba, onnx, chunk_size, key, ray_address, workers)
            return
        if out is not None and out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise DataError(f"--out {out}: choose a .csv or .npy file")
        use_onnx = onnx or model.suffix.lower() == ".onnx"
        class_names, chunks = _scorer(model, features, chunk_size, key, proba, use_onnx)
        if out is None:
            rows = _write_csv(sys.stdout, chunks, class_names, proba)
        elif out.suffix.lower() == ".csv":
            rows = _atomic_text(out, lambda handle: _write_csv(handle, chunks, class_names, proba))
        else:
            rows = _write_npy(out, chunks)
        where = out if out is not None else "standard output"
        backend = "onnxruntime" if use_onnx else "torch"
        what = "probabilities" if proba else "class ids"
        err_console.print(f"scored {rows:,} vertices from {features} with {backend}; {what} -> {where}")


def _predict_shards(
    model: Path,
    shards: Path,
    out: Path | None,
    proba: bool,
    onnx: bool,
    chunk_size: int,
    key: str | None,
    address: str | None,
    workers: int | None,
) -> None:
    """Score a directory of shards on Ray: one ``<out>/<shard>.npy`` per shard."""
    from hyperdistill.scale.ray_predict import predict_shards

    if out is None:
        raise DataError("scoring a directory of shards needs --out DIR (one .npy of outputs per shard)")
    if out.suffix:
        raise DataError(f"--out {out}: with a directory of shards, --out is a directory, not a file")
    report = predict_shards(
        model,
        shards,
        out,
        address,
        workers,
        proba=proba,
        chunk_size=chunk_size,
        key=key,
        onnx=True if onnx else None,
    )
    rate = report.rows / report.wall_seconds if report.wall_seconds else 0.0
    err_console.print(
        f"scored {report.rows:,} vertices in {len(report.shards)} shards with {report.backend} on Ray "
        f"({report.address}, {report.workers} workers): {report.wall_seconds:.1f} s, {rate:,.0f} rows/s; "
        f"outputs in {out}"
    )


def _scorer(
    model: Path, features: Path, chunk_size: int, key: str | None, proba: bool, use_onnx: bool
) -> tuple[list[str], Iterator[np.ndarray]]:
    """Class names and a lazy stream of per-chunk outputs (ids ``(b,)`` or probabilities ``(b, C)``)."""
    if not use_onnx:
        from hyperdistill.artifact import load

        artifact = load(model)
        return artifact.class_names, artifact.iter_file(features, chunk_size, proba, key)
    from hyperdistill.data.feature_file import iter_feature_chunks
    from hyperdistill.export.onnx import onnx_metadata, onnx_session, run_onnx

    session = onnx_session(model)
    names = json.loads(onnx_metadata(session).get("hyperdistill.class_names", "[]"))

    def stream() -> Iterator[np.ndarray]:
        for chunk in iter_feature_chunks(features, chunk_size, key):
            try:
                logits, probabilities = run_onnx(session, chunk)
            except DataError as exc:
                raise DataError(f"{exc} (file {features})") from None
            yield probabilities if proba else logits.argmax(axis=1)

    return names, stream()


def _write_csv(handle: IO[str], chunks: Iterator[np.ndarray], names: list[str], proba: bool) -> int:
    rows = 0
    for chunk in chunks:
        if rows == 0:
            labels = names or [str(c) for c in range(chunk.shape[1])]
            columns = [_quoted(n) for n in labels] if proba else ["class_id", "class"]
            handle.write(",".join(["row", *columns]) + "\n")
        ids = np.arange(rows, rows + chunk.shape[0])
        if proba:
            lines = (f"{i}," + ",".join(f"{p:.6g}" for p in row) for i, row in zip(ids, chunk, strict=True))
        else:
            lines = (f"{i},{c},{_name(names, c)}" for i, c in zip(ids, chunk.tolist(), strict=True))
        handle.write("\n".join(lines) + "\n")
        rows += chunk.shape[0]
    return rows


def _write_npy(path: Path, chunks: Iterator[np.ndarray]) -> int:
    from hyperdistill.io import atomic_write

    blocks = list(chunks)  # outputs are small next to the features; the input was streamed
    array = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
    atomic_write(path, lambda handle: np.save(handle, array, allow_pickle=False))
    return int(array.shape[0])


def _atomic_text(path: Path, write: object) -> int:
    from hyperdistill.io import atomic_write

    rows = 0

    def fill(raw: IO[bytes]) -> None:
        nonlocal rows
        handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        rows = write(handle)  # type: ignore[operator]
        handle.flush()
        handle.detach()

    atomic_write(path, fill)
    return rows


def _name(names: list[str], class_id: int) -> str:
    return _quoted(names[class_id] if class_id < len(names) else str(class_id))


def _quoted(name: str) -> str:
    if any(c in name for c in ',"\n'):
        return '"' + name.replace('"', '""') + '"'
    return name
