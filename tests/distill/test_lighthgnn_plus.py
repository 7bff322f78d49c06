"""LightHGNN+: reliability on a tiny case, the hyperedge term by hand, and the sampling switches."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill import DISTILLERS
from hyperdistill.distill.reliability import hyperedge_reliability
from hyperdistill.errors import ConfigError

from .test_lighthgnn import context, kl, softmax

CERTAIN = [0.0, -1000.0]  # softmax -> (1, 0), entropy 0
UNSURE = [0.0, 0.0]  # softmax -> (1/2, 1/2), entropy ln 2


def scripted_teacher(features: torch.Tensor, clean: list, noisy: list):
    """Returns ``clean`` logits on the original features and ``noisy`` ones on anything else."""

    def teacher(x: torch.Tensor) -> torch.Tensor:
        return torch.tensor(clean if torch.equal(x, features) else noisy)

    return teacher


def test_reliability_by_hand():
    # e0 = {0, 1}, e1 = {1, 2}. Clean entropies (0, ln2, 0); noisy (ln2, ln2, 0).
    # h_e0: ln2/2 -> ln2, shift ln2/2; h_e1: ln2/2 -> ln2/2, shift 0. rho = 1 - shift / max shift.
    features = torch.ones(3, 2)
    hg = Hypergraph.from_edge_list([[0, 1], [1, 2]], num_nodes=3)
    teacher = scripted_teacher(features, [CERTAIN, UNSURE, CERTAIN], [UNSURE, UNSURE, CERTAIN])
    rho = hyperedge_reliability(teacher, features, hg, torch.Generator().manual_seed(0))
    assert torch.allclose(rho, torch.tensor([0.0, 1.0]), atol=1e-6)


def test_reliability_is_one_when_nothing_moves():
    features = torch.ones(3, 2)
    hg = Hypergraph.from_edge_list([[0, 1], [1, 2]], num_nodes=3)
    same = [CERTAIN, UNSURE, CERTAIN]
    rho = hyperedge_reliability(scripted_teacher(features, same, same), features, hg, torch.Generator())
    assert torch.equal(rho, torch.ones(2))


def test_perturbation_keeps_zero_features_zero():
    seen = []
    features = torch.tensor([[0.0, 2.0], [1.0, 0.0]])
    hg = Hypergraph.from_edge_list([[0, 1]], num_nodes=2)

    def teacher(x):
        seen.append(x.clone())
        return torch.zeros(2, 2)

    hyperedge_reliability(teacher, features, hg, torch.Generator().manual_seed(1), num_draws=3)
    assert len(seen) == 4
    for noisy in seen[1:]:
        assert torch.equal(noisy == 0, features == 0)


def test_hyperedge_term_by_hand_with_all_hyperedges():
    teacher = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    student = torch.tensor([[0.5, 0.0], [0.0, 0.0], [0.0, 2.0]])
    hg = Hypergraph.from_edge_list([[0, 1], [1, 2]], num_nodes=3)
    ctx = replace(context(teacher, hg), teacher=lambda x: teacher)
    method = DISTILLERS.get("lighthgnn_plus")(sampling="all", beta=0.5)
    method.prepare(ctx, torch.Generator().manual_seed(0))
    terms = method.loss(student, torch.Generator().manual_seed(0))

    p = [softmax(row, 1.0) for row in teacher.tolist()]
    q = [softmax(row, 1.0) for row in student.tolist()]
    mean = lambda a, b: [(x + y) / 2 for x, y in zip(a, b, strict=True)]  # noqa: E731
    hc = (kl(mean(p[0], p[1]), mean(q[0], q[1])) + kl(mean(p[1], p[2]), mean(q[1], q[2]))) / 2
    kd = sum(kl(pv, qv) for pv, qv in zip(p, q, strict=True)) / 3
    assert math.isclose(float(terms["hc"]), hc, rel_tol=1e-5)
    assert math.isclose(float(terms["loss"]), kd + 0.5 * hc, rel_tol=1e-5)
    assert float(terms["sampled"]) == 1.0


def test_hyperedge_term_reaches_every_member():
    teacher = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    hg = Hypergraph.from_edge_list([[0, 1, 2]], num_nodes=3)
    method = DISTILLERS.get("lighthgnn_plus")(sampling="all")
    method.prepare(replace(context(teacher, hg), teacher=lambda x: teacher), torch.Generator())
    student = torch.zeros(3, 2, requires_grad=True)
    method.loss(student, torch.Generator())["hc"].backward()
    assert bool((student.grad.abs().sum(1) > 0).all())


def test_sampling_follows_reliability_and_singletons_switch():
    teacher = torch.zeros(4, 2)
    hg = Hypergraph.from_edge_list([[0, 1], [2], [3]], num_nodes=4)
    ctx = replace(context(teacher, hg), teacher=lambda x: teacher)
    method = DISTILLERS.get("lighthgnn_plus")(singletons=False)
    method.prepare(ctx, torch.Generator())
    assert method.sample_prob.tolist() == [1.0, 0.0, 0.0]
    uniform = DISTILLERS.get("lighthgnn_plus")(sampling="uniform")
    uniform.prepare(ctx, torch.Generator())
    assert torch.allclose(uniform.sample_prob, torch.full((3,), float(uniform.reliability.mean())))


def test_unknown_sampling_is_refused():
    with pytest.raises(ConfigError, match="sampling"):
        DISTILLERS.get("lighthgnn_plus")(sampling="most")
