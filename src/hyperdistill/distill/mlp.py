"""The plain MLP: cross-entropy on the training vertices, no teacher; the bar every method must clear."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

from hyperdistill.distill.base import DISTILLERS, Distiller


@DISTILLERS.register("mlp")
class PlainMLP(Distiller):
    """Supervised training on the labelled vertices only."""

    needs_teacher = False

    def __init__(self) -> None:
        pass

    def loss(self, student_logits: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        ce = F.cross_entropy(student_logits[self.context.train_index], self.context.train_labels)
        return {"loss": ce, "ce": ce}
