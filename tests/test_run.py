"""End to end: students beat the plain MLP; the production setting leaks nothing of V_ind into training."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from hyperdistill.config import RunConfig
from hyperdistill.data.dataset import Split
from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.splits import get_protocol, make_split
from hyperdistill.distill.losses import kl_divergence
from hyperdistill.run import Prepared, make_view, prepare_data, run, train_student, train_teacher

SMALL = {"num_nodes": 400, "num_classes": 3, "num_features": 120}


def small_config(**overrides) -> RunConfig:
    fields = {"dataset_options": SMALL, "seeds": (0,), "epochs": 100, "protocol": "glnn"} | overrides
    return RunConfig(**fields)


def accuracy_of(result, model: str, part: str = "test") -> float:
    return next(
        s.mean for s in result.summary() if s.model == model and s.part == part and s.metric == "accuracy"
    )


def test_distilled_students_beat_the_plain_mlp():
    result = run(small_config())
    mlp = accuracy_of(result, "mlp")
    assert accuracy_of(result, "lighthgnn") > mlp + 0.1
    assert accuracy_of(result, "lighthgnn_plus") > mlp + 0.1
    assert accuracy_of(result, "hgnn") > mlp + 0.1


def test_runs_are_deterministic_on_cpu():
    config = small_config(methods=("lighthgnn_plus",), epochs=20)
    first, second = run(config), run(config)
    timeless = [replace(r, train_seconds=0.0) for r in first.records]
    assert timeless == [replace(r, train_seconds=0.0) for r in second.records]


def test_production_setting_reports_three_parts():
    result = run(small_config(setting="production", methods=("lighthgnn",), epochs=30))
    assert {r.part for r in result.records} == {"trans", "ind", "prod"}


def _trained_state(prepared: Prepared, split: Split, config: RunConfig) -> list[torch.Tensor]:
    view = make_view(prepared, split, config, 0)
    teacher = train_teacher(prepared, view, config, 0)
    student = train_student("lighthgnn_plus", prepared, view, teacher, config, 0)
    states = [*teacher.model.state_dict().values(), *student.model.state_dict().values()]
    return [teacher.logits, student.distiller.reliability, *states]


def test_no_inductive_vertex_reaches_training():
    """Poison V_ind's features, labels and incidences: everything trained must stay bit-identical."""
    config = small_config(setting="production", inductive_share=0.3, epochs=15)
    clean = prepare_data(config)
    split = make_split(clean.dataset, get_protocol(config.protocol), 0)
    held_out = make_view(clean, split, config, 0).parts["ind"]

    features = clean.features.clone()
    features[held_out] = torch.rand(held_out.numel(), features.size(1)) * 1e3
    labels = clean.dataset.labels.clone()
    labels[held_out] = (labels[held_out] + 1) % clean.dataset.num_classes
    poisoned = Prepared(
        replace(clean.dataset, labels=labels), features, _add_incidences(clean.hypergraph, held_out)
    )

    # The split is drawn once from the labelled data (split first, then hold out); both runs share it.
    for a, b in zip(
        _trained_state(clean, split, config), _trained_state(poisoned, split, config), strict=True
    ):
        assert torch.equal(a, b)


def _add_incidences(base: Hypergraph, held_out: torch.Tensor) -> Hypergraph:
    """Put held-out vertices into existing hyperedges, and add hyperedges made of held-out vertices only."""
    gen = torch.Generator().manual_seed(5)
    joiners = held_out[torch.randint(held_out.numel(), (300,), generator=gen)]
    joined = torch.randint(base.num_edges, (300,), generator=gen)
    own = held_out[torch.randint(held_out.numel(), (60,), generator=gen)]
    own_edges = base.num_edges + torch.arange(60) // 3
    vertices = torch.cat([base.hyperedge_index[0], joiners, own])
    edges = torch.cat([base.hyperedge_index[1], joined, own_edges])
    return Hypergraph.from_incidences(vertices, edges, base.num_nodes, base.num_edges + 20)


@pytest.mark.parametrize("method", ["lighthgnn", "lighthgnn_plus"])
def test_published_kl_gives_flatter_students(method):
    """The published loss targets softmax(p), far flatter than p: the student's confidence drops."""
    config = small_config(epochs=60)
    prepared = prepare_data(config)
    split = make_split(prepared.dataset, get_protocol(config.protocol), 0)
    view = make_view(prepared, split, config, 0)
    teacher = train_teacher(prepared, view, config, 0)
    p = torch.softmax(teacher.logits, -1)
    confidence, distance = {}, {}
    for kl in ("correct", "published"):
        variant = config.model_copy(update={"method_params": {method: {"kl": kl}}})
        student = train_student(method, prepared, view, teacher, variant, 0)
        with torch.no_grad():
            log_q = torch.log_softmax(student.model(view.features), -1)
        confidence[kl] = float(log_q.exp().max(-1).values.mean())
        distance[kl] = float(kl_divergence(p, log_q))
    assert confidence["published"] < confidence["correct"]
    assert distance["correct"] < distance["published"]
