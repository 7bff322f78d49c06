"""GLNN: its loss by hand, its defaults, and a short distillation on a planted hypergraph.

The helpers here (a 5-vertex context, a trained 300-vertex case, the label and determinism checks) are
shared by the tests of the other graph-to-MLP peers (KRD, NOSMOG, Cold Brew, G-CRD).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional as F

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.data.splits import split_per_class
from hyperdistill.data.synthetic import make_synthetic
from hyperdistill.data.transforms import normalize_features, prepare_structure
from hyperdistill.distill import DISTILLERS, DistillContext, Distiller
from hyperdistill.distill.glnn import GLNN
from hyperdistill.distill.lighthgnn import LightHGNN
from hyperdistill.models import MLP, TEACHERS
from hyperdistill.train import TrainConfig, fit

# ----------------------------------------------------------------------------------------- shared helpers


def five_vertex_context(train_labels: tuple[int, int] = (0, 1)) -> DistillContext:
    """Hyperedges {0,1,2}, {1,3}, {2,3,4}; 2 classes; a fixed linear teacher on HGNN+ smoothing."""
    hypergraph = Hypergraph.from_edge_list([[0, 1, 2], [1, 3], [2, 3, 4]], num_nodes=5)
    features = torch.tensor(
        [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]]
    )
    weight = torch.tensor([[3.0, -1.0], [0.0, 0.5], [-1.0, 3.0]])
    smooth = hypergraph.hgnnp_operator()

    def teacher(x: Tensor) -> Tensor:
        return smooth(x) @ weight

    return DistillContext(
        features=features,
        train_index=torch.tensor([0, 4]),
        train_labels=torch.tensor(train_labels),
        num_classes=2,
        hypergraph=hypergraph,
        teacher_logits=teacher(features),
        teacher=teacher,
        teacher_hidden=smooth(features),
    )


@dataclass(frozen=True)
class Case:
    """A distillation case with its held-out labels (used for scoring only, never by a distiller)."""

    context: DistillContext
    labels: Tensor
    val: Tensor
    test: Tensor


@functools.cache
def planted_case() -> Case:
    """300 vertices, 5 planted classes, 100 features; HGNN teacher trained 60 epochs (last state)."""
    data = make_synthetic(num_nodes=300, num_features=100, seed=0)
    features = normalize_features(data.features)
    hypergraph = prepare_structure(data.hypergraph)
    labels = data.labels
    split = split_per_class(labels, 10, 10, seed=0)
    torch.manual_seed(0)
    model = TEACHERS.get("hgnn")(features.size(1), 5)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03, weight_decay=5e-4)
    for _ in range(60):
        optimizer.zero_grad()
        F.cross_entropy(model(features, hypergraph)[split.train], labels[split.train]).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits, hidden = model.forward_with_hidden(features, hypergraph)  # type: ignore[operator]

    def teacher(x: Tensor) -> Tensor:
        with torch.no_grad():
            return model(x, hypergraph)

    context = DistillContext(
        features, split.train, labels[split.train], 5, hypergraph, logits, teacher, hidden
    )
    return Case(context, labels, split.val, split.test)


def distil(method: Distiller, case: Case, epochs: int = 30, seed: int = 0) -> float:
    """Train a fresh MLP with ``method`` through the project's loop; its test accuracy."""
    generator = torch.Generator().manual_seed(seed)
    method.prepare(case.context, generator)
    inputs = method.student_inputs(case.context.features, case.context.hypergraph)
    torch.manual_seed(seed)
    student = MLP(inputs.size(1), case.context.num_classes)

    def validate(model: torch.nn.Module) -> float:
        return float((model(inputs[case.val]).argmax(1) == case.labels[case.val]).float().mean())

    config = TrainConfig(epochs=epochs)
    fit(student, method.objective, validate, config, generator, extra_parameters=method.extra_parameters())
    with torch.no_grad():
        return float((student(inputs[case.test]).argmax(1) == case.labels[case.test]).float().mean())


