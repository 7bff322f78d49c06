"""The speed benchmark (docs/method.md section 7): student vs teachers, whole graph and per query.

For one dataset and one device, in one run with one thread setting, it measures:

- whole graph: the student MLP and each teacher (propagation operator prebuilt) on the preprocessed
  features, the row-L1 preprocessing, the student from raw features in torch and in onnxruntime, one bare
  dense product of the first layer's shape (the floor for the MLP), and the time to build each operator;
- per query, for batches of new vertices: the student on their raw features (torch eager, onnxruntime),
  each teacher with full propagation (queries inserted into the hypergraph; operator rebuilt for the
  changed structure, and prebuilt), each teacher on the queries' 2-hop sub-hypergraph (extraction and
  operator build counted), and the bare first-layer product at that batch size.

The figures compared with each other are timed interleaved (:func:`measure_interleaved`); each also gets
its peak memory from one extra call. Query vertices are a seeded random pool removed from the hypergraph
with their incidences (:class:`QueryPool`); batch b inserts the first b. Weights are randomly initialised:
the work done does not depend on them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from hyperdistill.artifact import StudentArtifact, artifact_metadata
from hyperdistill.data.dataset import HypergraphDataset
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.synthetic import SyntheticConfig
from hyperdistill.data.transforms import prepare_structure
from hyperdistill.eval.khop import IncidenceIndex, khop_subhypergraph
from hyperdistill.eval.queries import QueryPool, structure_on
from hyperdistill.eval.speed_summary import machine_label, ratios
from hyperdistill.eval.timing import environment, measure_interleaved, peak_memory, synchronizer
from hyperdistill.models import MLP, TEACHERS

#: The ~55,000-vertex synthetic hypergraph of the speed experiment (LightHGNN's "5.5w vertices").
SPEED_SYNTHETIC = SyntheticConfig(
    num_nodes=55_000,
    num_classes=10,
    num_features=1_000,
    words_per_node=30.0,
    feature_signal=0.35,
    edges_per_node=1.0,
    mean_edge_size=5.0,
    edge_noise=0.25,
    seed=0,
)
#: Name of that hypergraph in ``hyperdistill bench --dataset`` and benchmarks/speed.py.
SPEED_DATASET = "synthetic-speed"
BATCH_SIZES = (1, 10, 100, 1000)


@dataclass(frozen=True)
class Call:
    """One figure to measure.

    Args:
        model: What runs (``mlp``, ``hgnn``, ``bare matmul``, ...).
        variant: How it runs, for the report.
        fn: The timed call.
        memory_fn: The call whose peak memory is measured, when it differs (onnxruntime without arena).
        extra: More facts for the row (sizes of what the call works on).
    """

    model: str
    variant: str
    fn: Callable[[], object]
    memory_fn: Callable[[], object] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Calls = dict[str, Call]


@dataclass(frozen=True)
class BenchConfig:
    """What to measure and how often.

    Args:
        device: ``"cpu"`` or ``"cuda"``.
        threads: ``torch.set_num_threads`` value (also onnxruntime's intra-op threads); None keeps torch's.
        batch_sizes: Query batch sizes (those above a fifth of the vertices are skipped).
        teachers: Teacher names with a prebuildable operator (``hgnn``, ``hgnnp``).
        warmup: Discarded calls of each figure before timing.
        repeats: Timed calls of each figure.
        onnx: Also time the exported ONNX student on CPU (needs the export extra).
        memory: Also measure each call's peak memory (one extra call each).
        seed: Seed of the weights and of the query pool.
    """

    device: str = "cpu"
    threads: int | None = None
    batch_sizes: tuple[int, ...] = BATCH_SIZES
    teachers: tuple[str, ...] = ("hgnn", "hgnnp")
    warmup: int = 3
    repeats: int = 20
    onnx: bool = True
    memory: bool = True
    seed: int = 0


@dataclass
class BenchContext:
    """What the measurement sections share; :meth:`timed` turns calls into JSON rows."""

    structure: Hypergraph
    features: Tensor
    teachers: dict[str, nn.Module]
    artifact: StudentArtifact
    onnx: Any
    device: torch.device
    config: BenchConfig
    progress: Callable[[str], None]

    def timed(
        self, section: str, batch_size: int, calls: Calls, settle: bool = False
    ) -> list[dict[str, Any]]:
        """Time ``calls`` interleaved (``settle``: see :func:`measure_interleaved`), then measure each
        one's peak memory; one row per call."""
        fns = {key: call.fn for key, call in calls.items()}
        with torch.inference_mode():
            sync = synchronizer(self.device)
            timings = measure_interleaved(fns, self.config.warmup, self.config.repeats, sync, settle)
            rows = []
            for key, call in calls.items():
                row: dict[str, Any] = {
                    "section": section,
                    "key": key,
                    "model": call.model,
                    "variant": call.variant,
                }
                row |= {"batch_size": batch_size, **call.extra, **timings[key].to_dict()}
                del row["interleaved_with"]
                if self.config.memory:
                    row |= peak_memory(call.memory_fn or call.fn, self.device)
                rows.append(row)
        summary = ", ".join(f"{r['key']} {r['median_ms']:.3g}" for r in rows)
        self.progress(f"  {section} b={batch_size} (median ms): {summary}")
        return rows


def bench_dataset(
    dataset: HypergraphDataset, config: BenchConfig, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Run the benchmark on one dataset; returns the JSON-ready run (machine, rows, ratios, parity).

    ``config.threads`` applies for the duration of the run; torch's thread count is restored after it.
    """
    threads = torch.get_num_threads()
    try:
        if config.threads is not None:
            torch.set_num_threads(config.threads)
        return _bench(dataset, config, progress)
    finally:
        torch.set_num_threads(threads)


def _bench(
    dataset: HypergraphDataset, config: BenchConfig, progress: Callable[[str], None]
) -> dict[str, Any]:
    device = torch.device(config.device)
    torch.manual_seed(config.seed)
    width, classes = dataset.num_features, dataset.num_classes
    teachers = {name: TEACHERS.get(name)(width, classes).eval().to(device) for name in config.teachers}
    student = MLP(width, classes).eval()
    artifact = StudentArtifact(student, artifact_metadata(student, "row_l1", dataset=dataset.name))
    artifact.inference_model.to(device)
    structure = prepare_structure(dataset.hypergraph)
    with tempfile.TemporaryDirectory() as tmp:
        onnx, parity = _onnx_session(artifact, Path(tmp), config) if _use_onnx(config) else (None, None)
        ctx = BenchContext(structure, dataset.features, teachers, artifact, onnx, device, config, progress)
        rows = whole_graph(ctx) + per_query(ctx)
    env = environment(device)
    return {
        "dataset": dataset.summary() | {"source": dataset.source},
        "structure": {
            "num_nodes": structure.num_nodes,
            "num_edges": structure.num_edges,
            "num_incidences": structure.num_incidences,
        },
        "device": device.type,
        "machine_label": machine_label(env),
        "machine": env,
        "config": asdict(config),
        "weights": "random initialisation (seeded); the work timed does not depend on the weights",
        "onnx_parity": parity,
        "rows": rows,
        "ratios": ratios(rows),
    }


def whole_graph(ctx: BenchContext) -> list[dict[str, Any]]:
    """Whole-graph inference figures and operator build times."""
    model = ctx.artifact.inference_model
    raw = ctx.features.to(ctx.device)
    x = model.preprocess(raw)
    weight = model.first_weight
    n = ctx.structure.num_nodes
    calls: Calls = {
        "matmul": Call(
            "bare matmul", "x @ W1^T, the first layer's shape (floor for the MLP)", lambda: x @ weight.t()
        ),
        "mlp": Call("mlp", "torch eager, preprocessed features", lambda: model.forward_prepared(x)),
        "mlp_raw": Call("mlp", "torch eager, raw features (row-L1 fused into layer 1)", lambda: model(raw)),
        "preprocessing": Call(
            "row_l1", "row-L1 normalisation of the raw features", lambda: model.preprocess(raw)
        ),
    }
    for name, teacher in ctx.teachers.items():
        structure = structure_on(ctx.structure, name, ctx.device)
        calls[name] = Call(name, "operator prebuilt, preprocessed features", _bind(teacher, x, structure))
    if ctx.onnx is not None:
        calls["onnx"] = _onnx_call(ctx, raw, "onnxruntime, raw features (row-L1 inside)")
    rows = ctx.timed("whole_graph", n, calls)
    index, weight_e = ctx.structure.hyperedge_index, ctx.structure.edge_weight
    builds: Calls = {
        f"{name}_operator": Call(
            name,
            "build the operator from the incidence list (validation included)",
            _builder(index, n, ctx.structure.num_edges, weight_e, name, ctx.device),
        )
        for name in ctx.teachers
    }
    return rows + ctx.timed("operator_build", n, builds)


def per_query(ctx: BenchContext) -> list[dict[str, Any]]:
    """Per-query latency for each batch size of unseen vertices."""
    n = ctx.structure.num_nodes
    sizes = [b for b in ctx.config.batch_sizes if b <= max(1, n // 5)]
    if not sizes:
        return []
    generator = torch.Generator().manual_seed(ctx.config.seed)
    pool = QueryPool.split(ctx.structure, torch.randperm(n, generator=generator)[: max(sizes)])
    model = ctx.artifact.inference_model
    base = pool.base.num_nodes
    buffer = torch.zeros(base + pool.size, ctx.features.size(1), device=ctx.device)
    buffer[:base] = model.preprocess(ctx.features[pool.remaining].to(ctx.device))
    raw_queries = ctx.features[pool.queries].to(ctx.device)
    rows: list[dict[str, Any]] = []
    for b in sizes:
        rows += ctx.timed("per_query", b, _query_calls(ctx, pool, buffer, raw_queries[:b]), settle=True)
    return rows


def _query_calls(ctx: BenchContext, pool: QueryPool, buffer: Tensor, raw: Tensor) -> Calls:
    model, b, base = ctx.artifact.inference_model, raw.size(0), pool.base.num_nodes
    prepared, weight = model.preprocess(raw), model.first_weight
    inserted = pool.insert(b)
    index = IncidenceIndex.build(inserted)
    seeds = base + torch.arange(b)
    sub = khop_subhypergraph(index, seeds, hops=2).hypergraph
    sizes = {"subgraph_vertices": sub.num_nodes, "subgraph_incidences": sub.num_incidences}

    def write() -> None:  # the queries' preprocessed features go into rows reserved for them
        buffer[base : base + b] = model.preprocess(raw)

    calls: Calls = {
        "student": Call("mlp", "torch eager, raw features", lambda: model(raw)),
        "matmul": Call(
            "bare matmul", "first-layer product at this batch size", lambda: prepared @ weight.t()
        ),
    }
    if ctx.onnx is not None:
        calls["onnx"] = _onnx_call(ctx, raw, "onnxruntime, raw features")
    for name, teacher in ctx.teachers.items():
        prebuilt = structure_on(inserted, name, ctx.device)

        def full(teacher: nn.Module = teacher, name: str = name) -> Tensor:
            write()
            structure = structure_on(pool.insert(b), name, ctx.device)
            return teacher(buffer[: base + b], structure)[base:]

        def full_prebuilt(teacher: nn.Module = teacher, prebuilt: Any = prebuilt) -> Tensor:
            write()
            return teacher(buffer[: base + b], prebuilt)[base:]

        def restricted(teacher: nn.Module = teacher, name: str = name) -> Tensor:
            write()
            sub = khop_subhypergraph(index, seeds, hops=2)
            structure = structure_on(sub.hypergraph, name, ctx.device)
            return teacher(buffer[sub.vertices.to(ctx.device)], structure)[sub.seeds.to(ctx.device)]

        calls[f"{name}_full"] = Call(name, "full propagation, queries inserted, operator rebuilt", full)
        calls[f"{name}_full_prebuilt"] = Call(name, "full propagation, operator prebuilt", full_prebuilt)
        calls[f"{name}_2hop"] = Call(
            name, "2-hop sub-hypergraph; extraction and operator build counted", restricted, extra=sizes
        )
    return calls


def _bind(teacher: nn.Module, x: Tensor, structure: Any) -> Callable[[], Tensor]:
    return lambda: teacher(x, structure)


def _builder(
    index: Tensor, n: int, m: int, weight: Tensor | None, name: str, device: torch.device
) -> Callable:
    return lambda: structure_on(Hypergraph(index, n, m, weight), name, device)


def _use_onnx(config: BenchConfig) -> bool:
    return config.onnx and torch.device(config.device).type == "cpu"


def _onnx_session(artifact: StudentArtifact, directory: Path, config: BenchConfig) -> tuple[Any, dict]:
    from hyperdistill.export.onnx import export_onnx, onnx_session

    report = export_onnx(artifact, directory / "student.onnx")
    threads = config.threads or torch.get_num_threads()
    sessions = {
        "timing": onnx_session(report.path, threads=threads, spinning=False),
        "memory": onnx_session(report.path, threads=threads, memory_arena=False, spinning=False),
    }
    return sessions, report.to_dict()


def _onnx_call(ctx: BenchContext, raw: Tensor, variant: str) -> Call:
    from hyperdistill.export.onnx import run_onnx

    features = raw.cpu().numpy()
    timing, memory = ctx.onnx["timing"], ctx.onnx["memory"]
    return Call("mlp", variant, lambda: run_onnx(timing, features), lambda: run_onnx(memory, features))


def load_bench_dataset(name: str, data_root: Path | None = None) -> HypergraphDataset:
    """The dataset a benchmark runs on: the speed synthetic hypergraph or a registered dataset."""
    if name == SPEED_DATASET:
        from hyperdistill.data.synthetic import make_synthetic

        return make_synthetic(SPEED_SYNTHETIC)
    from hyperdistill.data.registry import load_dataset

    return load_dataset(name, data_root)
