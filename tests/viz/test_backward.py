"""The backward pass drawn: op gradients (show_grads), the backward graph, reused ops."""
import networkx as nx
import numpy as onp
import pytest

import viz
from viz.backward import backward_id, backward_view
from viz.contract import graph_problems
from autodiff import np, npx, autograd

from tests.viz.svg import NS, node_texts, parse


def program():
    npx.set_np()
    x = np.array([1., 2., 3.])
    w = np.array([0.5, -1., 2.])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        a = x * w
        b = np.sin(a)
        y = (b * 3 + a).sum()
    y.backward(retain_graph=True)
    return x, w, a, y


def texts_of(root):
    return [t for lines in node_texts(root).values() for t in lines]


def test_show_grads_labels_every_op_with_its_gradient():
    x, w, a, y = program()
    texts = texts_of(parse(viz.draw(y, show_grads=True, legend=False).pipe('svg')))
    da = 3 * onp.cos(a.asnumpy()) + 1                       # d y / d a
    shown = viz.labels.format_array(da.astype('float32'))
    assert f'grad: {shown}' in texts                       # on the multiply node x * w
    assert texts.count('grad: [1, 1, 1]') == 2             # add and the multiply by 3 ... add
    assert 'grad: 1' in texts                              # the head
    assert f"grad: {viz.labels.format_array(x.grad.asnumpy())}" in texts


def test_large_gradients_show_shape_norm_min_max():
    x = np.arange(12).reshape(3, 4) * 1.0
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward(retain_graph=True)
    texts = texts_of(parse(viz.draw(y, show_grads=True, legend=False).pipe('svg')))
    g = 2 * onp.arange(12.0)
    assert f'grad: (3, 4) norm={viz.labels.format_number(onp.linalg.norm(g))} min=0 max=22' \
        in texts


def test_backward_graph_has_one_step_per_rule_and_mirrored_gradient_edges():
    x, w, a, y = program()
    G = autograd.get_graph(y)
    B = backward_view(G)
    assert graph_problems(B) == []
    ops = [n for n, d in G.nodes(data=True) if d['kind'] == 'op']
    steps = [n for n, d in B.nodes(data=True) if 'backward_of' in d]
    assert sorted(B.nodes[s]['backward_of'] for s in steps) == sorted(
        ops + [n for n, d in G.nodes(data=True) if d['kind'] == 'variable'])
    for u, v in G.edges:
        if G.nodes[u]['kind'] != 'constant':
            assert B.has_edge(backward_id(v), backward_id(u)), (u, v)   # reversed
            assert B.edges[backward_id(v), backward_id(u)]['gradient']
    assert nx.is_directed_acyclic_graph(B)
    assert B.graph['backward_steps'][0] == backward_id(G.graph['heads'][0])

    fig = viz.draw(y, backward=True, legend=False)
    root = parse(fig.pipe('svg'))
    texts = texts_of(root)
    for name in ('\u2202 sin', '\u2202 add', '\u2202 sum', '\u2202 x', '\u2202 w'):
        assert name in texts
    assert texts.count('\u2202 multiply') == 2
    # each gradient edge is drawn as the forward edge with its arrow turned round
    assert fig.source.count('dir=back') == sum(1 for *_, d in B.edges(data=True)
                                               if d.get('gradient'))
    assert fig.source.count('rank=same') == len(steps)


def test_backward_without_kept_gradients_is_a_clear_error():
    x = np.ones(2)
    x.attach_grad()
    with autograd.record():
        y = (x * 2).sum()
    with pytest.raises(ValueError, match='retain_graph'):
        viz.draw(y, backward=True)


def test_create_graph_gradient_graph_marks_reused_forward_ops():
    x = np.array([0.5, 1.0])
    x.attach_grad()
    with autograd.record():
        z = np.exp(x * 2).sum()
    dx, = autograd.grad(z, [x], create_graph=True)
    root = parse(viz.draw(dx).pipe('svg'))
    borders = {}
    for g in root.iter(f'{NS}g'):
        if g.get('class') == 'node':
            first = next((t.text for t in g.iter(f'{NS}text')), None)
            shape = next(iter(g.iter(f'{NS}ellipse')), None)
            if shape is not None:
                borders.setdefault(first, set()).add(shape.get('stroke'))
    assert borders['exp'] == {viz.styles.REUSED['color']}
    texts = [t.text for t in root.iter(f'{NS}text')]
    assert 'forward op reused by the gradient graph' in texts          # the legend
