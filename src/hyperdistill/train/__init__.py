"""The one training loop."""

from hyperdistill.train.loop import FitResult, TrainConfig, fit

__all__ = ["FitResult", "TrainConfig", "fit"]
