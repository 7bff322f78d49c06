"""The runs of the transductive table: HGNN teacher, MLP, LightHGNN, LightHGNN+ on the paper's datasets.

    python benchmarks/transductive.py            # run what is missing, then render docs/results.md
    python benchmarks/transductive.py --render   # only re-render

Superseded by the one command, `python benchmarks/results.py`, which runs the same units through the
experiment grid (experiments/lighthgnn.toml) and recognises the results this script stored. Each dataset's
run is stored as soon as it finishes (runs/transductive/<name>/result.json), so an interrupted run resumes;
the page (docs/results.md, docs/results.json in its first schema, and the rest) is rendered by
benchmarks/results.py from everything stored.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hyperdistill.config import RunConfig
from hyperdistill.experiments import Grid, open_store
from hyperdistill.experiments.document import render
from hyperdistill.run import run

HYPERGRAPHS = [
    "ca_cora",
    "cc_cora",
    "cc_citeseer",
    "news20",
    "dblp4k_paper",
    "dblp4k_term",
    "dblp4k_conf",
    "imdb_aw",
]
GRAPHS = ["cora", "citeseer"]
ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "runs" / "transductive"
GRID = ROOT / "experiments" / "lighthgnn.toml"
FULL = ROOT / "experiments" / "lighthgnn_full.toml"


def run_missing(names: list[str]) -> None:
    for name in names:
        target = RUNS / name / "result.json"
        if target.exists():
            continue
        start = time.perf_counter()
        result = run(RunConfig(dataset=name))
        result.save(target.parent)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--render", action="store_true", help="only re-render from the stored runs")
    parser.add_argument("--datasets", nargs="*", default=HYPERGRAPHS + GRAPHS)
    args = parser.parse_args()
    if not args.render:
        run_missing(args.datasets)
    grid = Grid.load(GRID)
    store, _ = open_store(grid, ROOT)
    render(grid, store, ROOT / "docs", Grid.load(FULL))


if __name__ == "__main__":
    main()
