"""Every operator DeepHypergraph (dhg 0.9.7) implements, against ours with the same weights.

Run with ``pytest -m reference`` after installing the ``reference`` extra. dhg's convolutions apply their
bias before propagation and its attention layers clamp the scores to ``[0.001, 5]``; the cases below
switch the bias off (ours is zero) and keep every score inside the clamp, so both sides compute the
same formula. HyperGCN with mediators is the one documented difference: dhg omits the edge between the
supremum and the infimum that the paper and the original code add; the test adds it to dhg's graph.
"""

from __future__ import annotations

import pytest
import torch

from hyperdistill.data.hypergraph import Hypergraph
from hyperdistill.nn.conv import HGNNConv, HGNNPConv
from hyperdistill.nn.conv.gat import GATConv
from hyperdistill.nn.conv.gcn import GCNConv
from hyperdistill.nn.conv.hnhn import HNHNConv
from hyperdistill.nn.conv.hypergcn import HyperGCNConv
from hyperdistill.nn.conv.sage import SAGEConv
from hyperdistill.nn.conv.unigat import UniGATConv
from hyperdistill.nn.conv.unigcn import UniGCNConv

dhg = pytest.importorskip("dhg")

pytestmark = pytest.mark.reference

EDGES = [[0, 1, 2], [1, 3], [2, 3, 4], [0, 4, 5, 6], [5, 6], [1, 6, 7]]
N, F_IN, F_OUT = 8, 5, 4
ATOL = 1e-5


@pytest.fixture
def pair():
    """The same hypergraph on both sides, and features."""
    ours = Hypergraph.from_edge_list(EDGES, num_nodes=N)
    return ours, dhg.Hypergraph(N, EDGES), torch.randn(N, F_IN)


def clique_pairs(hypergraph: Hypergraph) -> list[list[int]]:
    src, dst = hypergraph.clique_expansion(self_loops=False)
    return [[int(a), int(b)] for a, b in zip(src, dst, strict=True) if a < b]


def copy_linear(ours: torch.nn.Linear, theirs: torch.nn.Linear) -> None:
    with torch.no_grad():
        ours.weight.copy_(theirs.weight)
        if ours.bias is not None and theirs.bias is not None:
            ours.bias.copy_(theirs.bias)


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max().detach())


@pytest.mark.parametrize(("ours_cls", "name"), [(HGNNConv, "HGNNConv"), (HGNNPConv, "HGNNPConv")])
def test_hgnn_family(pair, ours_cls, name):
    hypergraph, hg, x = pair
    theirs = getattr(dhg.nn, name)(F_IN, F_OUT, bias=False, is_last=True).eval()
    ours = ours_cls(F_IN, F_OUT)
    copy_linear(ours.lin, theirs.theta)
    assert max_diff(ours(x, hypergraph), theirs(x, hg)) < ATOL


def test_unigcn(pair):
    hypergraph, hg, x = pair
    theirs = dhg.nn.UniGCNConv(F_IN, F_OUT, bias=False, is_last=True).eval()
    ours = UniGCNConv(F_IN, F_OUT)
    copy_linear(ours.lin, theirs.theta)
    assert max_diff(ours(x, hypergraph), theirs(x, hg)) < ATOL


def test_hnhn(pair):
    hypergraph, hg, x = pair
    theirs = dhg.nn.HNHNConv(F_IN, F_OUT, bias=True, is_last=True).eval()
    ours = HNHNConv(F_IN, F_OUT).eval()
    copy_linear(ours.lin_v2e, theirs.theta_v2e)
    copy_linear(ours.lin_e2v, theirs.theta_e2v)
    assert max_diff(ours(x, hypergraph), theirs(x, hg)) < ATOL


def positive_attention_case(ours: torch.nn.Module, theirs: torch.nn.Module) -> torch.Tensor:
    """Positive features and weights, so every LeakyReLU score lies inside dhg's clamp [0.001, 5]."""
    with torch.no_grad():
        theirs.theta.weight.uniform_(0.05, 0.3)
        for module in theirs.modules():
            if isinstance(module, torch.nn.Linear) and module is not theirs.theta:
                module.weight.uniform_(0.05, 0.3)
    return 0.5 + 0.5 * torch.rand(N, F_IN)


