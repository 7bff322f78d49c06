"""KL losses against hand computations, and where each variant puts its optimum."""

from __future__ import annotations

import math

import torch

from hyperdistill.distill.losses import entropy, kl_divergence, published_kl, soft_labels


def test_kl_divergence_by_hand():
    p = torch.tensor([[0.5, 0.5], [0.9, 0.1]])
    q = torch.tensor([[0.25, 0.75], [0.5, 0.5]])
    row0 = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    row1 = 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5)
    assert math.isclose(float(kl_divergence(p, q.log())), (row0 + row1) / 2, rel_tol=1e-6)


def test_kl_treats_zero_probabilities_as_zero_terms():
    p = torch.tensor([[1.0, 0.0]])
    q = torch.tensor([[0.5, 0.5]])
    assert math.isclose(float(kl_divergence(p, q.log())), math.log(2), rel_tol=1e-6)


def test_published_kl_by_hand():
    # kl_div(log q, p, log_target=True) = sum_c exp(p_c) * (p_c - log q_c), mean over rows
    p = torch.tensor([[0.8, 0.2]])
    q = torch.tensor([[0.6, 0.4]])
    expected = math.exp(0.8) * (0.8 - math.log(0.6)) + math.exp(0.2) * (0.2 - math.log(0.4))
    assert math.isclose(float(published_kl(p, q.log())), expected, rel_tol=1e-6)


def _optimum(loss_fn, p: torch.Tensor, steps: int = 3000) -> torch.Tensor:
    logits = torch.zeros_like(p, requires_grad=True)
    opt = torch.optim.Adam([logits], lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(p, torch.log_softmax(logits, dim=-1)).backward()
        opt.step()
    return torch.softmax(logits, dim=-1).detach()


def test_correct_kl_is_minimised_at_q_equal_p():
    p = torch.tensor([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05]])
    assert torch.allclose(_optimum(kl_divergence, p), p, atol=1e-3)
    assert float(kl_divergence(p, p.log())) < 1e-7


def test_published_kl_is_minimised_at_softmax_of_p():
    p = torch.tensor([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05]])
    q = _optimum(published_kl, p)
    assert torch.allclose(q, torch.softmax(p, dim=-1), atol=1e-3)
    assert not torch.allclose(q, p, atol=0.05)  # much flatter than the teacher
    assert torch.equal(q.argmax(-1), p.argmax(-1))  # argmax kept


def test_soft_labels_and_entropy():
    logits = torch.tensor([[2.0, 0.0]])
    assert torch.allclose(soft_labels(logits, tau=2.0), torch.softmax(torch.tensor([[1.0, 0.0]]), -1))
    assert torch.allclose(entropy(torch.tensor([[0.5, 0.5], [1.0, 0.0]])), torch.tensor([math.log(2), 0.0]))
