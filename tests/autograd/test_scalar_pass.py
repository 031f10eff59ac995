"""The unrecorded backward pass over graphs of 0-d arrays in one kernel (``autodiff/scalar_pass.py``).

Every row with scalar VJP expressions is differentiated through it and compared bitwise
with the engine's generic pass (the same arithmetic in the same order) and, in float64,
with central differences; a third derivative of W10b's chain against float64 Taylor-mode
jets.  Graphs outside its case (another op, a shape, a non-differentiable node, two heads
on one node, retain_graph, in-place writes) must take the generic pass and give its
results and errors.
"""
import math

import numpy as onp
import pytest

from autodiff import autograd, np, engine, scalar_pass
from autodiff.errors import GraphError
from autodiff.ops import elementwise as E
from tests.helpers.gradcheck import check_grads

ROWS = [r.name for r in E.ROWS.values() if r.vjp_exprs is not None and getattr(r, 'op', None)]
# operand values inside each row's domain (log: x > 0; tanh_grad / sigmoid_grad: a result)
_A, _B = 0.7, -1.3


@pytest.fixture
def spy(monkeypatch):
    """How many passes the scalar pass took (a run that returned gradients)."""
    taken = []
    real = scalar_pass.run

    def run(deps, heads, head_grads):
        out = real(deps, heads, head_grads)
        taken.append(out is not None)
        return out
    monkeypatch.setattr(engine._scalar_pass, 'run', run)
    return taken


def _f(name):
    """A small graph around row ``name``: inputs used twice, sums of contributions."""
    row = E.ROWS[name]
    if row.arity == 1:
        return lambda a, b: row.fn(row.fn(a * b) * a) * b
    return lambda a, b: row.fn(row.fn(a, b) * a, b) * row.fn(b, a)


def _grads(fun, dtype, retain):
    a, b = np.array(onp.asarray(_A, dtype)), np.array(onp.asarray(_B, dtype))
    if fun is None:
        return None
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = fun(a, b)
    y.backward(retain_graph=retain)
    return a.grad.asnumpy(), b.grad.asnumpy()


def test_every_row_with_expressions_has_a_branch():
    src = scalar_pass.source()
    for code, name in enumerate(ROWS):
        assert f'c == {code}:       # {name}\n' in src
    assert {'add', 'subtract', 'multiply', 'divide', 'sin', 'cos', 'sin_grad'} <= set(ROWS)


@pytest.mark.parametrize('name', ROWS)
def test_bitwise_equal_to_the_generic_pass(name, spy):
    fun = _f(name)
    if name in ('tanh_grad', 'sigmoid_grad', 'log'):
        inner = fun
        fun = lambda a, b: inner(np.tanh(a) if name != 'log' else np.exp(a),   # noqa: E731
                                 np.tanh(b) if name != 'log' else np.exp(b))
    fast = _grads(fun, 'float32', retain=False)
    assert spy == [True]
    generic = _grads(fun, 'float32', retain=True)        # (retain_graph: the generic pass)
    assert spy == [True]
    for f, g in zip(fast, generic):
        assert f.dtype == onp.float32 and f.shape == ()
        onp.testing.assert_array_equal(f, g)


@pytest.mark.parametrize('name', ['multiply', 'divide', 'subtract', 'sin', 'cos', 'exp',
                                  'tanh', 'sigmoid', 'square', 'negative'])
def test_against_central_differences(name, spy):
    check_grads(_f(name), 0.35, -0.65)                  # (0-d float64: the scalar pass)
    assert spy == [True]


def _jets(x0, steps):
    """(y, y', y'', y''') of W10b's chain (y = x, steps x y = sin(y) * x) by float64 Taylor
    mode: forward jets, independent of any backward pass."""
    x = (x0, 1.0, 0.0, 0.0)
    y = x
    for _ in range(steps):
        y0, y1, y2, y3 = y
        s, c = math.sin(y0), math.cos(y0)
        a = (s, c * y1, -s * y1 * y1 + c * y2, -c * y1 ** 3 - 3 * s * y1 * y2 + c * y3)
        y = (a[0] * x[0], a[1] * x[0] + a[0] * x[1], a[2] * x[0] + 2 * a[1] * x[1],
             a[3] * x[0] + 3 * a[2] * x[1])
    return y