def test_unigat(pair):
    hypergraph, hg, _ = pair
    theirs = dhg.nn.UniGATConv(F_IN, F_OUT, bias=False, drop_rate=0.0, is_last=True).eval()
    ours = UniGATConv(F_IN, F_OUT, heads=1).eval()
    x = positive_attention_case(ours, theirs)
    with torch.no_grad():
        ours.lin.weight.copy_(theirs.theta.weight)
        ours.att_edge.copy_(theirs.atten_e.weight.view(1, 1, F_OUT))
        ours.att_vertex.copy_(theirs.atten_dst.weight.view(1, 1, F_OUT))
    assert max_diff(ours(x, hypergraph), theirs(x, hg)) < ATOL


def test_hypergcn_without_mediators(pair):
    hypergraph, hg, x = pair
    theirs = dhg.nn.HyperGCNConv(F_IN, F_OUT, use_mediator=False, bias=False, is_last=True).eval()
    ours = HyperGCNConv(F_IN, F_OUT, mediators=False).train()  # training: a fresh direction per call
    copy_linear(ours.lin, theirs.theta)
    torch.manual_seed(3)
    expected = theirs(x, hg)  # draws its random direction first thing after the linear map
    torch.manual_seed(3)
    assert max_diff(ours(x, hypergraph), expected) < ATOL


def test_hypergcn_with_mediators_adds_the_supremum_infimum_edge(pair, monkeypatch):
    hypergraph, hg, x = pair
    ours = HyperGCNConv(F_IN, F_OUT, mediators=True).eval()  # evaluation: the fixed direction
    h = ours.lin(x).detach()
    direction = ours.projection.view(-1, 1)
    monkeypatch.setattr(torch, "rand", lambda *args, **kwargs: direction.clone())  # dhg's direction
    graph = dhg.Graph.from_hypergraph_hypergcn(hg, h, with_mediator=True)
    monkeypatch.undo()
    projected = (h @ direction).squeeze(1)
    extra_edges, extra_weights = [], []
    for edge in EDGES:
        values = projected[torch.tensor(edge)]
        extra_edges.append([edge[int(values.argmax())], edge[int(values.argmin())]])
        extra_weights.append(1 / (2 * len(edge) - 3))
    graph.add_edges(extra_edges, extra_weights, merge_op="sum")
    assert max_diff(ours(x, hypergraph), graph.smoothing_with_GCN(h)) < ATOL


@pytest.fixture
def graph_pair(pair):
    hypergraph, _, x = pair
    return hypergraph, dhg.Graph(N, clique_pairs(hypergraph)), x


def test_gcn(graph_pair):
    hypergraph, g, x = graph_pair
    theirs = dhg.nn.GCNConv(F_IN, F_OUT, bias=False, is_last=True).eval()
    ours = GCNConv(F_IN, F_OUT)
    copy_linear(ours.lin, theirs.theta)
    assert max_diff(ours(x, hypergraph), theirs(x, g)) < ATOL


def test_graphsage(graph_pair):
    hypergraph, g, x = graph_pair
    theirs = dhg.nn.GraphSAGEConv(F_IN, F_OUT, bias=True, is_last=True).eval()
    ours = SAGEConv(F_IN, F_OUT)
    with torch.no_grad():
        ours.lin_root.weight.copy_(theirs.theta.weight[:, :F_IN])
        ours.lin_neighbour.weight.copy_(theirs.theta.weight[:, F_IN:])
        ours.lin_neighbour.bias.copy_(theirs.theta.bias)
    assert max_diff(ours(x, hypergraph), theirs(x, g)) < ATOL


def test_gat(graph_pair):
    hypergraph, g, _ = graph_pair
    g.add_extra_selfloop()  # GAT attends over the vertex itself too
    theirs = dhg.nn.GATConv(F_IN, F_OUT, bias=False, drop_rate=0.0, is_last=True).eval()
    ours = GATConv(F_IN, F_OUT, heads=1).eval()
    x = positive_attention_case(ours, theirs)
    with torch.no_grad():
        ours.lin.weight.copy_(theirs.theta.weight)
        ours.att_src.copy_(theirs.atten_src.weight.view(1, 1, F_OUT))
        ours.att_dst.copy_(theirs.atten_dst.weight.view(1, 1, F_OUT))
    assert max_diff(ours(x, hypergraph), theirs(x, g)) < ATOL
