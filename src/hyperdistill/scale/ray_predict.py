"""Batch inference of an exported student over a directory of feature shards, with Ray Data.

Each shard (``.npy``, ``.npz`` or ``.csv`` of raw feature rows) is one Ray Data row; a pool of actors, each
holding the model once, scores whole shards: it streams the shard in chunks through the same reader and
the same model code as ``hyperdistill predict`` (so the predictions are identical to the in-process path)
and writes ``<out>/<shard name>.npy`` atomically (a temporary file, then a rename: a reader never sees a
half-written output, and a crashed or retried task leaves nothing behind). Ray Data schedules the shards
over the actors with back-pressure; only per-shard summaries travel back to the driver.

The model travels as bytes through Ray's object store, so worker nodes need not see the model file; they
do need to read the shard paths and write the output directory (a shared file system on a multi-node
cluster) and to have hyperdistill installed. Ray is an optional extra, imported only here.

Usage::

    report = predict_shards("student.onnx", "shards/", "predictions/")              # local Ray
    report = predict_shards("student/", "shards/", "out/", address="ray://head:10001")  # a cluster
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hyperdistill.data.feature_file import FEATURE_SUFFIXES, iter_feature_chunks
from hyperdistill.errors import ConfigError, DataError

EXTRA_HINT = "install the Ray extra: pip install 'hyperdistill[ray]'"


@dataclass(frozen=True)
class ShardResult:
    """One shard: where its predictions went, how many rows, and the actor's seconds for it."""

    shard: str
    output: str
    rows: int
    seconds: float
    worker: str


@dataclass
class RayPredictReport:
    """What :func:`predict_shards` did, with throughput per worker and overall."""

    shards: list[ShardResult]
    wall_seconds: float
    workers: int
    backend: str
    address: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.shards)

    def per_worker(self) -> dict[str, dict[str, float]]:
        """Rows, busy seconds and rows per busy second of each actor."""
        out: dict[str, dict[str, float]] = {}
        for shard in self.shards:
            entry = out.setdefault(shard.worker, {"rows": 0, "seconds": 0.0, "shards": 0})
            entry["rows"] += shard.rows
            entry["seconds"] += shard.seconds
            entry["shards"] += 1
        for entry in out.values():
            entry["rows_per_second"] = entry["rows"] / entry["seconds"] if entry["seconds"] else 0.0
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "shards": len(self.shards),
            "wall_seconds": self.wall_seconds,
            "rows_per_second_wall": self.rows / self.wall_seconds if self.wall_seconds else 0.0,
            "workers": self.workers,
            "backend": self.backend,
            "address": self.address,
            "per_worker": self.per_worker(),
            **self.extra,
        }


