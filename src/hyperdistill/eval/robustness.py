"""Robustness to feature noise at test time: the public LightHGNN code's ``ft_noise_level`` knob.

Test vertices' features are mixed with standard Gaussian noise, ``x~ = (1 - a) x + a n``, ``n ~ N(0, I)``
(as in LightHGNN's ``prod_train.py`` and GLNN's feature-noise study), after the models were trained on clean
features. The teacher meets the noisy vertices inside the full hypergraph (their neighbours stay clean); the
student sees the noisy features alone. The same noise draw is used for every model at a given level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from hyperdistill.eval.metrics import accuracy


def mix_noise(features: Tensor, index: Tensor, level: float, generator: torch.Generator) -> Tensor:
    """A copy of ``features`` whose rows ``index`` are ``(1 - level) x + level n``, ``n ~ N(0, I)``.

    Shapes:
        - features: ``(N, F)``; index: ``(B,)`` row ids; output: ``(N, F)``
    """
    noisy = features.clone()
    noise = torch.randn((index.numel(), features.size(1)), generator=generator, dtype=features.dtype)
    noisy[index] = (1 - level) * features[index] + level * noise
    return noisy


@torch.no_grad()
def noise_curve(
    predict: Callable[[Tensor], Tensor],
    features: Tensor,
    index: Tensor,
    labels: Tensor,
    levels: Sequence[float],
    seed: int,
) -> list[float]:
    """Accuracy on the rows ``index`` at each noise level (level 0 is the clean accuracy).

    Args:
        predict: Features of every vertex ``(N, F)`` -> logits ``(N, C)`` (a teacher with its hypergraph
            bound, or a student).
        features: Clean features ``(N, F)``.
        index: The scored vertices ``(B,)``; only their features are perturbed.
        labels: Labels of every vertex ``(N,)``.
        levels: Mixing weights in [0, 1].
        seed: Seeds the noise; the draw at level ``k`` depends only on ``(seed, k)``.
    """
    out = []
    for k, level in enumerate(levels):
        generator = torch.Generator().manual_seed(seed * 1_000 + k)
        noisy = mix_noise(features, index, level, generator) if level > 0 else features
        out.append(accuracy(predict(noisy)[index], labels[index]))
    return out
