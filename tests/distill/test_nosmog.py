"""NOSMOG: each term by hand, position features for new vertices, and a short distillation."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.distill import DISTILLERS
from hyperdistill.distill.nosmog import (
    NOSMOG,
    neighbour_positions,
    position_features,
    similarity_loss,
)
from hyperdistill.errors import ConfigError
from hyperdistill.models import MLP
from tests.distill.test_glnn import (
    assert_deterministic,
    assert_labels_enter_only_through_train_index,
    distil,
    five_vertex_context,
    planted_case,
)


def test_registered_with_the_cora_config():
    assert isinstance(DISTILLERS.get("nosmog")(), NOSMOG)
    assert DISTILLERS.get("nosmog")().hyperparameters() == {
        "lam": 0.0,
        "tau": 1.0,
        "position_dim": 64,
        "walk_steps": 5,
        "sim_weight": 0.1,
        "sim_batch": 512,
        "adv_weight": 0.1,
        "adv_eps": 0.04,
        "adv_steps": 5,
    }
    with pytest.raises(ConfigError, match="adv_steps"):
        NOSMOG(adv_steps=0)


def test_similarity_loss_by_hand():
    teacher = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])  # similarities [[1,0,1],[0,1,0],[1,0,1]]
    student = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # similarities [[1,1,0],[1,1,0],[0,0,1]]
    # Differences [[0,-1,1],[-1,0,0],[1,0,0]]: four squared ones over nine entries.
    assert math.isclose(float(similarity_loss(student, teacher)), 4 / 9, rel_tol=1e-6)
    assert math.isclose(float(similarity_loss(3 * student, 10 * teacher)), 4 / 9, rel_tol=1e-6)  # cosines


def test_neighbour_positions_by_hand():
    hypergraph = Hypergraph.from_edge_list([[0, 1, 2], [2, 3]], num_nodes=5)  # vertex 4 has no links
    known = torch.tensor([0, 1, 3])
    stored = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    positions = neighbour_positions(hypergraph, known, stored)
    assert torch.equal(positions[known], stored)
    # Vertex 2: known co-members 0 and 1 in {0,1,2}, 3 in {2,3}: mean of (1,0), (0,1), (2,2) = (1,1).
    assert torch.allclose(positions[2], torch.tensor([1.0, 1.0]))
    assert torch.equal(positions[4], torch.zeros(2))


def test_position_features_on_five_vertices(five_vertex):
    first = position_features(five_vertex, 4, 3, torch.Generator().manual_seed(0))
    again = position_features(five_vertex, 4, 3, torch.Generator().manual_seed(0))
    assert first.shape == (5, 4) and torch.equal(first, again)
    assert torch.allclose(first.norm(dim=1), torch.ones(5))
    # Deterministic given the generator: the mean of K walk steps of the same random projection.
    walk = five_vertex.hgnnp_operator().to_dense()
    r = torch.randn(5, 4, generator=torch.Generator().manual_seed(0))
    by_hand = (walk @ r + walk @ walk @ r + walk @ walk @ walk @ r) / 3
    assert torch.allclose(first, torch.nn.functional.normalize(by_hand, dim=1), atol=1e-6)


def test_prepare_and_inputs_on_five_vertices():
    context = five_vertex_context()
    method = NOSMOG(position_dim=4)
    method.prepare(context, torch.Generator().manual_seed(0))
    assert method.position is not None and method.position.shape == (5, 4)
    length = context.features.norm(dim=1).mean()
    assert torch.allclose(method.position.norm(dim=1), length.expand(5))
    assert torch.equal(method.inputs[:, :3], context.features)
    assert method.adv_radius == pytest.approx(0.04 * 5 / 7)  # seven nonzero entries summing to 5


def test_new_vertices_need_their_neighbours():
    context = five_vertex_context()
    method = NOSMOG(position_dim=4)
    method.prepare(context, torch.Generator().manual_seed(0))
    with pytest.raises(ConfigError, match="neighbours"):
        method.student_inputs(context.features, None)
    bigger = Hypergraph.from_edge_list([[0, 1, 2], [1, 3], [2, 3, 4], [4, 5]], num_nodes=6)
    with pytest.raises(ConfigError, match="node_ids"):
        method.student_inputs(torch.zeros(6, 3), bigger)


def test_inductive_vertex_gets_its_known_neighbours_mean():
    base = five_vertex_context()
    # Training saw global vertices 0, 1, 2, 4, 5 (rows 0..4 of the context); vertex 3 arrives later.
    context = replace(base, node_ids=torch.tensor([0, 1, 2, 4, 5]))
    method = NOSMOG(position_dim=4)
    method.prepare(context, torch.Generator().manual_seed(0))
    assert method.position is not None
    full = Hypergraph.from_edge_list([[0, 1, 2], [1, 4], [2, 4, 5], [3, 0, 5]], num_nodes=6)
    inputs = method.student_inputs(torch.ones(6, 3), full)
    assert torch.equal(inputs[[0, 1, 2, 4, 5], 3:], method.position)
    # Vertex 3 shares {3, 0, 5} with global 0 (row 0) and 5 (row 4).
    assert torch.allclose(inputs[3, 3:], (method.position[0] + method.position[4]) / 2)


def test_adversarial_term_without_radius_is_the_clean_loss():
    method = NOSMOG(position_dim=4, adv_eps=0.0)
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    student = MLP(method.inputs.size(1), 2, hidden_channels=8).eval()
    clean = method.loss(student(method.inputs), torch.Generator())["loss"]
    assert torch.allclose(method.adversarial_loss(student, torch.Generator().manual_seed(0)), clean)


def test_adversarial_passes_leave_batchnorm_statistics_alone():
    method = NOSMOG(position_dim=4)
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    student = MLP(method.inputs.size(1), 2, hidden_channels=8)
    before = [b.clone() for b in student.buffers()]
    method.adversarial_loss(student, torch.Generator().manual_seed(0)).backward()
    assert all(torch.equal(a, b) for a, b in zip(before, student.buffers(), strict=True))


def test_objective_logs_every_term_and_trains_the_head():
    method = NOSMOG(position_dim=4)
    method.prepare(five_vertex_context(), torch.Generator().manual_seed(0))
    student = MLP(method.inputs.size(1), 2, hidden_channels=8)
    terms = method.objective(student, torch.Generator().manual_seed(0))
    assert {"loss", "ce", "kd", "similarity", "adversarial"} <= set(terms)
    terms["loss"].backward()
    assert method.extra_parameters() and all(p.grad is not None for p in method.extra_parameters())


def test_labels_only_through_train_index():
    assert_labels_enter_only_through_train_index(lambda lam: NOSMOG(lam=lam, position_dim=4))


def test_deterministic_under_a_seed():
    assert_deterministic(lambda: NOSMOG(position_dim=4))


def test_student_learns_the_planted_classes():
    assert distil(NOSMOG(), planted_case()) > 0.5  # chance is 0.2
