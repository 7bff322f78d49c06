"""Test-time feature noise: only the scored rows move, level 0 is the clean score, draws are shared."""

from __future__ import annotations

import torch

from hyperdistill.eval.metrics import accuracy
from hyperdistill.eval.robustness import mix_noise, noise_curve


def test_mix_noise_touches_only_the_given_rows():
    features = torch.rand(10, 4)
    index = torch.tensor([1, 7])
    noisy = mix_noise(features, index, 0.5, torch.Generator().manual_seed(0))
    untouched = torch.ones(10, dtype=torch.bool)
    untouched[index] = False
    assert torch.equal(noisy[untouched], features[untouched])
    assert not torch.equal(noisy[index], features[index])
    assert torch.equal(mix_noise(features, index, 0.0, torch.Generator()), features)
    full = mix_noise(features, index, 1.0, torch.Generator().manual_seed(0))
    assert torch.allclose(full[index], torch.randn(2, 4, generator=torch.Generator().manual_seed(0)))


def test_noise_curve_starts_at_the_clean_accuracy_and_shares_its_draws():
    gen = torch.Generator().manual_seed(1)
    features, labels = torch.randn(50, 3, generator=gen), torch.randint(3, (50,), generator=gen)
    index = torch.arange(20, 50)
    seen = []

    def identity(x):
        seen.append(x.clone())
        return x

    curve = noise_curve(identity, features, index, labels, [0.0, 0.3, 1.0], seed=3)
    assert curve[0] == accuracy(features[index], labels[index])
    again = []

    def record(x):
        again.append(x.clone())
        return x

    noise_curve(record, features, index, labels, [0.0, 0.3, 1.0], seed=3)
    assert all(torch.equal(a, b) for a, b in zip(seen, again, strict=True))
