"""Render docs/benchmarks.md and docs/benchmarks_latency.png from the benchmark JSON (no measuring here)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from scale import summary_table  # benchmarks/scale.py, beside this file

SPEED_KEY = "synthetic-speed"
PLOT_KEYS = {  # figure: (label, colour, line style, marker)
    "student": ("student MLP, torch", "tab:blue", "-", "o"),
    "onnx": ("student MLP, onnxruntime", "tab:cyan", "-", "s"),
    "matmul": ("bare first-layer matmul", "grey", ":", "."),
    "hgnn_full": ("HGNN, full propagation (rebuilt)", "tab:red", "-", "^"),
    "hgnn_full_prebuilt": ("HGNN, full propagation (prebuilt)", "tab:red", "--", "^"),
    "hgnn_2hop": ("HGNN, 2-hop restricted", "tab:orange", "-", "v"),
    "hgnnp_full": ("HGNN+, full propagation (rebuilt)", "tab:purple", "-", "<"),
    "hgnnp_2hop": ("HGNN+, 2-hop restricted", "tab:pink", "-", ">"),
}
NOTES = """\
## What the figures mean

- **Timing.** Each figure is the median (and 90th percentile) of repeated calls after discarded warm-up
  calls; on CUDA the device is synchronised before and after every call. The figures of one table are
  timed *interleaved* (A B C, B C A, ...) so that a busy neighbour on a shared machine slows them alike;
  the ratios are ratios of medians from that one run. Per-query figures are *settled*: each timed call
  follows one discarded call of the same function, so a 50 µs student is timed warm, as when it serves
  alone, not right after a 100 ms teacher call evicted its weights from the caches (whole-graph calls
  stream hundreds of MB and are not settled). Threads are fixed with `torch.set_num_threads`
  (onnxruntime gets the same number of intra-op threads, spinning off) and recorded per machine. The
  CPU runs use 1 thread: that machine's 2 cores are shared with other jobs, and with 2 threads a
  parallel region waited for a descheduled thread (a 300 x 30 linear layer took 48 ms instead of 0.08).
- **Whole graph.** Student MLP and teachers run on the row-L1-normalised features, with each teacher's
  propagation operator prebuilt; the normalisation itself (`preprocessing`), the student from raw
  features (`mlp_raw`, normalisation inside, as `predict` and the ONNX graph run it) and the operator
  build (`*_operator`: a fresh Hypergraph from the incidence list, validation included, then the two
  sparse stages) are separate rows. `matmul` is one bare dense product of the first layer's shape
  (N x F times F x 128): the MLP cannot be faster, so `mlp / matmul` says how close it is to the limit.
  The student runs BatchNorm folded into the first Linear and without dropout (what `predict` runs).
