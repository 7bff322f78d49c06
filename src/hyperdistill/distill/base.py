"""The Distiller interface: hyperparameters in the constructor, prepared once, a loss of named terms.

A distiller turns a teacher's outputs into a training objective for the MLP student. The one training loop
calls ``loss(student_logits, generator)`` every epoch and optimises ``terms["loss"]``; the other terms are
logged.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.registry import Registry


@dataclass(frozen=True)
class DistillContext:
    """What a distiller may see: only the observed vertices, and labels of training vertices only.

    Args:
        features: Preprocessed features of the vertices the student trains on, ``(N, F)``.
        train_index: Rows of ``features`` with a training label, ``(T,)``.
        train_labels: Their labels, ``(T,)``.
        num_classes: C.
        hypergraph: Observed structure on the same N vertices.
        teacher_logits: Teacher logits from its best state in eval mode, ``(N, C)``; None without teacher.
        teacher: Re-runs the trained teacher (eval mode, no grad) on other features ``(N, F) -> (N, C)``;
            used for reliability under feature perturbation.
        teacher_hidden: The teacher's last hidden representation ``(N, H)`` where the teacher exposes one
            (``forward_with_hidden``), for representation distillation; else None.
        node_ids: Global vertex ids of the rows (the observed vertices in the production setting), so a
            method can relate training rows to vertices it meets later (NOSMOG's position features).
    """

    features: Tensor
    train_index: Tensor
    train_labels: Tensor
    num_classes: int
    hypergraph: Hypergraph
    teacher_logits: Tensor | None = None
    teacher: Callable[[Tensor], Tensor] | None = None
    teacher_hidden: Tensor | None = None
    node_ids: Tensor | None = None


class Distiller(ABC):
    """Base class of all distillation methods (one abstract hook: :meth:`loss`)."""

    #: Whether the method needs a trained teacher (the plain MLP does not).
    needs_teacher: ClassVar[bool] = True

    def prepare(self, context: DistillContext, generator: torch.Generator) -> None:
        """Compute everything that is fixed during training (soft labels, reliability, ...). Called once."""
        self.context = context

    def extra_parameters(self) -> list[nn.Parameter]:
        """Trainable parameters of the method itself (e.g. projection heads), optimised with the student."""
        return []

    def student_inputs(self, features: Tensor, hypergraph: Hypergraph | None) -> Tensor:
        """What the student reads for vertices with these features, ``(B, F) -> (B, F')``.

        The identity for structure-free methods. A method that adds inputs (NOSMOG's position features)
        overrides it; ``hypergraph`` is the structure around the vertices, None for a vertex without links.
        """
        return features

    @property
    def reads_features_only(self) -> bool:
        """Whether the student reads the raw vertex features and nothing else (so a feature-only artifact
        can serve it): true unless the method overrides :meth:`student_inputs`."""
        return type(self).student_inputs is Distiller.student_inputs

    def objective(self, student: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        """One epoch's training terms for ``student``; by default :meth:`loss` of its full-batch logits.

        Methods that need more than logits (hidden representations, augmented inputs) override this.
        """
        return self.loss(
            student(self.student_inputs(self.context.features, self.context.hypergraph)), generator
        )

    @abstractmethod
    def loss(self, student_logits: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        """The objective for one epoch.

        Args:
            student_logits: Student outputs for every row of ``context.features``, ``(N, C)``.
            generator: Source of per-epoch randomness (for example hyperedge sampling).

        Returns:
            Named scalar terms; ``"loss"`` is the one that is optimised.
        """

    def hyperparameters(self) -> dict[str, Any]:
        """The constructor arguments and their current values (scikit-learn's ``get_params``)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


#: Distillation methods by name: ``DISTILLERS.get("lighthgnn")(tau=1.0)``.
DISTILLERS: Registry[type[Distiller]] = Registry("method")
