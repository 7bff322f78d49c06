"""The transductive table of LightHGNN: HGNN teacher, MLP, LightHGNN, LightHGNN+ on the paper's datasets.

    python benchmarks/transductive.py            # run what is missing, then render docs/results.{json,md}
    python benchmarks/transductive.py --render   # only re-render from the stored runs

Each dataset's run is stored as soon as it finishes (runs/transductive/<name>/result.json), so an
interrupted run resumes where it stopped. docs/results.json keeps per dataset and model the mean, std and
per-seed accuracy; docs/results.md is rendered from it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hyperdistill.config import RunConfig
from hyperdistill.io import write_json, write_text
from hyperdistill.results import RunResult
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
COMMAND = "python benchmarks/transductive.py"


def run_missing(names: list[str]) -> None:
    for name in names:
        target = RUNS / name / "result.json"
        if target.exists():
            continue
        start = time.perf_counter()
        result = run(RunConfig(dataset=name))
        result.save(target.parent)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)


def summary(names: list[str]) -> dict[str, object]:
    """Per dataset and model: accuracy mean, std and per-seed values (percent), from the stored runs."""
    out: dict[str, object] = {}
    for name in names:
        path = RUNS / name / "result.json"
        if not path.exists():
            continue
        result = RunResult.load(path)
        models = {
            s.model: {
                "role": s.role,
                "mean": round(100 * s.mean, 2),
                "std": round(100 * s.std, 2),
                "values": [round(100 * v, 2) for v in s.values],
            }
            for s in result.summary()
            if s.metric == "accuracy"
        }
        out[name] = {
            "setting": "transductive",
            "protocol": result.config["protocol"],
            "teacher": result.config["teacher"],
            "seconds": result.seconds,
            "models": models,
        }
    return out


def render(data: dict[str, dict]) -> str:
    models = ["hgnn", "mlp", "lighthgnn", "lighthgnn_plus"]
    lines = [
        "# Results",
        "",
        f"Regenerate with `{COMMAND}` (stored runs are reused; delete `runs/transductive/` to redo them).",
        "Rendered from [`results.json`](results.json). Accuracy in % on the test vertices, mean ± std over",
        "the 5 seeds of the `lighthgnn` protocol (20 train / 100 validation per class, rest test), HGNN",
        "teacher, 200 epochs, best validation epoch, row-L1 features, CPU.",
        "",
        "## Transductive",
        "",
        "| dataset | HGNN (teacher) | MLP | LightHGNN | LightHGNN+ | best student − teacher "
        "| best student − MLP |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    gaps: dict[str, list[float]] = {"teacher": [], "mlp": []}
    for name, entry in data.items():
        scores = entry["models"]
        cells = [f"{scores[m]['mean']:.2f} ± {scores[m]['std']:.2f}" for m in models]
        best = max(scores["lighthgnn"]["mean"], scores["lighthgnn_plus"]["mean"])
        vs_teacher, vs_mlp = best - scores["hgnn"]["mean"], best - scores["mlp"]["mean"]
        if name in HYPERGRAPHS:
            gaps["teacher"].append(vs_teacher)
            gaps["mlp"].append(vs_mlp)
        lines.append(f"| {name} | {' | '.join(cells)} | {vs_teacher:+.2f} | {vs_mlp:+.2f} |")
    if gaps["teacher"]:
        n = len(gaps["teacher"])
        lines += [
            "",
            f"Over the {n} hypergraph datasets, the best student is on average "
            f"{sum(gaps['teacher']) / n:+.2f} points from the teacher and {sum(gaps['mlp']) / n:+.2f} points "
            "from the plain MLP.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--render", action="store_true", help="only re-render from the stored runs")
    parser.add_argument("--datasets", nargs="*", default=HYPERGRAPHS + GRAPHS)
    args = parser.parse_args()
    if not args.render:
        run_missing(args.datasets)
    data = summary(HYPERGRAPHS + GRAPHS)
    write_json(ROOT / "docs" / "results.json", data)
    write_text(ROOT / "docs" / "results.md", render(data))


if __name__ == "__main__":
    main()
