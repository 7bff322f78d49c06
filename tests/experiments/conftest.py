"""A tiny grid on the synthetic generator: every test of the runner trains in seconds."""

from __future__ import annotations

import pytest

from hyperdistill.experiments import Grid

TINY_RUN = {"epochs": 4, "dataset_options": {"num_nodes": 120, "num_classes": 3, "num_features": 24}}


def tiny_grid(store: str, **block_overrides) -> Grid:
    block = {
        "name": "main",
        "datasets": ["synthetic"],
        "settings": ["transductive", "production"],
        "inductive_shares": [0.3],
        "protocol": "glnn",
        "seeds": [0],
        "methods": ["mlp", "lighthgnn"],
        "checks": True,
        "run": TINY_RUN,
    } | block_overrides
    return Grid.model_validate({"name": "tiny", "store": store, "noise_levels": (0.0, 0.1), "block": [block]})


@pytest.fixture
def grid(tmp_path) -> Grid:
    return tiny_grid(str(tmp_path / "store"))
