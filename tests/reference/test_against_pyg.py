"""Every operator PyTorch Geometric (2.8) implements, against ours with the same weights.

Run with ``pytest -m reference`` after installing the ``reference`` extra. PyG's ``HypergraphConv``
(without attention) is our HGNN+ operator, hyperedge weights included.
"""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv import HGNNPConv
from hyperdistill.nn.conv.gat import GATConv
from hyperdistill.nn.conv.gcn import GCNConv
from hyperdistill.nn.conv.sage import SAGEConv

pyg_nn = pytest.importorskip("torch_geometric.nn")

pytestmark = pytest.mark.reference

EDGES = [[0, 1, 2], [1, 3], [2, 3, 4], [0, 4, 5, 6], [5, 6], [1, 6, 7]]
N, F_IN, F_OUT = 8, 5, 4
ATOL = 1e-5


@pytest.fixture
def hypergraph() -> Hypergraph:
    return Hypergraph.from_edge_list(EDGES, num_nodes=N, edge_weight=[1.0, 2.0, 0.5, 1.5, 1.0, 3.0])


def copy_parameters(ours: torch.nn.Module, theirs: torch.nn.Module, names: dict[str, str]) -> None:
    """Randomise PyG's parameters (biases included) and copy them into ours under the mapped names."""
    with torch.no_grad():
        mine = dict(ours.named_parameters())
        for theirs_name, parameter in theirs.named_parameters():
            parameter.normal_()
            mine[names[theirs_name]].copy_(parameter.view_as(mine[names[theirs_name]]))


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max().detach())


def test_hypergraphconv_is_hgnnp(hypergraph):
    unweighted = Hypergraph(hypergraph.hyperedge_index, N, hypergraph.num_edges)
    theirs = pyg_nn.HypergraphConv(F_IN, F_OUT)
    ours = HGNNPConv(F_IN, F_OUT)
    copy_parameters(ours, theirs, {"lin.weight": "lin.weight", "bias": "bias"})
    x = torch.randn(N, F_IN)
    assert max_diff(ours(x, unweighted), theirs(x, unweighted.hyperedge_index)) < ATOL


def test_hypergraphconv_uses_hyperedge_weights_only_in_the_degree(hypergraph):
    """PyG multiplies no message by W (pyg-team/pytorch_geometric#6918): its operator is
    ``D_v(W)^-1 H B^-1 H^T`` where the documented formula, and ours, is ``D_v(W)^-1 H W B^-1 H^T``."""
    theirs = pyg_nn.HypergraphConv(F_IN, F_OUT, bias=False)
    ours = HGNNPConv(F_IN, F_OUT, bias=False)
    copy_parameters(ours, theirs, {"lin.weight": "lin.weight"})
    x = torch.randn(N, F_IN)
    h = hypergraph.incidence_matrix().to_dense()
    w, dv_inv = hypergraph.weight, 1 / (h @ hypergraph.weight)
    b_inv = 1 / h.sum(0)
    xw = x @ ours.lin.weight.T
    formula = dv_inv[:, None] * (h @ ((w * b_inv)[:, None] * (h.T @ xw)))
    pyg_formula = dv_inv[:, None] * (h @ (b_inv[:, None] * (h.T @ xw)))
    assert max_diff(ours(x, hypergraph), formula) < ATOL
    actual = theirs(x, hypergraph.hyperedge_index, hyperedge_weight=hypergraph.edge_weight)
    assert max_diff(actual, pyg_formula) < ATOL


@pytest.fixture
def edge_index(hypergraph) -> torch.Tensor:
    """The clique expansion without self-loops: each convolution adds its own."""
    return hypergraph.clique_expansion(self_loops=False)


@pytest.mark.parametrize("structure", ["hypergraph", "edge_index"])
def test_gcn(hypergraph, edge_index, structure):
    theirs = pyg_nn.GCNConv(F_IN, F_OUT)
    ours = GCNConv(F_IN, F_OUT)
    copy_parameters(ours, theirs, {"lin.weight": "lin.weight", "bias": "bias"})
    x = torch.randn(N, F_IN)
    graph = hypergraph if structure == "hypergraph" else edge_index
    assert max_diff(ours(x, graph), theirs(x, edge_index)) < ATOL


def test_gcn_on_a_directed_graph_with_self_loops_and_an_isolated_vertex():
    edge_index = torch.tensor([[0, 1, 1, 2, 3, 3], [1, 2, 0, 3, 3, 0]])  # vertex 4 isolated
    theirs = pyg_nn.GCNConv(F_IN, F_OUT)
    ours = GCNConv(F_IN, F_OUT)
    copy_parameters(ours, theirs, {"lin.weight": "lin.weight", "bias": "bias"})
    x = torch.randn(5, F_IN)
    assert max_diff(ours(x, edge_index), theirs(x, edge_index)) < ATOL


@pytest.mark.parametrize("structure", ["hypergraph", "edge_index"])
def test_sage(hypergraph, edge_index, structure):
    theirs = pyg_nn.SAGEConv(F_IN, F_OUT)
    ours = SAGEConv(F_IN, F_OUT)
    names = {"lin_l.weight": "lin_neighbour.weight", "lin_l.bias": "lin_neighbour.bias"}
    copy_parameters(ours, theirs, names | {"lin_r.weight": "lin_root.weight"})
    x = torch.randn(N, F_IN)
    graph = hypergraph if structure == "hypergraph" else edge_index
    assert max_diff(ours(x, graph), theirs(x, edge_index)) < ATOL


@pytest.mark.parametrize(("heads", "concat"), [(1, True), (3, True), (3, False)])
def test_gat(hypergraph, edge_index, heads, concat):
    theirs = pyg_nn.GATConv(F_IN, F_OUT, heads=heads, concat=concat).eval()
    ours = GATConv(F_IN, F_OUT, heads=heads, concat=concat).eval()
    names = {"lin.weight": "lin.weight", "att_src": "att_src", "att_dst": "att_dst", "bias": "bias"}
    copy_parameters(ours, theirs, names)
    x = torch.randn(N, F_IN)
    assert max_diff(ours(x, hypergraph), theirs(x, edge_index)) < ATOL
    assert max_diff(ours(x, edge_index), theirs(x, edge_index)) < ATOL
