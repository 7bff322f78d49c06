"""Run the inference speed benchmark and render docs/benchmarks.md and its plot from docs/benchmarks.json.

    python benchmarks/speed.py                     # measure (CPU, all datasets), then render
    python benchmarks/speed.py --render-only       # re-render the page and plot from the committed JSON
    python benchmarks/speed.py --device cuda --datasets synthetic-speed --json gpu.json --no-render
    python benchmarks/speed.py --merge gpu.json    # add runs measured elsewhere, then render

A measurement replaces the runs of the same dataset, device and machine in the JSON and keeps the others,
so CPU and GPU figures taken on different machines live side by side. The page is a pure function of the
JSON (see render_speed.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from render_speed import render

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "docs" / "benchmarks.json"
DEFAULT_DATASETS = ("synthetic-speed", "cc_cora", "news20", "imdb_aw", "ca_dblp")
SCHEMA = 1


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    store = _read(args.json) if args.json.exists() else {"schema": SCHEMA, "runs": []}
    for path in args.merge:
        store = _merge(store, _read(path)["runs"])
    if not args.render_only:
        command = " ".join(["python benchmarks/speed.py", *(argv if argv is not None else sys.argv[1:])])
        store = _merge(store, _measure(args, command))
    if not args.render_only or args.merge:
        from hyperdistill.io import write_json

        write_json(args.json, store)
        print(f"wrote {args.json}")
    if args.render:
        for path in render(store, args.json):
            print(f"wrote {path}")


def _measure(args: argparse.Namespace, command: str) -> list[dict[str, Any]]:
    from hyperdistill.eval.speed import SPEED_DATASET, BenchConfig, bench_dataset, load_bench_dataset
    from hyperdistill.eval.speed_summary import headline

    config = BenchConfig(
        device=args.device,
        threads=args.threads,
        repeats=args.repeats,
        warmup=args.warmup,
        onnx=not args.no_onnx,
    )
    runs = []
    for name in args.datasets.split(","):
        try:
            dataset = load_bench_dataset(name.strip(), args.data_root)
        except Exception as exc:  # a reader still missing must not cost the other datasets
            print(f"skipping {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        print(f"{dataset.name}: {dataset.num_nodes:,} vertices, {dataset.num_features} features", flush=True)
        started = time.perf_counter()
        run = bench_dataset(dataset, config, progress=lambda line: print(line, flush=True))
        run["dataset"]["key"] = name.strip()
        run["command"] = command
        run["seconds"] = round(time.perf_counter() - started, 1)
        run["measured"] = datetime.now(UTC).isoformat(timespec="seconds")
        for label, (value, met) in headline(run).items():
            verdict = (
                (" (target met)" if met else " (target NOT met)") if name.strip() == SPEED_DATASET else ""
            )
            print(f"  {label}: {value:,.2f}x{verdict}", flush=True)
        runs.append(run)
    return runs


def _merge(store: dict[str, Any], runs: list[dict[str, Any]]) -> dict[str, Any]:
    def key(run: dict[str, Any]) -> tuple[str, str, str]:
        return run["dataset"].get("key", run["dataset"]["name"]), run["device"], run["machine_label"]

    fresh = {key(r) for r in runs}
    kept = [r for r in store.get("runs", []) if key(r) not in fresh]
    return {**store, "schema": SCHEMA, "runs": kept + runs}


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"cannot read benchmark JSON {path}: {exc}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS), help="comma-separated")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--threads", type=int, default=None, help="torch/onnxruntime threads")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX student")
    parser.add_argument("--data-root", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="the summary to update and render")
    parser.add_argument("--merge", type=Path, action="append", default=[], help="add runs from this JSON")
    parser.add_argument("--render-only", action="store_true", help="render the page from the JSON only")
    parser.add_argument("--no-render", dest="render", action="store_false", help="measure without rendering")
    return parser


if __name__ == "__main__":
    main()
