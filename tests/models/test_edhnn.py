"""ED-HNN teacher: encoder, shared diffusion steps on the self-looped hypergraph, classifier."""

from __future__ import annotations

import torch

from hyperdistill.models import TEACHERS
from hyperdistill.nn.graph import with_self_loops


def test_teacher_composition(five_vertex):
    model = TEACHERS.get("edhnn")(4, 2, hidden_channels=6, num_layers=2, alpha=0.5).eval()
    x = torch.randn(5, 4)
    looped = with_self_loops(five_vertex)
    assert looped.num_edges == 8
    x0 = torch.relu(model.encoder(x))
    h = torch.relu(model.conv(torch.relu(model.conv(x0, looped, x0)), looped, x0))
    logits, embedding = model.forward_with_hidden(x, five_vertex)
    assert torch.allclose(logits, model.classifier(h), atol=1e-5)
    assert torch.allclose(embedding, h, atol=1e-5)


def test_paper_defaults_reduce_to_a_linear_map_of_the_two_stage_mean(five_vertex):
    model = TEACHERS.get("edhnn")(4, 2).eval()
    assert isinstance(model.conv.mlp1, torch.nn.Identity) and model.conv.mlp2 is None
    assert model.encoder.out_features == 256 and model.num_layers == 1 and model.self_loops
    x = torch.randn(5, 4)
    looped = with_self_loops(five_vertex)
    mean = looped.hgnnp_operator().to_dense()
    h = torch.relu(model.conv.mlp3(mean @ torch.relu(model.encoder(x))))
    assert torch.allclose(model(x, five_vertex), model.classifier(h), atol=1e-5)


def test_general_configuration_trains(five_vertex):
    model = TEACHERS.get("edhnn")(
        4,
        3,
        hidden_channels=8,
        mlp1_layers=2,
        mlp2_layers=2,
        mlp3_layers=2,
        classifier_layers=2,
        classifier_hidden=5,
        aggregate="sum",
        self_loops=False,
    )
    out = model(torch.randn(5, 4), five_vertex)
    out.sum().backward()
    assert out.shape == (5, 3) and all(p.grad is not None for p in model.parameters())
