"""The speed benchmark's building blocks (query insertion) and one tiny end-to-end run."""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.synthetic import make_synthetic
from hyperdistill.data.transforms import prepare_structure
from hyperdistill.eval.queries import QueryPool
from hyperdistill.eval.speed import BenchConfig, bench_dataset
from hyperdistill.models import TEACHERS


def _incidences(hypergraph: Hypergraph, vertex_ids: torch.Tensor) -> set[tuple[int, frozenset[int]]]:
    """Incidences as (original vertex id, member set of its hyperedge): independent of edge numbering."""
    members = [frozenset(vertex_ids[e].tolist()) for e in map(torch.tensor, hypergraph.edge_list())]
    vertices, edges = hypergraph.hyperedge_index
    return {(int(vertex_ids[v]), members[e]) for v, e in zip(vertices.tolist(), edges.tolist(), strict=True)}


def test_inserting_every_query_restores_the_hypergraph() -> None:
    hypergraph = prepare_structure(make_synthetic(num_nodes=200).hypergraph)
    queries = torch.randperm(200, generator=torch.Generator().manual_seed(1))[:30]
    pool = QueryPool.split(hypergraph, queries)
    assert pool.base.num_nodes == 170 and pool.size == 30
    ids = torch.cat([pool.remaining, queries])
    for count in (0, 7, 30):
        inserted = pool.insert(count)
        present = torch.cat([pool.remaining, queries[:count]])
        expected = prepare_structure(hypergraph.restrict(present), deduplicate=False, singletons=False)
        assert _incidences(inserted, ids) == _incidences(expected, present)


def test_full_propagation_with_all_queries_inserted_equals_the_original() -> None:
    dataset = make_synthetic(num_nodes=150, num_features=20)
    hypergraph = prepare_structure(dataset.hypergraph)
    queries = torch.arange(140, 150).flip(0)
    pool = QueryPool.split(hypergraph, queries)
    teacher = TEACHERS.get("hgnn")(20, dataset.num_classes).eval()
    x = dataset.features
    with torch.no_grad():
        original = teacher(x, hypergraph)[queries]
        inserted = teacher(torch.cat([x[pool.remaining], x[queries]]), pool.insert(10))[-10:]
    torch.testing.assert_close(inserted, original)


def test_tiny_benchmark_run_produces_every_figure() -> None:
    dataset = make_synthetic(num_nodes=300, num_features=30)
    config = BenchConfig(threads=1, batch_sizes=(1, 10, 1000), warmup=0, repeats=2, onnx=False)
    threads = torch.get_num_threads()
    run = bench_dataset(dataset, config, progress=lambda _: None)
    assert torch.get_num_threads() == threads  # restored
    keys = {(r["section"], r["key"], r["batch_size"]) for r in run["rows"]}
    assert ("whole_graph", "mlp", 300) in keys and ("whole_graph", "matmul", 300) in keys
    assert ("operator_build", "hgnn_operator", 300) in keys
    assert {b for s, _, b in keys if s == "per_query"} == {1, 10}  # 1000 > a fifth of the vertices
    for key in ("student", "hgnn_full", "hgnn_full_prebuilt", "hgnn_2hop", "hgnnp_2hop"):
        assert ("per_query", key, 1) in keys
    assert all(r["unit"] == "ms" and r["median_ms"] > 0 and "peak_bytes" in r for r in run["rows"])
    assert "per_query.b1.hgnn_full/student" in run["ratios"]
    assert run["machine"]["torch_threads"] == 1 and run["device"] == "cpu"


def test_ratios_and_headline_targets() -> None:
    from hyperdistill.eval.speed_summary import headline, ratios

    rows = [
        {"section": "whole_graph", "key": "mlp", "batch_size": 9, "median_ms": 12.0},
        {"section": "whole_graph", "key": "matmul", "batch_size": 9, "median_ms": 10.0},
        {"section": "per_query", "key": "student", "batch_size": 1, "median_ms": 0.01},
        {"section": "per_query", "key": "hgnn_full", "batch_size": 1, "median_ms": 20.0},
        {"section": "per_query", "key": "hgnn_2hop", "batch_size": 1, "median_ms": 0.05},
    ]
    found = ratios(rows)
    assert found["whole_graph.mlp/matmul"] == 1.2
    assert found["per_query.b1.hgnn_full/student"] == 2000.0
    met = {label: ok for label, (_, ok) in headline({"ratios": found}).items()}
    assert list(met.values()) == [True, False, True]  # 2-hop is only 5x faster here


@pytest.mark.gpu
def test_tiny_benchmark_on_cuda() -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    dataset = make_synthetic(num_nodes=300, num_features=30)
    config = BenchConfig(device="cuda", batch_sizes=(1, 10), warmup=1, repeats=2)
    run = bench_dataset(dataset, config, progress=lambda _: None)
    assert run["machine"]["gpu"] and run["onnx_parity"] is None  # onnxruntime is timed on CPU runs only
    assert all(r["memory_method"].startswith("torch.cuda") for r in run["rows"])
    assert ("per_query", "hgnn_2hop", 10) in {(r["section"], r["key"], r["batch_size"]) for r in run["rows"]}
