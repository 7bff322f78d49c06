"""Every registered teacher and method trains by name on every benchmark dataset, in both settings.

    python benchmarks/coverage.py                 # writes docs/coverage.md and docs/coverage.json
    python benchmarks/coverage.py --epochs 2      # (the default: a smoke test of the wiring, not accuracy)
    python benchmarks/coverage.py --only unigcn unigat --datasets cora citeseer   # redo some cells

Cells not asked for are kept from the existing ``coverage.json`` (when it was made with the same epochs),
so a change to one teacher re-runs its column only.

Runs ``hyperdistill.run.run`` (what ``hyperdistill run`` calls) once per (dataset, setting, teacher) with
LightHGNN+, and once per (dataset, setting) with the HGNN teacher and every distiller, each for a few
epochs and one seed. A cell says ``ok`` with its seconds, or the error. Accuracy after 2 epochs means
nothing; docs/results.md holds the real runs.
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from pathlib import Path
from typing import Any

import torch

from hyperdistill.config import RunConfig
from hyperdistill.distill import DISTILLERS
from hyperdistill.io import write_json, write_text
from hyperdistill.models import TEACHERS
from hyperdistill.run import run

ROOT = Path(__file__).resolve().parents[1]
DATASETS_RUN = [
    "ca_cora", "cc_cora", "cc_citeseer", "news20", "dblp4k_paper", "dblp4k_term", "dblp4k_conf", "imdb_aw",
    "cora", "citeseer", "cora_glnn", "citeseer_glnn",
]  # fmt: skip
SETTINGS = ("transductive", "production")


def attempt(config: RunConfig) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        run(config)
    except Exception as exc:  # a coverage matrix records failures instead of stopping at the first
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300], "trace": traceback.format_exc()}
    return {"ok": True, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--datasets", nargs="+", default=DATASETS_RUN)
    parser.add_argument(
        "--only", nargs="+", metavar="COLUMN", help="only these columns: teacher names, or 'methods'"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "coverage.json")
    parser.add_argument("--md", type=Path, default=ROOT / "docs" / "coverage.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    teachers, methods = TEACHERS.names(), DISTILLERS.names()
    columns = set(args.only or [*teachers, "methods"])
    unknown = columns - {*teachers, "methods"}
    if unknown:
        parser.error(f"--only: no teacher {', '.join(sorted(unknown))}; teachers: {', '.join(teachers)}")
    cells = kept_cells(args.json, args.epochs, teachers)
    for dataset in args.datasets:
        for setting in SETTINGS:
            base = {"dataset": dataset, "setting": setting, "seeds": (0,), "epochs": args.epochs}
            for teacher in sorted(columns & set(teachers)):
                config = RunConfig(**base, teacher=teacher, methods=("lighthgnn_plus",), progress=False)
                cells[f"{dataset}/{setting}/teacher/{teacher}"] = result = attempt(config)
                print(dataset, setting, teacher, result.get("seconds", result.get("error")), flush=True)
            if "methods" in columns:
                config = RunConfig(**base, teacher="hgnn", methods=tuple(methods), progress=False)
                cells[f"{dataset}/{setting}/methods"] = result = attempt(config)
                print(dataset, setting, "all methods", result.get("seconds", result.get("error")), flush=True)
    summary = {"epochs": args.epochs, "teachers": teachers, "methods": methods, "cells": cells}
    write_json(args.json, summary)
    write_text(args.md, render(summary))
    print(f"wrote {args.md}")


def kept_cells(path: Path, epochs: int, teachers: list[str]) -> dict[str, dict[str, Any]]:
    """The cells of an earlier run with the same epochs, for teachers still registered; {} without one."""
    if not path.exists():
        return {}
    earlier = json.loads(path.read_text())
    if earlier.get("epochs") != epochs:
        return {}
    columns = {*(f"teacher/{name}" for name in teachers), "methods"}
    return {key: cell for key, cell in earlier["cells"].items() if key.split("/", 2)[2] in columns}


def render(summary: dict[str, Any]) -> str:
    cells = summary["cells"]
    present = {key.split("/", 1)[0] for key in cells}
    datasets = [name for name in DATASETS_RUN if name in present] + sorted(present - set(DATASETS_RUN))
    columns = [*summary["teachers"], "all methods"]
    lines = [
        "# Coverage: every teacher and method, every dataset, both settings",
        "",
        "Regenerate with `python benchmarks/coverage.py` (from [`coverage.json`](coverage.json)). Each",
        f"cell is one `hyperdistill run` ({summary['epochs']} epochs, seed 0): a teacher column distils",
        "that teacher with LightHGNN+; *all methods* distils HGNN into every registered method "
        f"({', '.join(summary['methods'])}). `ok` with the seconds it took, or the error. A wiring check,",
        "not accuracy: the real runs are in [results.md](results.md).",
        "",
        "| dataset | setting | " + " | ".join(columns) + " |",
        "|---|---|" + "---:|" * len(columns),
    ]
    failures = []
    for dataset in datasets:
        for setting in SETTINGS:
            row = [dataset, setting]
            for column in columns:
                what = "methods" if column == "all methods" else f"teacher/{column}"
                key = f"{dataset}/{setting}/{what}"
                cell = cells.get(key)
                if cell is None:
                    row.append("–")
                elif cell["ok"]:
                    row.append(f"ok {cell['seconds']:.0f} s")
                else:
                    row.append("**failed**")
                    failures.append(f"- {key}: {cell['error']}")
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Failures:" if failures else "No failures.", "", *failures]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