def list_shards(directory: str | Path) -> list[Path]:
    """The feature shards of ``directory`` (by suffix), sorted by name; a DataError when there are none."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(f"{directory} is not a directory of feature shards")
    shards = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in FEATURE_SUFFIXES)
    if not shards:
        raise DataError(f"{directory} holds no feature shards ({', '.join(FEATURE_SUFFIXES)} files)")
    return shards


def predict_shards(
    model: str | Path,
    shards: str | Path | list[Path],
    out_dir: str | Path,
    address: str | None = None,
    workers: int | None = None,
    threads_per_worker: int = 1,
    proba: bool = False,
    chunk_size: int = 65_536,
    key: str | None = None,
    onnx: bool | None = None,
) -> RayPredictReport:
    """Score every shard with the student on Ray and write one ``.npy`` of outputs per shard.

    Args:
        model: A student artifact (directory or ``.pt``) or an ``.onnx`` export.
        shards: A directory of shards, or a list of shard files.
        out_dir: Where ``<shard stem>.npy`` outputs go (class ids ``(rows,)`` or probabilities ``(rows, C)``).
        address: An existing Ray cluster (``"auto"``, ``"ray://head:10001"``, ``"head:6379"``); None starts
            a local instance with ``workers * threads_per_worker`` CPUs and stops it afterwards.
        workers: Actors in the pool (default: 2 locally, else the cluster's CPUs / threads_per_worker).
        threads_per_worker: Intra-op threads of each actor's model (and CPUs it reserves).
        proba: Write probabilities instead of class ids.
        chunk_size: Rows scored at a time inside a shard (bounds a worker's memory).
        key: Array name inside ``.npz`` shards holding several.
        onnx: Run with onnxruntime; default: when ``model`` ends in ``.onnx``.
    """
    ray = _require_ray()
    files = list_shards(shards) if not isinstance(shards, list) else [Path(p) for p in shards]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [_output_name(p) for p in files]
    if len(set(names)) != len(names):
        raise DataError("two shards have the same name stem; their outputs would collide: rename one")
    use_onnx = Path(model).suffix.lower() == ".onnx" if onnx is None else onnx
    payload = _model_payload(Path(model), use_onnx)
    started_here = not ray.is_initialized()
    if started_here:
        _init(ray, address, workers, threads_per_worker)
    try:
        if workers is None:
            workers = max(1, int(ray.cluster_resources().get("CPU", 1) // threads_per_worker))
        start = time.perf_counter()
        dataset = ray.data.from_items(
            [
                {"shard": str(p.resolve()), "output": str((out_dir / n).resolve())}
                for p, n in zip(files, names, strict=True)
            ],
            override_num_blocks=len(files),
        )
        scored = dataset.map_batches(
            _ShardScorer,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=threads_per_worker,
            fn_constructor_kwargs={
                "payload": ray.put(payload),
                "onnx": use_onnx,
                "threads": threads_per_worker,
                "proba": proba,
                "chunk_size": chunk_size,
                "key": key,
            },
        )
        rows = scored.take_all()
        wall = time.perf_counter() - start
    finally:
        if started_here:
            ray.shutdown()
    results = [
        ShardResult(str(r["shard"]), str(r["output"]), int(r["rows"]), float(r["seconds"]), str(r["worker"]))
        for r in sorted(rows, key=lambda r: str(r["shard"]))
    ]
    backend = "onnxruntime" if use_onnx else "torch"
    return RayPredictReport(results, wall, workers, backend, address or "local")


class _ShardScorer:
    """A Ray Data actor: builds the model once, then scores one shard per call."""

    def __init__(
        self, payload: Any, onnx: bool, threads: int, proba: bool, chunk_size: int, key: str | None
    ) -> None:
        import os

        import ray

        if isinstance(payload, ray.ObjectRef):  # constructor arguments are not dereferenced by Ray Data
            payload = ray.get(payload)
        self.proba, self.chunk_size, self.key = proba, chunk_size, key
        self.worker = f"{os.uname().nodename}:{os.getpid()}"
        self.score = _onnx_scorer(payload, threads) if onnx else _torch_scorer(payload, threads)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        shards, outputs, counts, seconds = [], [], [], []
        for shard, output in zip(batch["shard"], batch["output"], strict=True):
            start = time.perf_counter()
            rows = score_shard(
                self.score, Path(str(shard)), Path(str(output)), self.proba, self.chunk_size, self.key
            )
            counts.append(rows)
            seconds.append(time.perf_counter() - start)
            shards.append(str(shard))
            outputs.append(str(output))
        return {
            "shard": np.array(shards),
            "output": np.array(outputs),
            "rows": np.array(counts, dtype=np.int64),
            "seconds": np.array(seconds),
            "worker": np.array([self.worker] * len(shards)),
        }


def score_shard(
    score: Any, shard: Path, output: Path, proba: bool, chunk_size: int = 65_536, key: str | None = None
) -> int:
    """Score one shard with ``score`` (raw rows -> ``(logits, probabilities)``); write ``output`` atomically.

    Returns the number of rows. Also the in-process reference of the Ray path (same reader, same model).
    """
    from hyperdistill.io import atomic_write

    blocks = []
    for chunk in iter_feature_chunks(shard, chunk_size, key):
        try:
            logits, probabilities = score(chunk)
        except DataError as exc:
            raise DataError(f"{exc} (shard {shard})") from None
        blocks.append(probabilities if proba else logits.argmax(axis=1))
    array = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
    atomic_write(output, lambda handle: np.save(handle, array, allow_pickle=False))
    return int(array.shape[0])


def _onnx_scorer(model_bytes: bytes, threads: int) -> Any:
    from hyperdistill.export.onnx import onnx_session, run_onnx

    # onnx_session takes a path: the bytes from the object store go to a private temporary file.
    with tempfile.NamedTemporaryFile(suffix=".onnx", delete=False) as handle:
        handle.write(model_bytes)
    session = onnx_session(handle.name, threads=threads, spinning=False)
    Path(handle.name).unlink(missing_ok=True)
    return lambda rows: run_onnx(session, rows)


def _torch_scorer(artifact: Any, threads: int) -> Any:
    import torch

    torch.set_num_threads(threads)

    def score(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits = artifact.predict_logits(rows)
        return logits, _softmax(logits)

    return score


def _model_payload(model: Path, onnx: bool) -> Any:
    if onnx:
        if not model.is_file():
            raise DataError(f"ONNX model {model} does not exist; create it with `hyperdistill export`")
        return model.read_bytes()
    from hyperdistill.artifact import load

    return load(model)


def _output_name(shard: Path) -> str:
    return shard.name[: -len(shard.suffix)] + ".npy"


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


def _init(ray: Any, address: str | None, workers: int | None, threads: int) -> None:
    if address:
        ray.init(address=address, log_to_driver=False)
        return
    ray.init(
        num_cpus=(workers or 2) * threads,
        object_store_memory=256 * 2**20,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )


def _require_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(f"batch inference on Ray needs the ray package; {EXTRA_HINT}") from None
    return ray
