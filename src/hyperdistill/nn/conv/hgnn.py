"""HGNN convolution (Feng et al., "Hypergraph Neural Networks", AAAI 2019, arXiv:1809.09401)."""

from __future__ import annotations

from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import PropagationConv


class HGNNConv(PropagationConv):
    r"""Spectral hypergraph convolution.

    .. math::
        X' = D_v^{-1/2} H W D_e^{-1} H^\top D_v^{-1/2} X \Theta + b

    The smoothing operator is built once per hypergraph (cached on it) and applied as two sparse products.
    Activation and dropout belong to the model, not to the layer.

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)``
    """

    def propagate(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return hypergraph.hgnn_operator()(x)