def assert_labels_enter_only_through_train_index(make: Callable[[float], Distiller]) -> None:
    """Labels reach the objective only as cross-entropy on ``train_index``.

    With ``lam = 0`` the whole objective is unchanged when the training labels change (so nothing else
    label-like is read); with ``lam = 1`` the label term has no gradient on other vertices.
    """
    losses = []
    for labels in [(0, 1), (1, 0)]:
        method = make(0.0)
        method.prepare(five_vertex_context(labels), torch.Generator().manual_seed(0))
        inputs = method.student_inputs(method.context.features, method.context.hypergraph)
        torch.manual_seed(0)
        student = MLP(inputs.size(1), 2, hidden_channels=8)
        torch.manual_seed(1)
        losses.append(method.objective(student, torch.Generator().manual_seed(2))["loss"])
    assert torch.equal(losses[0], losses[1])

    method = make(1.0)
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    logits = torch.randn(5, 2, requires_grad=True)
    (grad,) = torch.autograd.grad(method.loss(logits, torch.Generator())["loss"], logits)
    outside = torch.tensor([1, 2, 3])
    assert torch.count_nonzero(grad[outside]) == 0
    assert torch.count_nonzero(grad[method.context.train_index]) > 0


def assert_deterministic(make: Callable[[], Distiller], epochs: int = 3) -> None:
    """Same seeds, same training: identical logged terms and identical student weights."""
    runs = []
    for _ in range(2):
        method = make()
        generator = torch.Generator().manual_seed(5)
        method.prepare(five_vertex_context(), generator)
        inputs = method.student_inputs(method.context.features, method.context.hypergraph)
        torch.manual_seed(6)
        student = MLP(inputs.size(1), 2, hidden_channels=8)
        result = fit(
            student,
            method.objective,
            lambda m: 0.0,
            TrainConfig(epochs=epochs),
            generator,
            extra_parameters=method.extra_parameters(),
        )
        runs.append((result.history, [p.detach().clone() for p in student.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(torch.equal(a, b) for a, b in zip(runs[0][1], runs[1][1], strict=True))


# ----------------------------------------------------------------------------------------- GLNN tests


def test_registered_with_glnn_defaults():
    method = DISTILLERS.get("glnn")()
    assert isinstance(method, GLNN) and isinstance(method, LightHGNN)
    assert method.hyperparameters() == {"lam": 0.0, "tau": 1.0}
    assert method.kl == "correct"


def test_loss_by_hand():
    # 3 vertices, 2 classes; teacher p = (3/4, 1/4), (1/2, 1/2), (1/4, 3/4); student q = (1/2, 1/2).
    teacher = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0], [0.0, math.log(3.0)]])
    context = DistillContext(
        features=torch.eye(3),
        train_index=torch.tensor([0]),
        train_labels=torch.tensor([0]),
        num_classes=2,
        hypergraph=Hypergraph.from_edge_list([[0, 1, 2]], num_nodes=3),
        teacher_logits=teacher,
    )
    method = GLNN(lam=0.5)
    method.prepare(context, torch.Generator())
    terms = method.loss(torch.zeros(3, 2), torch.Generator())

    # KL((3/4, 1/4) || (1/2, 1/2)) = 3/4 ln(3/2) + 1/4 ln(1/2) = 0.1308120; the middle row is 0.
    kl_end = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    kd = 2 * kl_end / 3  # 0.0872080
    ce = math.log(2.0)  # train vertex 0 (label 0) has q = 1/2
    assert math.isclose(float(terms["kd"]), kd, rel_tol=1e-5)
    assert math.isclose(float(terms["ce"]), ce, rel_tol=1e-6)
    assert math.isclose(float(terms["loss"]), 0.5 * ce + 0.5 * kd, rel_tol=1e-5)  # 0.3901776


def test_prepare_on_five_vertices():
    context = five_vertex_context()
    method = GLNN()
    method.prepare(context, torch.Generator())
    assert method.soft_labels.shape == (5, 2) and context.teacher_logits is not None
    assert torch.allclose(method.soft_labels, torch.softmax(context.teacher_logits, dim=1))


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: GLNN(lam=lam))


def test_deterministic_under_a_seed():
    assert_deterministic(GLNN)


def test_student_learns_the_planted_classes():
    assert distil(GLNN(), planted_case()) > 0.5  # chance is 0.2
