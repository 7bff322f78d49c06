"""The teacher registry: ``TEACHERS.get("hgnn")(in_channels, out_channels, **hyperparameters)``."""

from __future__ import annotations

from torch import nn

from hyperdistill.registry import Registry

#: Teacher classes by name. Each is an ``nn.Module`` whose ``forward(x, hypergraph)`` returns logits.
TEACHERS: Registry[type[nn.Module]] = Registry("teacher")
