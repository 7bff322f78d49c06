"""HyperGCN and FastHyperGCN teachers (Yadati et al., NeurIPS 2019, arXiv:1809.02589).

Defaults: two layers, hidden 32, ReLU and dropout 0.5 after the hidden layer, mediators on. The original
code uses dropout 0.5, 200 epochs, lr 0.01, weight decay 5e-4 (the project's loop) and hidden 16; hidden 32
matches the project's HGNN teachers. Unlike the original code no ReLU follows the last layer (teachers
return unconstrained logits).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from itertools import pairwise
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.models.registry import TEACHERS
from hyperdistill.nn.conv.hypergcn import HyperGCNConv, hypergcn_operator


@TEACHERS.register("hypergcn")
class HyperGCN(nn.Module):
    """HyperGCN: every layer rebuilds its graph approximation from its own projected features.

    Args:
        in_channels: Input feature size F.
        out_channels: Number of classes C.
        hidden_channels: Width of the hidden layers.
        num_layers: Number of convolutions (>= 1).
        dropout: Dropout probability after every hidden layer.
        mediators: Whether the graph approximation uses mediators (``False``: "1-HyperGCN").

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)`` logits
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 32,
        num_layers: int = 2,
        dropout: float = 0.5,
        mediators: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        self.convs = nn.ModuleList(HyperGCNConv(a, b, mediators=mediators) for a, b in pairwise(sizes))
        self.dropout = dropout
        self.mediators = mediators

    def reset_parameters(self) -> None:
        for conv in cast("Iterable[HyperGCNConv]", self.convs):
            conv.reset_parameters()

    def operator(self, x: Tensor, hypergraph: Hypergraph) -> Tensor | None:
        """A graph shared by all layers, or None for each layer to build its own."""
        return None

    def forward(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return self.forward_with_hidden(x, hypergraph)[0]

    def forward_with_hidden(self, x: Tensor, hypergraph: Hypergraph) -> tuple[Tensor, Tensor]:
        """Logits and the input of the last convolution (the teacher's vertex representation)."""
        operator = self.operator(x, hypergraph)
        for conv in self.convs[:-1]:
            x = F.dropout(F.relu(conv(x, hypergraph, operator)), self.dropout, self.training)
        return self.convs[-1](x, hypergraph, operator), x


@TEACHERS.register("fast_hypergcn")
class FastHyperGCN(HyperGCN):
    """FastHyperGCN: one graph approximation, built from the input features, shared by all layers.

    The graph is built from ``x`` projected on a fixed random direction (the ``projection`` buffer, drawn
    at initialisation, saved in the state dict) the first time the model sees a given ``(x, hypergraph)``
    pair, and reused while the same tensors come back (every epoch of training); new features or a new
    hypergraph (the production setting's full hypergraph, perturbed features) give a new graph, so the
    output is always a function of its inputs. Same arguments as :class:`HyperGCN`.
    """

    projection: Tensor

    def __init__(self, in_channels: int, out_channels: int, **kwargs: Any) -> None:
        super().__init__(in_channels, out_channels, **kwargs)
        self.register_buffer("projection", torch.rand(in_channels))
        self._graph_key: tuple[Any, ...] | None = None
        self._graph: Tensor | None = None

    def reset_parameters(self) -> None:
        super().reset_parameters()
        self.projection.uniform_()
        self._graph_key = self._graph = None

    def operator(self, x: Tensor, hypergraph: Hypergraph) -> Tensor | None:
        # The graph is a function of (hypergraph, x, projection); reuse it while none of them changed.
        key = self._graph_key
        fresh = (
            key is not None
            and key[0]() is hypergraph
            and key[1]() is x
            and key[2:] == (x._version, self.projection._version)
        )
        if not fresh or self._graph is None:
            self._graph = hypergcn_operator(hypergraph, x.detach() @ self.projection, self.mediators)
            self._graph_key = (weakref.ref(hypergraph), weakref.ref(x), x._version, self.projection._version)
        return self._graph

    def __getstate__(self) -> dict[str, Any]:  # weak references cannot be pickled; the cache is rebuilt
        state = super().__getstate__()
        state = dict(state, _graph_key=None, _graph=None)
        return state
