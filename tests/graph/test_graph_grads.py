"""Gradients kept on op nodes by backward(retain_graph=True), against central differences.

Each op of the program is recomputed by ``run(x, w, bump)``, which adds ``bump[k]`` to the
output of the k-th op; the derivative of the head with respect to that intermediate is then
(head(+h) - head(-h)) / 2h, element by element, in float64.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import GraphError

STEPS = ('multiply', 'sin', 'multiply', 'add', 'tanh', 'sum')


def run(x, w, bump=None):
    """The program, op by op, adding ``bump[k]`` (if given) to the k-th op's output."""
    bump = bump or {}

    def at(k, v):
        return v + bump[k] if k in bump else v
    a = at(0, x * w)
    b = at(1, np.sin(a))
    c = at(2, b * 3)
    d = at(3, c + a)
    e = at(4, np.tanh(d))
    return at(5, e.sum())


def inputs():
    npx.set_np()
    x = np.array([0.3, -1.2, 2.0], dtype='float64')
    w = np.array([1.5, 0.4, -0.7], dtype='float64')
    return x, w


def central(k, shape, x, w, h=1e-6):
    out = onp.zeros(shape)
    for i in onp.ndindex(*shape):
        e = onp.zeros(shape)
        e[i] = h
        up = float(run(x, w, {k: np.array(e)}))
        down = float(run(x, w, {k: np.array(-e)}))
        out[i] = (up - down) / (2 * h)
    return out


def recorded():
    x, w = inputs()
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = run(x, w)
    return x, w, y


def test_every_op_grad_equals_central_differences():
    x, w, y = recorded()
    y.backward(retain_graph=True)
    G = autograd.get_graph(y)
    ops = [n for n, d in G.nodes(data=True) if d['kind'] == 'op']
    assert [G.nodes[n]['op'] for n in ops] == list(STEPS)
    xd, wd = onp.asarray(x.asnumpy()), onp.asarray(w.asnumpy())
    for k, n in enumerate(ops):
        g = G.nodes[n]['grad']
        assert g is not None and g.shape == G.nodes[n]['shape']
        ref = central(k, g.shape, np.array(xd), np.array(wd))
        onp.testing.assert_allclose(g, ref, rtol=1e-6, atol=1e-8, err_msg=G.nodes[n]['op'])
    # the head's own gradient is the head gradient: ones
    assert G.nodes[ops[-1]]['grad'] == 1.0


def test_multi_output_op_keeps_one_grad_per_output_and_none_where_nothing_flowed():
    x = np.array([1., 2., 3., 4.], dtype='float64')
    x.attach_grad()
    with autograd.record():
        p, q = np.split(x, 2)
        y = (p * p).sum()
    y.backward(retain_graph=True)
    G = autograd.get_graph(y)
    (split,) = [n for n, d in G.nodes(data=True) if d.get('op') == 'split']
    g = G.nodes[split]['grad']
    assert isinstance(g, tuple) and len(g) == 2
    onp.testing.assert_allclose(g[0], [2., 4.])          # d sum(p^2) / dp = 2p
    # the engine fills an output nothing flowed into with zeros before running the rule
    assert g[1] is None or not g[1].any()


def test_no_grads_without_retain_graph_and_before_any_backward():
    x, w, y = recorded()
    G = autograd.get_graph(y)
    assert all(d['grad'] is None for _, d in G.nodes(data=True) if d['kind'] == 'op')
    x2, w2, y2 = recorded()
    y2.backward()
    with pytest.raises(GraphError, match='retain_graph=True'):
        autograd.get_graph(y2)


def test_a_later_backward_replaces_the_kept_grads():
    x, w, y = recorded()
    y.backward(retain_graph=True)
    y.backward(np.array(2.0, dtype='float64'), retain_graph=True)
    G = autograd.get_graph(y)
    (head,) = G.graph['heads']
    assert G.nodes[head]['grad'] == 2.0


def test_create_graph_marks_the_forward_ops_the_gradient_graph_reuses():
    x = np.array([0.5, 1.0])
    x.attach_grad()
    with autograd.record():
        e = np.exp(x * 2)
        z = e.sum()
    dx, = autograd.grad(z, [x], create_graph=True)
    onp.testing.assert_allclose(dx.asnumpy(), 2 * onp.exp(2 * onp.array([0.5, 1.0])), rtol=1e-6)
    G = autograd.get_graph(dx)
    reused = {d['op'] for _, d in G.nodes(data=True) if d['kind'] == 'op' and d['reused']}
    fresh = [d['op'] for _, d in G.nodes(data=True) if d['kind'] == 'op' and not d['reused']]
    # exp's rule is g * exp(x): it reads the forward exp (and so x * 2) again
    assert reused == {'exp', 'multiply'}
    assert fresh and 'exp' not in fresh
