"""``hyperdistill scale``: distil a large hypergraph end to end, memory-bounded, with per-stage cost."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from hyperdistill.cli.app import app, console, err_console, user_errors


@app.command()
def scale(
    dataset: Annotated[str, typer.Option(help="'synthetic' or a registered dataset name")] = "synthetic",
    nodes: Annotated[int, typer.Option(help="synthetic: number of vertices")] = 1_000_000,
    features: Annotated[int, typer.Option(help="synthetic: number of features")] = 128,
    classes: Annotated[int, typer.Option(help="synthetic: number of classes")] = 8,
    teacher: Annotated[str, typer.Option(help="conv-stack teacher: hgnn or hgnnp")] = "hgnn",
    teacher_mode: Annotated[str, typer.Option(help="auto, full (sparse full batch) or sampled")] = "auto",
    memory_budget_gb: Annotated[float, typer.Option(help="auto: full batch when it needs less")] = 6.0,
    epochs: Annotated[int, typer.Option(help="teacher epochs (sampled: steps)")] = 200,
    patience: Annotated[
        int | None, typer.Option(help="teacher and plain MLP: stop after this many epochs without progress")
    ] = None,
    student_patience: Annotated[int | None, typer.Option(help="student: the same, in steps")] = None,
    student_steps: Annotated[int, typer.Option(help="mini-batch steps of the student")] = 2000,
    batch_size: Annotated[int, typer.Option(help="vertices per student step")] = 4096,
    edge_batch_size: Annotated[int, typer.Option(help="hyperedges drawn per student step")] = 1024,
    beta: Annotated[float, typer.Option(help="hyperedge term weight (0: LightHGNN, >0: LightHGNN+)")] = 1.0,
    chunk_size: Annotated[int, typer.Option(help="rows per dense product in inference")] = 65_536,
    seed: Annotated[int, typer.Option(help="seed of data, split, models and samplers")] = 0,
    threads: Annotated[int | None, typer.Option(help="torch intra-op threads (default: torch's)")] = None,
    data_root: Annotated[Path | None, typer.Option(help="folder holding registered datasets")] = None,
    feature_substitute: Annotated[
        str | None, typer.Option(help="for sets without features: 'random' (explicit, logged)")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the report as JSON here")] = None,
    save_student: Annotated[Path | None, typer.Option(help="save the student artifact here")] = None,
) -> None:
    """Distil a large hypergraph (default: 1M-vertex synthetic) with chunked inference and mini-batches.

    Prints the time and peak memory of every stage and the accuracies of teacher, student and plain MLP.
    """
    import torch

    from hyperdistill.io import write_json
    from hyperdistill.scale import LargeConfig, StageLog, StreamConfig, TeacherScaleConfig, distill_large

    with user_errors():
        if threads is not None:
            torch.set_num_threads(threads)
        stages = StageLog()
        with stages.stage("load"):
            data = _load(dataset, nodes, features, classes, seed, data_root, feature_substitute)
        config = LargeConfig(
            teacher=teacher,
            teacher_epochs=epochs,
            teacher_scale=TeacherScaleConfig(mode=teacher_mode, memory_budget=int(memory_budget_gb * 2**30)),
            student_steps=student_steps,
            stream=StreamConfig(beta=beta, batch_size=batch_size, edge_batch_size=edge_batch_size),
            patience=patience,
            student_patience=student_patience,
            chunk_size=chunk_size,
            seed=seed,
        )
        start = time.perf_counter()
        result = distill_large(data, config, stages)
        report = {**result.to_dict(), "total_seconds": time.perf_counter() - start, "machine": machine()}
        report["stages"]["load"]["note"] = "generation" if dataset == "synthetic" else "reading the files"
        if json_out is not None:
            write_json(json_out, report)
        if save_student is not None:
            result.save_student(save_student)
            err_console.print(f"student saved to {save_student}")
        _print(report)


def _load(
    name: str,
    nodes: int,
    features: int,
    classes: int,
    seed: int,
    data_root: Path | None,
    substitute: str | None,
) -> Any:
    if name == "synthetic":
        from hyperdistill.data.synthetic import make_synthetic

        return make_synthetic(num_nodes=nodes, num_features=features, num_classes=classes, seed=seed)
    from hyperdistill.data.registry import load_dataset

    options = {"feature_substitute": substitute} if substitute else {}
    return load_dataset(name, data_root, **options)


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU count, memory, load, versions."""
    import torch

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    return {
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "memory_gib": round(memory / 2**30, 1),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "torch": str(torch.__version__),
        "processor": platform.processor() or platform.machine(),
    }


def _print(report: dict[str, Any]) -> None:
    from rich.table import Table

    from hyperdistill.scale.memory import gib

    data = report["dataset"]
    console.print(
        f"{data['name']}: {data['num_nodes']:,} vertices, {data['num_edges_prepared']:,} hyperedges, "
        f"{data['num_incidences_prepared']:,} incidences; teacher {report['teacher']} "
        f"({report['teacher_mode']}), student {report['method']}"
    )
    table = Table("stage", "seconds", "peak RSS (GiB)")
    for name, stage in report["stages"].items():
        table.add_row(name, f"{stage['seconds']:.1f}", f"{gib(stage['peak_rss']):.2f}")
    console.print(table)
    scores = {k: v["accuracy"] for k, v in report["scores"].items()}
    console.print("test accuracy: " + json.dumps({k: round(v, 4) for k, v in scores.items()}))
