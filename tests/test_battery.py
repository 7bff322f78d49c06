"""The battery every registered teacher and distiller must pass, and the rule that each has its own tests.

Registering a component enrols it here automatically: output shape, gradients reaching every parameter,
determinism under a seed, a state round trip, and fitting a tiny planted hypergraph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from hyperdistill.data.synthetic import make_synthetic
from hyperdistill.data.transforms import normalize_features, prepare_structure
from hyperdistill.distill import DISTILLERS, DistillContext
from hyperdistill.models import MLP, TEACHERS
from hyperdistill.train import TrainConfig, fit

TESTS = Path(__file__).parent


@pytest.fixture(scope="module")
def tiny():
    """60 vertices, 3 classes, hyperedges strictly within a class, informative features."""
    data = make_synthetic(
        num_nodes=60, num_classes=3, num_features=30, edge_noise=0.0, feature_signal=0.6, seed=1
    )
    return normalize_features(data.features), data.labels, prepare_structure(data.hypergraph)


def build_teacher(name: str, tiny, seed: int = 0):
    features = tiny[0]
    torch.manual_seed(seed)
    return TEACHERS.get(name)(features.size(1), 3)


@pytest.mark.parametrize("name", TEACHERS.names())
class TestTeacherBattery:
    def test_output_shape(self, name, tiny):
        features, _, hypergraph = tiny
        assert build_teacher(name, tiny)(features, hypergraph).shape == (60, 3)

    def test_backward_reaches_every_parameter(self, name, tiny):
        features, labels, hypergraph = tiny
        model = build_teacher(name, tiny)
        torch.nn.functional.cross_entropy(model(features, hypergraph), labels).backward()
        missing = [
            n for n, p in model.named_parameters() if p.grad is None or not torch.isfinite(p.grad).all()
        ]
        assert not missing

    def test_deterministic_under_a_seed(self, name, tiny):
        features, _, hypergraph = tiny
        outputs = []
        for _ in range(2):
            model = build_teacher(name, tiny, seed=7)
            torch.manual_seed(1)
            outputs.append(model(features, hypergraph))  # training mode: dropout is seeded too
        assert torch.equal(outputs[0], outputs[1])

    def test_state_round_trip(self, name, tiny):
        features, _, hypergraph = tiny
        model, fresh = build_teacher(name, tiny, seed=1), build_teacher(name, tiny, seed=2)
        fresh.load_state_dict(model.state_dict())
        model.eval(), fresh.eval()
        assert torch.equal(model(features, hypergraph), fresh(features, hypergraph))

    def test_fits_a_tiny_planted_hypergraph(self, name, tiny):
        features, labels, hypergraph = tiny
        model = build_teacher(name, tiny)
        everyone = torch.arange(60)

        def objective(m, _):
            return {"loss": torch.nn.functional.cross_entropy(m(features, hypergraph), labels)}

        def validate(m):
            return float((m(features, hypergraph).argmax(1) == labels).float().mean())

        result = fit(model, objective, validate, TrainConfig(epochs=200, weight_decay=0.0), torch.Generator())
        assert result.best_val_acc >= 0.95, everyone.numel()


def distill_context(tiny) -> DistillContext:
    features, labels, hypergraph = tiny
    teacher = build_teacher("hgnn", tiny)
    teacher.eval()
    with torch.no_grad():
        logits = teacher(features, hypergraph) * 5 + torch.nn.functional.one_hot(labels, 3) * 4

    def rerun(x):
        with torch.no_grad():
            return teacher(x, hypergraph) * 5 + torch.nn.functional.one_hot(labels, 3) * 4

    train = torch.arange(0, 60, 4)
    return DistillContext(features, train, labels[train], 3, hypergraph, logits, rerun, torch.randn(60, 8))


def prepared(name: str, tiny, seed: int = 0):
    method = DISTILLERS.get(name)()
    context = distill_context(tiny)
    method.prepare(context, torch.Generator().manual_seed(seed))
    inputs = method.student_inputs(context.features, context.hypergraph)
    torch.manual_seed(seed)
    return method, MLP(inputs.size(1), 3), inputs, context


@pytest.mark.parametrize("name", DISTILLERS.names())
class TestDistillerBattery:
    def test_loss_terms_are_finite_scalars(self, name, tiny):
        method, student, _, _ = prepared(name, tiny)
        terms = method.objective(student, torch.Generator().manual_seed(0))
        assert "loss" in terms
        assert all(t.dim() == 0 and torch.isfinite(t) for t in terms.values())

    def test_backward_reaches_the_student(self, name, tiny):
        method, student, _, _ = prepared(name, tiny)
        method.objective(student, torch.Generator().manual_seed(0))["loss"].backward()
        assert all(p.grad is not None for p in student.parameters())

    def test_deterministic_under_a_seed(self, name, tiny):
        losses = []
        for _ in range(2):
            method, student, _, _ = prepared(name, tiny, seed=3)
            torch.manual_seed(4)
            losses.append(method.objective(student, torch.Generator().manual_seed(5))["loss"])
        assert torch.equal(losses[0], losses[1])

    def test_hyperparameters_round_trip(self, name, tiny):
        method = DISTILLERS.get(name)()
        clone = type(method)(**method.hyperparameters())
        assert clone.hyperparameters() == method.hyperparameters()

    def test_student_fits_the_tiny_case(self, name, tiny):
        method, student, inputs, context = prepared(name, tiny)
        target = context.teacher_logits.argmax(1) if method.needs_teacher else tiny[1]
        fit_on = torch.arange(60) if method.needs_teacher else context.train_index

        def validate(m):
            return float((m(inputs[fit_on]).argmax(1) == target[fit_on]).float().mean())

        config = TrainConfig(epochs=200, weight_decay=0.0)
        result = fit(
            student,
            method.objective,
            validate,
            config,
            torch.Generator(),
            extra_parameters=method.extra_parameters(),
        )
        assert result.best_val_acc >= 0.9


@pytest.mark.parametrize(("registry", "folder"), [(TEACHERS, "models"), (DISTILLERS, "distill")])
def test_every_registered_component_has_its_own_tests(registry, folder):
    """A component needs tests of its own (hand-computed cases) besides this battery."""
    missing = [name for name in registry.names() if not (TESTS / folder / f"test_{name}.py").exists()]
    assert not missing, f"add tests/{folder}/test_<name>.py for: {', '.join(missing)}"
