"""Scopes drawn as clusters; depth collapse; folding repeated identical scopes."""
import networkx as nx
import pytest

import viz
from viz.contract import graph_problems
from viz.scopes import collapse_scopes

from tests.graph.test_graph_scope import params, two_layer
from tests.viz.svg import cluster_labels, node_texts, parse
from autodiff import np, autograd
from autodiff.scope import block_scope


def net_loss():
    w1, b1, w2, b2 = params()
    with autograd.record():
        y = two_layer(np.ones((4, 3)), w1, b1, w2, b2)
        loss = (y * y).sum()
    return loss


def svg_of(heads, **kw):
    return parse(viz.draw(heads, legend=False, **kw).pipe('svg'))


def test_each_scope_is_a_labelled_cluster_with_its_parameters_inside():
    root = svg_of(net_loss())
    assert sorted(cluster_labels(root)) == ['dense0 : Dense', 'dense1 : Dense',
                                           'hybridsequential0 : HybridSequential']
    # the parameter nodes are drawn inside their Dense cluster, with their shapes
    src = viz.draw(net_loss(), legend=False).source
    # DOT nesting: dense0's cluster holds dense0_weight and is inside the outer cluster
    outer = src.index('hybridsequential0 : HybridSequential')
    d0 = src.index('dense0 : Dense')
    assert outer < d0 < src.index('dense0_weight') < src.index('dense1 : Dense')
    texts = [t for lines in node_texts(root).values() for t in lines]
    assert 'dense0_weight' in texts and '(3, 5) float32' in texts


def test_depth_collapses_inner_scopes_into_one_node_each():
    G = autograd.get_graph(net_loss())
    C = collapse_scopes(G, 1)
    assert graph_problems(C) == []
    dense = {d['label']: (n, d) for n, d in C.nodes(data=True) if 'scope_summary' in d}
    assert set(dense) == {'dense0 : Dense', 'dense1 : Dense'}
    n0, d0 = dense['dense0 : Dense']
    n1, d1 = dense['dense1 : Dense']
    assert d0['scope_summary']['params'] == 3 * 5 + 5
    assert d1['scope_summary']['params'] == 5 * 2 + 2
    assert d0['scope_summary']['inputs'] == ((4, 3),)
    assert d0['scope_summary']['outputs'] == ((4, 5),)
    assert d0['scope_key'] == 'hybridsequential0'     # drawn inside the outer cluster
    # edges stay consistent: input -> dense0 -> dense1 -> multiply -> sum
    assert C.has_edge(n0, n1)
    (mul,) = C.successors(n1)
    assert C.nodes[mul]['op'] == 'multiply'
    assert nx.is_directed_acyclic_graph(C)
    assert C.number_of_nodes() == 1 + 2 + 2      # x, dense0, dense1, multiply, sum
    # every original path survives the contraction
    member = {m: n for n, d in C.nodes(data=True) for m in d.get('members', (n,))}
    for u, v in G.edges:
        if member[u] != member[v]:
            assert C.has_edge(member[u], member[v]), (u, v)

    root = svg_of(net_loss(), depth=1)
    assert cluster_labels(root) == ['hybridsequential0 : HybridSequential']
    texts = [t for lines in node_texts(root).values() for t in lines]
    assert 'dense0 : Dense' in texts
    assert 'in (4, 3) \u2192 out (4, 5)' in texts and '20 params, 3 ops' in texts
    root0 = svg_of(net_loss(), depth=0)
    assert cluster_labels(root0) == []
    assert 'hybridsequential0 : HybridSequential' in [
        t for lines in node_texts(root0).values() for t in lines]


def test_identical_repeated_scopes_fold():
    w1, b1, w2, b2 = params()
    ws = [np.ones((3, 3)) * 0.1 for _ in range(5)]
    for w in ws:
        w.attach_grad()
    with autograd.record():
        h = np.ones((2, 3))
        with block_scope('encoder', 'Encoder'):
            for i, w in enumerate(ws):
                with block_scope(f'layer{i}', 'Layer', {f'layer{i}_weight': w}):
                    h = np.tanh(h @ w)
        y = h.sum()
    C = collapse_scopes(autograd.get_graph(y), 1)
    folded = [d for _, d in C.nodes(data=True) if d.get('folded')]
    assert len(folded) == 1 and folded[0]['label'] == 'Layer \u00d75'
    assert folded[0]['scope_key'] == 'encoder'
    root = svg_of(y, depth=1)
    texts = [t for lines in node_texts(root).values() for t in lines]
    assert 'Layer \u00d75' in texts and '9 params, 2 ops each' in texts


def test_bad_depth_is_a_clear_error():
    with pytest.raises(ValueError, match='depth must be an int'):
        viz.draw(net_loss(), depth=-1)


def test_text_dump_names_the_scope_of_each_op():
    text = viz.to_text(net_loss())
    relu = next(line for line in text.splitlines() if '= relu(' in line)
    assert relu.endswith('scope=hybridsequential0/dense0')
    assert 'scope=' not in next(line for line in text.splitlines() if '= multiply(' in line)
    assert '= variable dense1_weight : (5, 2) float32 grad_req=write scope=' \
        'hybridsequential0/dense1' in text


def test_legend_explains_the_frames_only_when_there_are_scopes():
    texts = [t.text for t in parse(viz.draw(net_loss()).pipe('svg')).iter() if t.text]
    assert 'Block scope (name : Kind)' in texts
    x = np.ones(2)
    x.attach_grad()
    with autograd.record():
        y = (x * 2).sum()
    assert 'Block scope (name : Kind)' not in viz.draw(y).source
