"""What a speed run says: the machine's short name, ratios of medians, and the issue's targets."""

from __future__ import annotations

from typing import Any

#: (label, ratio key, target, "min" or "max"): the targets the synthetic run is held to.
TARGETS = (
    ("batch 1: HGNN full propagation / student", "per_query.b1.hgnn_full/student", 1000.0, "min"),
    ("batch 1: HGNN 2-hop restricted / student", "per_query.b1.hgnn_2hop/student", 10.0, "min"),
    ("whole graph: MLP / bare first-layer matmul", "whole_graph.mlp/matmul", 1.3, "max"),
)


def machine_label(env: dict[str, Any]) -> str:
    """A short name of the machine a run was taken on (device, CPU model, cores, threads)."""
    threads = f"{env['torch_threads']} thread{'s' if env['torch_threads'] != 1 else ''}"
    if env["device"] == "cuda":
        return f"cuda: {env.get('gpu')} (host {env['cpu_model']}, {threads})"
    return f"cpu: {env['cpu_model']}, {env['usable_cores']} cores, {threads}"


def ratios(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Ratios of medians from one run, keyed ``per_query.b{B}.{figure}/student``, ``whole_graph.{figure}/mlp``
    and ``whole_graph.mlp/matmul``."""
    median = {(r["section"], r["key"], r["batch_size"]): r["median_ms"] for r in rows}
    out: dict[str, float] = {}
    for (section, key, batch), value in median.items():
        if section == "per_query" and key != "student" and (section, "student", batch) in median:
            out[f"per_query.b{batch}.{key}/student"] = value / median[(section, "student", batch)]
        if section == "whole_graph" and key != "mlp" and (section, "mlp", batch) in median:
            out[f"whole_graph.{key}/mlp"] = value / median[(section, "mlp", batch)]
            if key == "matmul":
                out["whole_graph.mlp/matmul"] = median[(section, "mlp", batch)] / value
    return out


def headline(run: dict[str, Any]) -> dict[str, tuple[float, bool]]:
    """``{label: (ratio, target met)}`` for the targets present in the run."""
    out = {}
    for label, key, target, kind in TARGETS:
        if key in run["ratios"]:
            value = run["ratios"][key]
            out[label] = (value, value >= target if kind == "min" else value <= target)
    return out