@pytest.mark.parametrize('dtype,rtol', [('float32', 2e-4), ('float64', 1e-12)])
def test_third_derivative_of_a_chain(dtype, rtol, spy):
    x = np.array(onp.asarray(1.2, dtype))
    x.attach_grad()
    with autograd.record():
        y = x
        for _ in range(20):
            y = np.sin(y) * x
        d1, = autograd.grad(y, [x], create_graph=True)
        d2, = autograd.grad(d1, [x], create_graph=True)
    d2.backward()
    assert spy == [True]                 # (the two recorded passes are not its case)
    want = _jets(1.2, 20)
    assert x.grad.dtype == onp.dtype(dtype)
    for got, w in zip((y, d1, d2, x.grad), want):
        assert abs(float(got) - w) <= rtol * max(1.0, abs(w))


def test_grad_req_add_and_unrecorded_grad(spy):
    x = np.array(onp.float32(0.4))
    x.attach_grad(grad_req='add')
    for _ in range(2):
        with autograd.record():
            y = np.sin(x) * x
        y.backward()
    want = 2 * (math.cos(0.4) * 0.4 + math.sin(0.4))
    assert abs(float(x.grad) - want) < 1e-6
    with autograd.record():
        y = np.sin(x) * x
    g, = autograd.grad(y, [x])
    assert abs(float(g) - want / 2) < 1e-6 and float(x.grad) == pytest.approx(want)
    assert spy == [True, True, True]


def test_unreached_and_constant_inputs(spy):
    x, w = np.array(onp.float32(0.4)), np.array(onp.float32(2.0))
    x.attach_grad()
    w.attach_grad()
    c = np.array(onp.float32(3.0))                     # (no history: a constant input)
    w.grad[...] = 7
    with autograd.record():
        y = np.sin(x) * c
        np.cos(w)                                      # (w is not reached from y)
    y.backward()
    assert spy == [True]
    assert float(x.grad) == pytest.approx(3 * math.cos(0.4), rel=1e-6)
    assert float(w.grad) == 7                          # (untouched: not in y's graph)


@pytest.mark.parametrize('case', ['scalar operand', 'shape', 'nondiff', 'two heads', 'mixed'])
def test_other_graphs_take_the_generic_pass(case, spy):
    x = np.array(onp.float32(0.4))
    x.attach_grad()
    with autograd.record():
        if case == 'scalar operand':
            heads = [np.sin(x) * 1.5]                  # (the scalar form: another op)
        elif case == 'shape':
            heads = [(np.sin(x) * np.ones(3)).sum()]
        elif case == 'nondiff':
            heads = [np.sin(x) * (x > 0)]
        elif case == 'two heads':
            y = np.sin(x)
            heads = [y, y]
        else:
            heads = [np.sin(x) * x, np.cos(x).astype('float64')]
    autograd.backward(heads)
    assert spy == [False] or spy == []
    want = {'scalar operand': 1.5 * math.cos(0.4), 'shape': 3 * math.cos(0.4),
            'nondiff': math.cos(0.4), 'two heads': 2 * math.cos(0.4),
            'mixed': math.cos(0.4) * 0.4 + math.sin(0.4) - math.sin(0.4)}[case]
    assert float(x.grad) == pytest.approx(want, rel=1e-6)


def test_freed_graph_and_in_place_writes_raise_as_before():
    x = np.array(onp.float32(0.4))
    x.attach_grad()
    with autograd.record():
        y = np.sin(x) * x
    y.backward()
    with pytest.raises(GraphError, match='retain_graph=True'):
        y.backward()
    with autograd.record():
        z = np.sin(x) * x
    x[...] = 1.0                                       # (an input changed after recording)
    with pytest.raises(GraphError):
        z.backward()
