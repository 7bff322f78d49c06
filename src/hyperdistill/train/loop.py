"""The one training loop, for teachers and students alike.

A teacher's objective is cross-entropy on its training vertices; a student's is a distiller's loss. Both are
full-batch Adam with best-validation-accuracy selection (earliest epoch on ties) and optional patience.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from torch import Tensor, nn

#: ``(model, generator) -> {"loss": ..., other named terms}``: runs the forward pass it needs itself.
Objective = Callable[[nn.Module, torch.Generator], dict[str, Tensor]]
#: ``model -> validation accuracy`` (the model is already in eval mode, under no_grad).
Validate = Callable[[nn.Module], float]


@dataclass(frozen=True)
class TrainConfig:
    """Optimiser and selection settings (LightHGNN's defaults)."""

    epochs: int = 200
    lr: float = 0.01
    weight_decay: float = 5e-4
    patience: int | None = None
    progress: bool = False


@dataclass
class FitResult:
    """What one ``fit`` did: best epoch, its validation accuracy, per-epoch log and wall time."""

    best_epoch: int
    best_val_acc: float
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def fit(
    model: nn.Module,
    objective: Objective,
    validate: Validate,
    config: TrainConfig,
    generator: torch.Generator,
    description: str = "train",
    extra_parameters: Iterable[nn.Parameter] = (),
) -> FitResult:
    """Train ``model`` on ``objective`` and leave it in its best-validation state, in eval mode.

    Args:
        model: The module to train (teacher or student).
        objective: Computes the training terms from the model; ``"loss"`` is optimised.
        validate: Validation accuracy of the model, the selection criterion (earliest best epoch wins).
        config: Epochs, optimiser settings, patience, progress display.
        generator: Per-epoch randomness handed to the objective.
        description: Label of the progress bar.
        extra_parameters: Further trainable tensors of the objective (a distiller's heads), optimised
            alongside the model but not part of the selected state.
    """
    parameters = [*model.parameters(), *extra_parameters]
    optimizer = torch.optim.Adam(parameters, lr=config.lr, weight_decay=config.weight_decay)
    best = FitResult(best_epoch=-1, best_val_acc=-1.0, seconds=0.0)
    best_state = copy.deepcopy(model.state_dict())
    start = time.perf_counter()
    with _progress(config.progress) as progress:
        task = progress.add_task(description, total=config.epochs, val="")
        for epoch in range(config.epochs):
            # step
            model.train()
            optimizer.zero_grad()
            terms = objective(model, generator)
            terms["loss"].backward()
            optimizer.step()
            # evaluate
            model.eval()
            with torch.no_grad():
                val_acc = validate(model)
            # log
            best.history.append(
                {"epoch": epoch, "val_acc": val_acc, **{k: float(v.detach()) for k, v in terms.items()}}
            )
            if val_acc > best.best_val_acc:
                best.best_epoch, best.best_val_acc = epoch, val_acc
                best_state = copy.deepcopy(model.state_dict())
            progress.update(task, advance=1, val=f"val {val_acc:.3f} best {best.best_val_acc:.3f}")
            # stop
            if config.patience is not None and epoch - best.best_epoch >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    best.seconds = time.perf_counter() - start
    return best


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[val]}"),
        TimeElapsedColumn(),
        transient=True,
        disable=not enabled,
    )
