"""The whole results page of LightHGNN's evidence, in one command: run what is missing, then render.

    python benchmarks/results.py                 # run the missing runs of the grid, render docs/results.md
    python benchmarks/results.py --render        # only re-render from the stored runs
    python benchmarks/results.py --grid experiments/lighthgnn_full.toml --max-minutes 60

Every run is stored as it finishes (runs/grid/records/...), the teachers in a cache beside them, so an
interrupted call resumes where it stopped and a call with nothing left only re-renders (a few seconds).
The runs of benchmarks/transductive.py (runs/transductive/<name>/result.json) are recognised, not redone.
Writes docs/results.md, docs/results_grid.json, docs/results.json (the transductive table in its first
schema) and the figures docs/results_*.png.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from rich.console import Console

from hyperdistill.experiments import Grid, open_store, run_grid
from hyperdistill.experiments.document import render

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", type=Path, default=ROOT / "experiments" / "lighthgnn.toml")
    parser.add_argument(
        "--full",
        type=Path,
        default=ROOT / "experiments" / "lighthgnn_full.toml",
        help="say what of it is run",
    )
    parser.add_argument("--render", action="store_true", help="only re-render from the stored runs")
    parser.add_argument("--block", action="append", help="run only this block (repeatable)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1: shared cores)")
    parser.add_argument("--max-minutes", type=float, help="start no new unit after this many minutes")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    console = Console(stderr=True)
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    grid = Grid.load(args.grid)
    store, cache = open_store(grid, ROOT)
    if not args.render:
        deadline = None if args.max_minutes is None else time.monotonic() + 60 * args.max_minutes
        run_grid(grid, store, cache, args.block, console, console.is_terminal, deadline)
    full = Grid.load(args.full) if args.full and args.full.exists() and args.full != args.grid else None
    written = render(grid, store, args.docs, full)
    console.print(f"wrote {len(written)} files into {args.docs} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
