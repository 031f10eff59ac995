"""Hand-built tape graphs that follow the contract of autodiff.autograd.get_graph
(see viz/contract.py), so the viz tests need no autodiff."""

import networkx as nx
import numpy as np
import pytest


def var(g, node, label, shape, *, grad=None, grad_req='write', **extra):
    attrs = dict(detached=False, head=False, nonfinite=False, grad_nonfinite=False)
    attrs.update(extra)
    g.add_node(node, kind='variable', label=label, shape=shape, dtype='float32',
               grad_req=grad_req, grad=grad, **attrs)


def const(g, node, label, shape=(), **extra):
    extra.setdefault('detached', False)
    g.add_node(node, kind='constant', label=label, shape=shape, dtype='float32',
               head=False, nonfinite=False, **extra)


def op(g, node, name, inputs, shape, *, params=None, custom=False, nout=1,
       dtype='float32', **extra):
    """Add an op node; ``inputs`` lists producers (or (producer, output))."""
    params = params or {}
    attrs = dict(head=False, nonfinite=False)
    attrs.update(extra)
    g.add_node(node, kind='op', op=name, label=name, custom=custom, nout=nout,
               shape=shape, dtype=dtype, params=tuple(params), **params, **attrs)
    for index, source in enumerate(inputs):
        producer, output = source if isinstance(source, tuple) else (source, 0)
        if g.has_edge(producer, node):  # x * x: one edge, a tuple of positions
            e = g.edges[producer, node]
            e['index'], e['output'] = (e['index'], index), (e['output'], output)
        else:
            g.add_edge(producer, node, index=index, output=output)


def set_heads(g, *heads):
    g.graph['heads'] = list(heads)
    for h in heads:
        g.nodes[h]['head'] = True
    return g


def build_y_2xx():
    """y = 2 * x * x with x = [[1, 2], [3, 4]] after y.backward()."""
    g = nx.DiGraph()
    var(g, 'x', 'x', (2, 2), grad=np.array([[4, 8], [12, 16]], dtype=np.float32))
    const(g, 'c0', '2.0')
    op(g, 'op0', 'multiply', ['c0', 'x'], (2, 2))
    op(g, 'op1', 'multiply', ['op0', 'x'], (2, 2))
    return set_heads(g, 'op1')


def build_custom():
    """A custom Function with three outputs, then ops using each output."""
    g = nx.DiGraph()
    var(g, 'a', 'a', (2, 3), grad=np.ones((2, 3), np.float32))
    var(g, 'b', 'b', (2, 3), grad=np.full((2, 3), 0.5, np.float32))
    op(g, 'fn', 'MyFn', ['a', 'b'], ((2, 3), (2, 3), (2, 3)), custom=True,
       nout=3, dtype=('float32', 'float32', 'float32'))
    op(g, 'op1', 'add', [('fn', 0), ('fn', 1)], (2, 3))
    op(g, 'op2', 'multiply', ['op1', ('fn', 2)], (2, 3))
    op(g, 'op3', 'sum', ['op2'], (), params={'axis': None, 'keepdims': False})
    return set_heads(g, 'op3')


def build_detached():
    """u = x * x; z = u.detach(); w = z * x + u: z is a cut point."""
    g = nx.DiGraph()
    var(g, 'x', 'x', (3,), grad=np.array([3, 6, 9], np.float32))
    op(g, 'op0', 'multiply', ['x', 'x'], (3,))
    const(g, 'z', 'z', (3,), detached=True)
    op(g, 'op1', 'multiply', ['z', 'x'], (3,))
    op(g, 'op2', 'add', ['op1', 'op0'], (3,))
    return set_heads(g, 'op2')


def build_nan():
    """log(x) of x = [-1, 0, 1] is born NaN/-inf; a finite exp branch beside it."""
    g = nx.DiGraph()
    var(g, 'x', 'x', (3,), grad=np.array([np.nan, np.inf, 2.0], np.float32),
        grad_nonfinite=True)
    op(g, 'op_exp', 'exp', ['x'], (3,))
    op(g, 'op_log', 'log', ['x'], (3,), nonfinite=True)
    const(g, 'c0', '2.0')
    op(g, 'op_mul', 'multiply', ['op_log', 'c0'], (3,), nonfinite=True)
    op(g, 'op_add', 'add', ['op_mul', 'op_exp'], (3,), nonfinite=True)
    return set_heads(g, 'op_add')


def build_chain(n, names=('multiply',)):
    """x, then n ops in a line (op i is names[i % len(names)] of the previous
    result and its own scalar constant), then one head."""
    g = nx.DiGraph()
    var(g, 'x', 'x', (2,), grad=np.full((2,), 2.0 ** min(n, 100), np.float32))
    prev = 'x'
    for i in range(n):
        const(g, f'c{i}', '2.0')
        op(g, f'op{i}', names[i % len(names)], [prev, f'c{i}'], (2,))
        prev = f'op{i}'
    return set_heads(g, prev)


def build_tree(leaves):
    """A balanced add-reduction of ``leaves`` variables: no linear chains."""
    g = nx.DiGraph()
    level = []
    for i in range(leaves):
        var(g, f'v{i}', f'v{i}', (2,))
        level.append(f'v{i}')
    k = 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            op(g, f'add{k}', 'add', [level[j], level[j + 1]], (2,))
            nxt.append(f'add{k}')
            k += 1
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return set_heads(g, level[0])


def build_ladder(n):
    """Three variables, then n adds each of the two previous results
    (Fibonacci-like): every result has two consumers, so no linear chain."""
    g = nx.DiGraph()
    for name in 'abc':
        var(g, name, name, (2,))
    prev = ['a', 'b']
    for i in range(n):
        inputs = prev + (['c'] if i % 50 == 0 else [])
        op(g, f'op{i}', 'add', inputs, (2,))
        prev = [prev[1], f'op{i}']
    return set_heads(g, prev[1])


@pytest.fixture
def y_2xx():
    return build_y_2xx()


@pytest.fixture
def custom_graph():
    return build_custom()


@pytest.fixture
def detached_graph():
    return build_detached()


@pytest.fixture
def nan_graph():
    return build_nan()


@pytest.fixture
def chain():
    """Factory: ``chain(n, names=('multiply',))``."""
    return build_chain


@pytest.fixture
def tree():
    """Factory: ``tree(leaves)``."""
    return build_tree


@pytest.fixture
def ladder():
    """Factory: ``ladder(n)``."""
    return build_ladder


ALL_SMALL = {'y_2xx': build_y_2xx, 'custom': build_custom,
             'detached': build_detached, 'nan': build_nan}


@pytest.fixture(params=sorted(ALL_SMALL))
def small_graph(request):
    return ALL_SMALL[request.param]()
