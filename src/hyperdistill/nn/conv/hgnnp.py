"""HGNN+ convolution (Gao et al., "HGNN+: General Hypergraph Neural Networks", TPAMI 2022)."""

from __future__ import annotations

from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import PropagationConv


class HGNNPConv(PropagationConv):
    r"""Two-stage mean message passing: vertex -> hyperedge mean, hyperedge -> weighted vertex mean.

    .. math::
        X' = D_v^{-1} H W D_e^{-1} H^\top X \Theta + b

    This is the operator PyTorch Geometric's ``HypergraphConv`` computes (without attention).

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)``
    """

    def propagate(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        return hypergraph.hgnnp_operator()(x)
