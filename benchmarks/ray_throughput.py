"""Ray batch-inference throughput of an exported student, and its agreement with the in-process path.

    python benchmarks/ray_throughput.py                 # measure on a local Ray instance, write docs/ray.md
    python benchmarks/ray_throughput.py --address auto  # the same on the cluster this node belongs to

Writes ``--shards`` feature shards of ``--rows`` rows (128 raw features, the scale benchmark's width) under
runs/ray/, exports a student (an MLP of the scale benchmark's shape: 128 -> 128 -> 8, BatchNorm; the
weights do not change the cost) to ONNX, then scores the shards (1) in process, one shard after the
other with one onnxruntime thread, and (2) with Ray Data for each worker count given, one thread per
worker. Every Ray output is compared with the in-process one. Results go to docs/ray.json and the table in
docs/ray.md (rendered from docs/ray.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "runs" / "ray"
NUM_FEATURES, NUM_CLASSES = 128, 8


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    store = json.loads(args.json.read_text()) if args.json.exists() else {}
    if not args.render_only:
        store = measure(args)
        from hyperdistill.io import write_json

        write_json(args.json, store)
    from hyperdistill.io import write_text

    write_text(args.md, render(store))
    print(f"wrote {args.md}")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from hyperdistill.export.onnx import onnx_session, run_onnx
    from hyperdistill.scale.ray_predict import list_shards, predict_shards, score_shard

    shards = _write_shards(WORK / "shards", args.shards, args.rows)
    model = _export_student(WORK / "student.onnx")
    session = onnx_session(model, threads=1, spinning=False)
    start = time.perf_counter()
    for shard in list_shards(shards):
        score_shard(
            lambda rows: run_onnx(session, rows), shard, WORK / "in_process" / (shard.stem + ".npy"), False
        )
    in_process = time.perf_counter() - start
    total_rows = args.shards * args.rows
    runs = []
    for workers in args.workers:
        out = WORK / f"ray_{workers}"
        report = predict_shards(
            model, shards, out, address=args.address, workers=workers, threads_per_worker=1
        )
        matched = all(
            np.array_equal(np.load(out / (s.stem + ".npy")), np.load(WORK / "in_process" / (s.stem + ".npy")))
            for s in list_shards(shards)
        )
        summary = report.to_dict()
        rates = [w["rows_per_second"] for w in summary["per_worker"].values()]
        runs.append(
            {
                **summary,
                "matched_in_process": matched,
                "mean_rows_per_second_per_worker": float(np.mean(rates)),
            }
        )
        print(
            f"{workers} worker(s): {summary['rows_per_second_wall']:,.0f} rows/s wall, matched={matched}",
            flush=True,
        )
    return {
        "shards": args.shards,
        "rows_per_shard": args.rows,
        "features": NUM_FEATURES,
        "in_process_seconds": in_process,
        "in_process_rows_per_second": total_rows / in_process,
        "runs": runs,
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "command": " ".join(["python benchmarks/ray_throughput.py", *args.argv]),
    }


def _write_shards(directory: Path, count: int, rows: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        path = directory / f"part-{i:03d}.npy"
        if not path.exists() or np.load(path, mmap_mode="r").shape != (rows, NUM_FEATURES):
            counts = rng.poisson(0.12, size=(rows, NUM_FEATURES)).astype(np.float32)  # bag-of-words rows
            np.save(path, counts)
    return directory


def _export_student(path: Path) -> Path:
    import torch

    from hyperdistill.artifact import StudentArtifact, artifact_metadata
    from hyperdistill.export.onnx import export_onnx
    from hyperdistill.models import MLP

    torch.manual_seed(0)
    mlp = MLP(NUM_FEATURES, NUM_CLASSES).eval()
    metadata = artifact_metadata(mlp, "row_l1", class_names=[str(c) for c in range(NUM_CLASSES)])
    export_onnx(StudentArtifact(mlp, metadata), path)
    return path


def render(store: dict[str, Any]) -> str:
    template = (ROOT / "benchmarks" / "ray_template.md").read_text()
    if not store:
        return template.replace("{{TABLE}}", "(not measured yet: run `python benchmarks/ray_throughput.py`)")
    lines = [
        f"{store['shards']} shards x {store['rows_per_shard']:,} rows x {store['features']} raw features, "
        f"{store['cpus']} CPUs (1-min load average at the end {store['load_average_1m_at_end']}; the machine "
        "was shared with other work). Command: `" + store["command"] + "`.",
        "",
        "| path | workers | wall s | rows/s (wall) | rows/s per worker (busy time) | same predictions |",
        "|---|---:|---:|---:|---:|---|",
        f"| in process (onnxruntime, 1 thread) | 1 | {store['in_process_seconds']:.1f} | "
        f"{store['in_process_rows_per_second']:,.0f} | {store['in_process_rows_per_second']:,.0f} | "
        "reference |",
    ]
    for run in store["runs"]:
        lines.append(
            f"| Ray Data ({run['address']}) | {run['workers']} | {run['wall_seconds']:.1f} | "
            f"{run['rows_per_second_wall']:,.0f} | {run['mean_rows_per_second_per_worker']:,.0f} | "
            f"{'yes' if run['matched_in_process'] else 'NO'} |"
        )
    return template.replace("{{TABLE}}", "\n".join(lines))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--shards", type=int, default=12)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--address", default=None, help="an existing Ray cluster (default: local instance)")
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "ray.json")
    parser.add_argument("--md", type=Path, default=ROOT / "docs" / "ray.md")
    return parser


if __name__ == "__main__":
    main()
