"""HyperGCN convolution (Yadati et al., "HyperGCN: A New Method of Training Graph Convolutional Networks on
Hypergraphs", NeurIPS 2019, arXiv:1809.02589)."""

from __future__ import annotations

import torch
from torch import Tensor

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv.base import PropagationConv
from hyperdistill.nn.functional import scatter_max, scatter_min
from hyperdistill.nn.graph import normalized_adjacency


def hypergcn_operator(hypergraph: Hypergraph, signal: Tensor, mediators: bool = True) -> Tensor:
    r"""HyperGCN's graph approximation of a hypergraph, normalised as GCN: ``D^-1/2 (A + I) D^-1/2``.

    In every hyperedge ``e`` the two members farthest apart along ``signal`` (the features projected on a
    random direction), the supremum ``s_e`` (largest value) and the infimum ``i_e`` (smallest), are
    joined. Without mediators that edge gets weight ``w_e / |e|``. With mediators every other member
    ``m`` is joined to both ``s_e`` and ``i_e`` as well, and all ``2|e| - 3`` edges get weight
    ``w_e / (2|e| - 3)`` (the original code's normalisation; each hyperedge then spreads total weight
    ``w_e``). Weights of repeated pairs add up. Hyperedges with one member add nothing (the self-loop
    of ``I`` covers them). Ties go to the first member (supremum) and last member (infimum) in
    incidence order, so the two always differ.

    Args:
        hypergraph: The hypergraph.
        signal: One value per vertex, ``(N,)``; no gradient flows through the construction.
        mediators: Whether to add mediator edges.

    Shapes:
        - signal: ``(N,)``
        - output: ``(N, N)`` sparse CSR on the device of ``signal``
    """
    device = signal.device
    vertices, edges = hypergraph.hyperedge_index.to(device)
    num_nodes, num_edges = hypergraph.num_nodes, hypergraph.num_edges
    sizes = hypergraph.edge_sizes().to(device)
    weight = hypergraph.weight.to(device)
    value = signal.detach()[vertices]
    position = torch.arange(vertices.numel(), device=device)
    is_top = value == scatter_max(value, edges, num_edges)[edges]
    is_bottom = value == scatter_min(value, edges, num_edges)[edges]
    far = vertices.numel()
    first_top = scatter_min(torch.where(is_top, position, far), edges, num_edges)
    last_bottom = scatter_max(torch.where(is_bottom, position, -1), edges, num_edges)
    usable = sizes >= 2
    sup, inf = vertices[first_top[usable]], vertices[last_bottom[usable]]
    if mediators:
        share = weight / (2 * sizes - 3).clamp(min=1)
        middle = (position != first_top[edges]) & (position != last_bottom[edges])
        mediator, edge_of = vertices[middle], edges[middle]
        src = torch.cat([sup, vertices[first_top[edge_of]], vertices[last_bottom[edge_of]]])
        dst = torch.cat([inf, mediator, mediator])
        pair_weight = torch.cat([share[usable], share[edge_of], share[edge_of]])
    else:
        src, dst, pair_weight = sup, inf, (weight / sizes)[usable]
    loops = torch.arange(num_nodes, device=device)
    row = torch.cat([src, dst, loops])
    col = torch.cat([dst, src, loops])
    weights = torch.cat([pair_weight, pair_weight, torch.ones(num_nodes, device=device)])
    return normalized_adjacency(row, col, weights.float(), num_nodes)


class HyperGCNConv(PropagationConv):
    r"""HyperGCN layer: GCN propagation over a graph that approximates the hypergraph.

    .. math::
        X' = \tilde D^{-1/2} (A_{X\Theta} + I) \tilde D^{-1/2} X \Theta + b

    where :math:`A_{X\Theta}` joins, in each hyperedge, the two members farthest apart along a random
    projection of :math:`X\Theta` (plus mediators), see :func:`hypergcn_operator`. As in the original code
    the graph is rebuilt at every call from this layer's own :math:`X\Theta`: during training with a
    fresh random direction, uniform in ``[0, 1)^C`` (the paper's stochastic approximation); in evaluation
    with the fixed direction ``projection`` (a buffer drawn at initialisation and saved in the state
    dict), so evaluation is deterministic and a reloaded model scores the same.

    Pass ``operator`` to propagate over a prebuilt graph instead (FastHyperGCN builds one from the input
    features, once).

    Args:
        in_channels: Input feature size F.
        out_channels: Output feature size.
        bias: Whether to add a learnable bias after propagation.
        mediators: Whether the graph approximation uses mediators (the paper's HyperGCN; ``False`` gives
            "1-HyperGCN").

    Shapes:
        - x: ``(N, in_channels)``
        - output: ``(N, out_channels)``
    """

    projection: Tensor

    def __init__(
        self, in_channels: int, out_channels: int, bias: bool = True, mediators: bool = True
    ) -> None:
        super().__init__(in_channels, out_channels, bias)
        self.mediators = mediators
        self.register_buffer("projection", torch.rand(out_channels))

    def reset_parameters(self) -> None:
        super().reset_parameters()
        if hasattr(self, "projection"):  # absent while the base constructor runs
            self.projection.uniform_()

    def propagate(self, x: Tensor, hypergraph: Hypergraph) -> Tensor:
        direction = torch.rand(x.size(1), device=x.device) if self.training else self.projection
        return hypergcn_operator(hypergraph, x.detach() @ direction, self.mediators) @ x

    def forward(self, x: Tensor, hypergraph: Hypergraph, operator: Tensor | None = None) -> Tensor:
        if operator is None:
            return super().forward(x, hypergraph)
        out = operator @ self.lin(x)
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, mediators={self.mediators}"
