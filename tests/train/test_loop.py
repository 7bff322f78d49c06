"""The one training loop: best-validation selection, ties, patience, determinism."""

from __future__ import annotations

import torch
from torch import nn

from hyperdistill.train import TrainConfig, fit


class Scripted(nn.Module):
    """A one-parameter model whose validation score follows a script, to test selection."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))


def scripted_fit(scores: list[float], patience: int | None = None):
    model = Scripted()
    calls = iter(scores)

    def objective(m: nn.Module, _: torch.Generator) -> dict[str, torch.Tensor]:
        return {"loss": (m.weight - 10).pow(2).sum()}

    def validate(m: nn.Module) -> float:
        m.weight.data.fill_(float(len(result_weights)))  # tag the state by the epoch it was seen
        result_weights.append(m.weight.item())
        return next(calls)

    result_weights: list[float] = []
    config = TrainConfig(epochs=len(scores), patience=patience)
    return model, fit(model, objective, validate, config, torch.Generator())


def test_keeps_the_earliest_best_state():
    model, result = scripted_fit([0.1, 0.5, 0.3, 0.5, 0.2])
    assert result.best_epoch == 1
    assert result.best_val_acc == 0.5
    assert model.weight.item() == 1.0  # the state seen at epoch 1 was restored
    assert not model.training


def test_patience_stops_early():
    _, result = scripted_fit([0.5, 0.1, 0.1, 0.1, 0.9], patience=2)
    assert len(result.history) == 3
    assert result.best_epoch == 0


def test_training_is_deterministic_for_a_seed():
    def train() -> torch.Tensor:
        torch.manual_seed(3)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        x, y = torch.randn(20, 4), torch.randint(0, 2, (20,))

        def objective(m, _):
            return {"loss": nn.functional.cross_entropy(m(x), y)}

        def validate(m):
            return float((m(x).argmax(1) == y).float().mean())

        fit(model, objective, validate, TrainConfig(epochs=15), torch.Generator().manual_seed(0))
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    assert torch.equal(train(), train())


def test_history_logs_named_terms():
    _, result = scripted_fit([0.1, 0.2])
    assert set(result.history[0]) == {"epoch", "val_acc", "loss"}
