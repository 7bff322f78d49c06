"""Chunked teacher inference and reliability equal the full-batch computations; nothing N x N is built."""

from __future__ import annotations

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from hyperdistill.data.synthetic import make_synthetic
from hyperdistill.data.transforms import normalize_features, prepare_structure
from hyperdistill.distill.losses import soft_labels
from hyperdistill.distill.reliability import hyperedge_reliability
from hyperdistill.errors import ConfigError
from hyperdistill.models import TEACHERS
from hyperdistill.scale import chunked_logits, chunked_reliability, normalize_rows_, teacher_forward


@pytest.fixture
def small():
    data = make_synthetic(num_nodes=300, num_features=40, num_classes=4, seed=1)
    features = normalize_features(data.features)
    hypergraph = prepare_structure(data.hypergraph)
    return features, hypergraph


@pytest.mark.parametrize("name", ["hgnn", "hgnnp", "unigcn"])
def test_chunked_soft_labels_equal_full_batch(small, name):
    features, hypergraph = small
    teacher = TEACHERS.get(name)(features.size(1), 4).eval()
    with torch.no_grad():
        full_logits, full_hidden = teacher.forward_with_hidden(features, hypergraph)
    out = teacher_forward(teacher, features, hypergraph, chunk_size=37)
    assert torch.allclose(soft_labels(out.logits), soft_labels(full_logits), atol=1e-5)
    assert torch.allclose(out.logits, full_logits, atol=1e-5)
    assert out.hidden is not None and torch.allclose(out.hidden, full_hidden, atol=1e-5)


@pytest.mark.parametrize("measure", ["entropy", "kl"])
def test_chunked_reliability_equals_full_batch_with_the_same_noise(small, measure):
    features, hypergraph = small
    teacher = TEACHERS.get("hgnn")(features.size(1), 4).eval()
    noise = torch.randn(features.shape, generator=torch.Generator().manual_seed(3))

    def run(x):
        with torch.no_grad():
            return teacher(x, hypergraph)

    expected = hyperedge_reliability(
        run, features, hypergraph, torch.Generator().manual_seed(3), sigma=0.5, measure=measure
    )
    got = chunked_reliability(
        teacher,
        features,
        hypergraph,
        torch.Generator(),
        sigma=0.5,
        measure=measure,
        chunk_size=64,
        noise=lambda a, b: noise[a:b],
    )
    assert torch.allclose(got, expected, atol=1e-5)


class _LargestAllocation(TorchDispatchMode):
    """Records the largest number of elements of any tensor an op returns."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for item in out if isinstance(out, tuple | list) else (out,):
            if isinstance(item, torch.Tensor) and not item.is_sparse and item.layout == torch.strided:
                self.largest = max(self.largest, item.numel())
        return out


def test_memory_bounded_paths_never_build_n_by_n_or_n_by_f_copies():
    n, f, chunk = 600, 30, 50
    data = make_synthetic(num_nodes=n, num_features=f, num_classes=3, seed=0)
    features = normalize_features(data.features)
    hypergraph = prepare_structure(data.hypergraph)
    hypergraph.hgnn_operator(), hypergraph.v2e_mean()  # operators are O(nnz), built outside the probe
    teacher = TEACHERS.get("hgnn")(f, 3, hidden_channels=8).eval()
    copy = features.clone()
    probe = _LargestAllocation()
    with probe:
        logits = teacher_forward(teacher, features, hypergraph, chunk_size=chunk).logits
        chunked_reliability(teacher, features, hypergraph, torch.Generator(), logits, chunk_size=chunk)
        normalize_rows_(copy, chunk_size=chunk)
    # Largest dense result: an N x hidden layer output or a chunk of features; far below N x F and N x N.
    assert probe.largest <= max(n * 8, chunk * f, hypergraph.num_edges * 8)
    assert probe.largest < n * f


def test_chunked_student_logits_and_in_place_normalisation():
    features = torch.rand(50, 6)
    expected = normalize_features(features)
    assert torch.allclose(normalize_rows_(features.clone(), chunk_size=7), expected)
    model = torch.nn.Linear(6, 3)
    assert torch.allclose(chunked_logits(model, features, chunk_size=8), model(features), atol=1e-6)


def test_non_propagation_teachers_are_refused(small):
    features, hypergraph = small
    with pytest.raises(ConfigError, match="hgnn"):
        teacher_forward(torch.nn.Linear(3, 3), features, hypergraph)