- **Per query.** A seeded pool of 1,000 vertices (at most a fifth of the vertices on small sets) is
  removed with its incidences before anything is timed; batch b inserts the first b back as new vertices.
  `student`: the MLP on their raw features (normalisation included; the inference module that `predict`
  runs, called on a tensor, so without `predict`'s input checks and numpy conversion). `*_full`: the
  queries' features and incidences are inserted, the Hypergraph and the teacher's operator are rebuilt for
  the changed structure and the teacher runs over the whole hypergraph; this is the headline, since a new
  vertex changes the degrees the operator is built from. `*_full_prebuilt`: the same with the operator
  built in advance (a lower bound that assumes the structure was known). `*_2hop`: the queries' 2-hop
  sub-hypergraph (hyperedges of the queries, their members, all hyperedges of those, their members) is
  extracted with vectorised CSR gathers from an index prebuilt for the hypergraph with the queries, its
  operator built, and the teacher run on it; extraction and build are counted. HGNN+ gives exactly the
  full-propagation outputs on it; HGNN's symmetric normalisation sees truncated degrees on the outer ring,
  a close approximation. Feature rows for the queries are preallocated, so no timed call copies the N x F
  feature matrix.
- **Memory.** `peak MiB` is what one extra call adds at its peak. CPU: the rise of the process's resident
  set high-water mark (`VmHWM`, reset through `/proc/self/clear_refs`) over the resident set before the
  call, after returning freed heap pages with `malloc_trim`; onnxruntime's memory is taken from a second
  session with its memory arena off. CUDA: `torch.cuda.max_memory_allocated` above the allocation before
  the call. Inputs and prebuilt structures are not counted.
- **Weights** are randomly initialised (seeded): the arithmetic timed does not depend on their values.
  On CUDA, Hypergraph and operator construction run on the CPU and the operator is copied to the device;
  the copy is part of every rebuild.
"""


def render(store: dict[str, Any], json_path: Path) -> list[Path]:
    """Write the markdown page and the plot beside ``json_path``; returns their paths."""
    from hyperdistill.export import write_bytes
    from hyperdistill.io import write_text

    docs = Path(json_path).parent
    runs = store.get("runs", [])
    page = docs / "benchmarks.md"
    write_text(page, markdown(runs, Path(json_path).name) + scale_section(docs))
    plot = docs / "benchmarks_latency.png"
    write_bytes(plot, latency_plot(runs))
    return [page, plot]


def markdown(runs: list[dict[str, Any]], json_name: str) -> str:
    """The whole page: headline against the targets, notes, then every run's tables."""
    lines = [
        "# Inference speed: the MLP student against HGNN teachers",
        "",
        f"<!-- Generated by benchmarks/speed.py from {json_name}; edit that script, not this page. -->",
        "",
        f"Regenerate this page and `benchmarks_latency.png` from the committed figures in `{json_name}` with "
        "`python benchmarks/speed.py --render-only`. Each run below names the command that measured it; "
        "absolute times hold only for the machine they were taken on, ratios come from one run.",
        "",
        *_headline(runs),
        "![Per-query latency against batch size](benchmarks_latency.png)",
        "",
        NOTES,
    ]
    for run in runs:
        lines += _run_section(run)
    return "\n".join(lines).rstrip() + "\n"


def scale_section(docs: Path) -> str:
    """The scale and Ray figures (from docs/scale.json and docs/ray.json, when present), in short."""
    lines = []
    scale, ray = docs / "scale.json", docs / "ray.json"
    if scale.exists():
        lines += [
            "",
            "## Scale: distillation end to end on 2 cores",
            "",
            "From [`scale.json`](scale.json), measured by `python benchmarks/scale.py` (per-stage time and "
            "memory, how cost grows with size and the commands: [scale.md](scale.md)).",
            "",
            *summary_table(json.loads(scale.read_text())["cases"]),
        ]
    if ray.exists():
        data = json.loads(ray.read_text())
        lines += [
            "",
            "## Batch inference on Ray",
            "",
            f"From [`ray.json`](ray.json), measured by `python benchmarks/ray_throughput.py` "
            f"({data['shards']} shards x {data['rows_per_shard']:,} rows; details in [ray.md](ray.md)): in "
            f"process {data['in_process_rows_per_second']:,.0f} rows/s; "
            + "; ".join(
                f"{r['workers']} Ray worker(s): "
                f"{r['mean_rows_per_second_per_worker']:,.0f} rows/s per worker "
                f"({r['rows_per_second_wall']:,.0f} rows/s wall), same predictions: {r['matched_in_process']}"
                for r in data["runs"]
            )
            + ".",
        ]
    return "\n".join(lines) + ("\n" if lines else "")


def _headline(runs: list[dict[str, Any]]) -> list[str]:
    from hyperdistill.eval.speed_summary import TARGETS

    speed = [r for r in runs if r["dataset"].get("key") == SPEED_KEY]
    if not speed:
        return ["No run on the synthetic speed hypergraph yet.", ""]
    head = [
        "machine",
        *(f"{label} (target {'≥' if kind == 'min' else '≤'} {t:g}x)" for label, _, t, kind in TARGETS),
    ]
    head.append("ONNX vs torch, max abs diff (target ≤ 1e-5)")
    lines = [
        "## Headline: the ~55,000-vertex synthetic hypergraph",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for run in speed:
        cells = [run["machine_label"]]
        for _, key, target, kind in TARGETS:
            value = run["ratios"].get(key)
            ok = value is not None and (value >= target if kind == "min" else value <= target)
            cells.append("-" if value is None else f"{value:,.2f}x {'(met)' if ok else '(NOT met)'}")
        cells.append(_parity_cell(run.get("onnx_parity")))
        lines.append("| " + " | ".join(cells) + " |")
    return [
        *lines,
        "",
        *(_context_line(run) for run in speed),
        "",
        _synthetic_line(speed[0]),
        "",
        _gpu_line(runs),
        "",
    ]


def _context_line(run: dict[str, Any]) -> str:
    """The figures around the headline ratios, so that none of them is read out of context."""
    r = run["ratios"]
    parts = [f"On {run['machine_label']}:"]
    if "whole_graph.mlp_raw/mlp" in r and "whole_graph.mlp/matmul" in r:
        raw = r["whole_graph.mlp_raw/mlp"] * r["whole_graph.mlp/matmul"]
        parts.append(
            f"from raw features (row-L1 fused into the first layer, as `predict` runs it) the whole-graph "
            f"MLP takes {raw:.2f}x the bare product;"
        )
    if "whole_graph.hgnn/mlp" in r:
        teacher = r["whole_graph.hgnn/mlp"]
        parts.append(f"HGNN's whole-graph forward with a prebuilt operator takes {teacher:.2f}x the MLP's;")
    prebuilt = r.get("per_query.b1.hgnn_full_prebuilt/student")
    if prebuilt is not None:
        parts.append(
            f"at batch 1, full propagation with the operator prebuilt is {prebuilt:,.0f}x the student;"
        )
    onnx = r.get("per_query.b1.onnx/student")
    if onnx is not None:
        parts.append(f"the ONNX student takes {onnx:.2f}x the torch student's time at batch 1.")
    return " ".join(parts).rstrip(";") + ("" if parts[-1].endswith(".") else ".")


def _gpu_line(runs: list[dict[str, Any]]) -> str:
    if any(run["device"] == "cuda" for run in runs):
        return "GPU figures are in the runs marked `cuda` below."
    return (
        "**No GPU figures yet**: no GPU machine was available when these runs were taken. On a CUDA machine, "
        "`python benchmarks/speed.py --device cuda --datasets synthetic-speed --json gpu.json --no-render`, "
        "then here `python benchmarks/speed.py --merge gpu.json` adds them to this page."
    )


def _parity_cell(parity: dict[str, Any] | None) -> str:
    if not parity:
        return "not measured on this device"
    verdict = "met" if parity["passed"] else "NOT met"
    return (
        f"probabilities {parity['max_abs_diff_probabilities']:.1e}, logits "
        f"{parity['max_abs_diff_logits']:.1e} ({verdict}, {parity['rows']} rows)"
    )


def _synthetic_line(run: dict[str, Any]) -> str:
    source = run["dataset"].get("source", "").removeprefix("generated: ")
    return (
        f"The synthetic hypergraph comes from `hyperdistill.data.synthetic.make_synthetic` with {source} "
        "(`hyperdistill.eval.speed.SPEED_SYNTHETIC`): bag-of-words count features, planted classes, "
        "mostly within-class hyperedges; after deduplication and singleton hyperedges for isolated vertices "
        f"it has {run['structure']['num_nodes']:,} vertices, {run['structure']['num_edges']:,} hyperedges "
        f"and {run['structure']['num_incidences']:,} incidences."
    )


def _run_section(run: dict[str, Any]) -> list[str]:
    data, machine = run["dataset"], run["machine"]
    rows = run["rows"]
    threads = f"torch threads {machine['torch_threads']}, usable cores {machine['usable_cores']}"
    lines = [
        f"## {data.get('key', data['name'])} on {run['machine_label']}",
        "",
        f"{data['num_nodes']:,} vertices, {run['structure']['num_edges']:,} hyperedges "
        f"({run['structure']['num_incidences']:,} incidences), {data['num_features']:,} features, "
        f"{data['num_classes']} classes. Machine: {machine['cpu_model']} ({threads}"
        + (f", GPU {machine['gpu']}, CUDA {machine['cuda']}" if machine.get("gpu") else "")
        + f"); torch {machine['torch']}, onnxruntime {machine.get('onnxruntime')}. "
        f"Measured {run.get('measured', '?')} in {run.get('seconds', '?')} s with "
        f"`{run.get('command', 'hyperdistill bench')}`; {run['config']['repeats']} timed calls per figure "
        f"after {run['config']['warmup']} warm-up calls.",
        "",
        "### Whole graph",
        "",
        "| figure | model | what | median ms | p90 ms | peak MiB | / MLP |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    mlp = next((r["median_ms"] for r in rows if r["section"] == "whole_graph" and r["key"] == "mlp"), None)
    for row in rows:
        if row["section"] in ("whole_graph", "operator_build"):
            ratio = f"{row['median_ms'] / mlp:.2f}" if mlp else "-"
            lines.append(
                f"| {row['key']} | {row['model']} | {row['variant']} | {row['median_ms']:.4g} | "
                f"{row['p90_ms']:.4g} | {_mib(row)} | {ratio} |"
            )
    return [*lines, "", *_query_tables(run), ""]


def _query_tables(run: dict[str, Any]) -> list[str]:
    rows = [r for r in run["rows"] if r["section"] == "per_query"]
    if not rows:
        return []
    batches = sorted({r["batch_size"] for r in rows})
    keys = list(dict.fromkeys(r["key"] for r in rows))
    cell = {(r["key"], r["batch_size"]): r for r in rows}
    head = " | ".join(f"b={b:,}" for b in batches)
    rule = "|---|" + "---:|" * len(batches)
    lines = ["### Per query: median (p90) ms per batch", "", f"| figure | {head} |", rule]
    for key in keys:
        values = [cell.get((key, b)) for b in batches]
        text = [f"{v['median_ms']:.4g} ({v['p90_ms']:.4g})" if v else "-" for v in values]
        lines.append(f"| {key} | " + " | ".join(text) + " |")
    lines += ["", "### Per query: ratio to the student (median / median)", "", f"| figure | {head} |", rule]
    for key in keys:
        if key != "student":
            ratios = [run["ratios"].get(f"per_query.b{b}.{key}/student") for b in batches]
            lines.append(f"| {key} | " + " | ".join(_ratio(r) for r in ratios) + " |")
    lines += ["", "### Per query: peak MiB added by one call", "", f"| figure | {head} |", rule]
    for key in keys:
        lines.append(
            f"| {key} | "
            + " | ".join(_mib(cell[(key, b)]) if (key, b) in cell else "-" for b in batches)
            + " |"
        )
    hops = [cell.get((next((k for k in keys if k.endswith("_2hop")), ""), b)) for b in batches]
    if any(h and "subgraph_vertices" in h for h in hops):
        sizes = [
            f"b={b:,}: {h['subgraph_vertices']:,} vertices, {h['subgraph_incidences']:,} incidences"
            for b, h in zip(batches, hops, strict=True)
            if h and "subgraph_vertices" in h
        ]
        lines += ["", "Size of the queries' 2-hop sub-hypergraph: " + "; ".join(sizes) + "."]
    notes = {r["key"]: r["variant"] for r in rows}
    lines += ["", "Figures: " + "; ".join(f"`{k}` = {v}" for k, v in notes.items()) + "."]
    return lines


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _mib(row: dict[str, Any]) -> str:
    peak = row.get("peak_bytes")
    return "-" if peak is None else f"{peak / 2**20:.2f}"


def latency_plot(runs: list[dict[str, Any]]) -> bytes:
    """PNG bytes: per-query median latency against batch size, log-log, one panel per speed run."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    speed = [r for r in runs if r["dataset"].get("key") == SPEED_KEY] or runs[:1]
    panels = max(1, len(speed))
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 5.2), squeeze=False, sharey=True)
    for ax, run in zip(axes[0], speed, strict=False):
        rows = [r for r in run["rows"] if r["section"] == "per_query"]
        for key, (label, colour, style, marker) in PLOT_KEYS.items():
            points = sorted((r["batch_size"], r["median_ms"]) for r in rows if r["key"] == key)
            if points:
                x, y = zip(*points, strict=True)
                ax.plot(x, y, color=colour, linestyle=style, marker=marker, label=label)
        ax.set(xscale="log", yscale="log", xlabel="query batch size (new vertices)")
        ax.set_title(
            f"{run['dataset'].get('key', run['dataset']['name'])}\n{run['machine_label']}", fontsize=8
        )
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("median latency per batch (ms)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(4, 2 * panels), fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.17 if panels == 1 else 0.1, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return buffer.getvalue()
