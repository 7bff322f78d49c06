"""ED-HNN equivariant diffusion layer (Wang, Yang, Liu, Wang & Li, "Equivariant Hypergraph Diffusion Neural
Operators", ICLR 2023, arXiv:2207.06680)."""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import Tensor, nn

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.functional import scatter_mean, scatter_sum

AGGREGATES = {"mean": scatter_mean, "sum": scatter_sum}


def mlp(
    in_channels: int, hidden_channels: int, out_channels: int, num_layers: int, dropout: float
) -> nn.Module:
    """``Linear (-> ReLU -> Dropout -> Linear) * (num_layers - 1)``; the identity when ``num_layers == 0``."""
    if num_layers == 0:
        return nn.Identity()
    sizes = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
    layers: list[nn.Module] = []
    for a, b in pairwise(sizes[:-1]):
        layers += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(dropout)]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


class EDHNNConv(nn.Module):
    r"""One step of ED-HNN's learnable equivariant hypergraph diffusion.

    .. math::
        m_e = \operatorname{agg}_{u \in e} \phi(x_u), \qquad
        \tilde x_v = \operatorname{agg}_{e \ni v} \rho([x_v \,\Vert\, m_e]), \qquad
        x_v' = \varphi\big((1 - \alpha) \tilde x_v + \alpha x^{(0)}_v\big)

    :math:`\phi, \rho, \varphi` are MLPs (``mlp1``, ``mlp2``, ``mlp3``); with zero layers :math:`\phi`
    and :math:`\varphi` are the identity and :math:`\rho` keeps the hyperedge message :math:`m_e` only,
    so ``(0, 0, 1)`` layers reduce to a linear map of the two-stage mean (the paper's setting for the
    co-citation and co-authorship data). The vertex-dependent :math:`\rho` is what makes the operator
    equivariant rather than merely invariant within a hyperedge. ``agg`` is a mean or a sum; hyperedge
    weights are not used. The layer maps ``channels`` to ``channels`` (ED-HNN encodes the input first).

    Args:
        channels: Feature size C, in and out.
        mlp1_layers: Depth of :math:`\phi` (vertex -> hyperedge message).
        mlp2_layers: Depth of :math:`\rho` (hyperedge -> vertex message, sees the receiving vertex).
        mlp3_layers: Depth of :math:`\varphi` (vertex update).
        alpha: Weight of the initial features :math:`x^{(0)}` mixed back in (restart); 0 disables it.
        aggregate: ``"mean"`` or ``"sum"``, for both stages.
        dropout: Dropout probability inside the MLPs (between their layers).

    Shapes:
        - x: ``(N, channels)``; x0: ``(N, channels)`` or None (needed when ``alpha > 0``)
        - output: ``(N, channels)``
    """

    def __init__(
        self,
        channels: int,
        mlp1_layers: int = 1,
        mlp2_layers: int = 1,
        mlp3_layers: int = 1,
        alpha: float = 0.0,
        aggregate: str = "mean",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if aggregate not in AGGREGATES:
            raise ValueError(f"aggregate must be one of {', '.join(AGGREGATES)}, got {aggregate!r}")
        self.channels = channels
        self.alpha = alpha
        self.aggregate = aggregate
        self.mlp1 = mlp(channels, channels, channels, mlp1_layers, dropout)
        self.mlp2 = mlp(2 * channels, channels, channels, mlp2_layers, dropout) if mlp2_layers else None
        self.mlp3 = mlp(channels, channels, channels, mlp3_layers, dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Linear):
                module.reset_parameters()

    def forward(self, x: Tensor, hypergraph: Hypergraph, x0: Tensor | None = None) -> Tensor:
        aggregate = AGGREGATES[self.aggregate]
        vertices, edges = hypergraph.hyperedge_index.to(x.device)
        message = aggregate(self.mlp1(x)[vertices], edges, hypergraph.num_edges)[edges]  # (nnz, C)
        if self.mlp2 is not None:
            message = self.mlp2(torch.cat([x[vertices], message], dim=-1))
        out = aggregate(message, vertices, hypergraph.num_nodes)
        if self.alpha:
            if x0 is None:
                raise ValueError("EDHNNConv with alpha > 0 needs the initial features x0")
            out = (1 - self.alpha) * out + self.alpha * x0
        return self.mlp3(out)

    def extra_repr(self) -> str:
        return f"{self.channels}, alpha={self.alpha}, aggregate={self.aggregate!r}"
