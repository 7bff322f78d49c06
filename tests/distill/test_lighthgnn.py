"""LightHGNN's loss against a hand computation."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill import DISTILLERS, DistillContext
from hyperdistill.errors import ConfigError


def context(teacher_logits: torch.Tensor, hypergraph: Hypergraph | None = None) -> DistillContext:
    n = teacher_logits.size(0)
    return DistillContext(
        features=torch.eye(n),
        train_index=torch.tensor([0]),
        train_labels=torch.tensor([1]),
        num_classes=teacher_logits.size(1),
        hypergraph=hypergraph or Hypergraph.from_edge_list([[0, 1]], num_nodes=n),
        teacher_logits=teacher_logits,
    )


def softmax(row: list[float], tau: float) -> list[float]:
    exps = [math.exp(v / tau) for v in row]
    return [e / sum(exps) for e in exps]


def kl(p: list[float], q: list[float]) -> float:
    return sum(pc * math.log(pc / qc) for pc, qc in zip(p, q, strict=True))


def test_lighthgnn_loss_by_hand():
    teacher = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    student = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    lam, tau = 0.3, 2.0
    method = DISTILLERS.get("lighthgnn")(lam=lam, tau=tau)
    method.prepare(context(teacher), torch.Generator())
    terms = method.loss(student, torch.Generator())

    rows = zip(teacher.tolist(), student.tolist(), strict=True)
    kd = tau**2 * sum(kl(softmax(t, tau), softmax(s, tau)) for t, s in rows) / 2
    ce = -math.log(softmax([0.0, 0.0], 1.0)[1])  # train vertex 0 has label 1
    assert math.isclose(float(terms["kd"]), kd, rel_tol=1e-5)
    assert math.isclose(float(terms["ce"]), ce, rel_tol=1e-6)
    assert math.isclose(float(terms["loss"]), lam * ce + (1 - lam) * kd, rel_tol=1e-5)


def test_published_switch_changes_only_the_kl():
    teacher = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    student = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    method = DISTILLERS.get("lighthgnn")(kl="published")
    method.prepare(context(teacher), torch.Generator())
    p = torch.softmax(teacher, -1)
    expected = (p.exp() * (p - torch.log_softmax(student, -1))).sum(1).mean()
    assert math.isclose(float(method.loss(student, torch.Generator())["kd"]), float(expected), rel_tol=1e-5)


def test_bad_hyperparameters_are_refused():
    with pytest.raises(ConfigError, match="lam"):
        DISTILLERS.get("lighthgnn")(lam=1.5)
    with pytest.raises(ConfigError, match="kl"):
        DISTILLERS.get("lighthgnn")(kl="reverse")


def test_needs_a_teacher():
    method = DISTILLERS.get("lighthgnn")()
    with pytest.raises(ConfigError, match="needs a teacher"):
        method.prepare(replace(context(torch.zeros(2, 2)), teacher_logits=None), torch.Generator())
