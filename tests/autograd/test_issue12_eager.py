"""Issue 12, eager autograd semantics (items 1, 3, 4, 8, 9, 10, 14, 15).

Expected values marked "MXNet 1.9.1" were produced by running MXNet 1.9.1 (numpy mode,
2026-12); the others come from NumPy/PyTorch references or central differences.
"""
import inspect
import math

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import FunctionError, GraphError
from autodiff.ndarray import ndarray
from autodiff.ops.launch import PARALLEL_MIN

from .nth import check_nth_order

NAN, INF = float('nan'), float('inf')


def leaf(values, req='write', dtype=None):
    x = np.array(values, dtype=dtype)
    x.attach_grad(req)
    return x


def G(x):
    return x.grad.asnumpy()


# ---- item 1: attach_grad() on an intermediate inside record() cuts its history --------------
def test_item1_crash_course_page_3():
    """MXNet's crash course, page 3 (MXNet 1.9.1: x.grad == 2, y.grad == 4)."""
    x = np.ones((2, 3))
    x.attach_grad()
    with autograd.record():
        y = 3 * x
        y.attach_grad()
        z = 4 * y + 2 * x
    z.backward()
    onp.testing.assert_array_equal(G(x), onp.full((2, 3), 2.0))
    onp.testing.assert_array_equal(G(y), onp.full((2, 3), 4.0))


def test_item1_the_cut_is_drawn_as_detach_draws_it():
    import viz
    x = np.ones((2, 3))
    x.attach_grad()
    with autograd.record():
        y = 3 * x
        y.attach_grad()
        z = 4 * y + 2 * x
    g = autograd.get_graph(z, names={'x': x, 'y': y})
    kinds = {g.nodes[n]['label']: g.nodes[n] for n in g if g.nodes[n]['kind'] == 'variable'}
    assert kinds['y']['detached'] is True and kinds['x']['detached'] is False
    yid = next(n for n in g if g.nodes[n].get('label') == 'y')
    assert g.in_degree(yid) == 0                 # no path back to 3 * x
    ops = sorted(g.nodes[n]['op'] for n in g if g.nodes[n]['kind'] == 'op')
    assert ops == ['add', 'multiply', 'multiply']   # 4*y, 2*x, + (3*x is not reached)
    # the same style as a detach() result: the text dump and the DOT picture say so
    text = viz.to_text(g)
    line = next(t for t in text.splitlines() if ' variable y ' in t)
    assert 'detached' in line
    with autograd.record():
        w = x.detach() * x
    dot_cut, dot_detach = viz.draw(g).source, viz.draw(w).source
    for source in (dot_cut, dot_detach):
        assert 'detached (graph cut)' in source        # the legend entry
        assert source.count('#e67e00') >= 2            # the cut node's border and its edge
    x2 = np.ones((2, 3))
    x2.attach_grad()
    with autograd.record():
        z2 = 4 * x2                                    # a plain leaf: no cut drawn
    assert '#e67e00' not in viz.draw(z2).source


def test_item1_drop_grad_on_a_cut_intermediate_makes_it_a_plain_array():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = x * 3
        h.attach_grad()
    h.drop_grad()
    assert h.grad is None and h._node is None
    with autograd.record():
        out = (h * x).sum()
    out.backward()
    onp.testing.assert_array_equal(G(x), [3.0, 6.0])


# ---- item 3: where and clip select; the other masks multiply, as MXNet 1.9.1 -----------------
def test_item3_sqrt_of_where_has_no_nan_in_the_branch_not_taken():
    x = leaf([-1.0, 0.0, 4.0])
    with autograd.record():
        y = np.sqrt(np.where(x > 0, x, 0.))
    y.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 0.0, 0.25])      # PyTorch's and MXNet's values


def test_item3_sqrt_of_where_matches_pytorch():
    torch = pytest.importorskip('torch')        # optional comparison
    x = leaf([-1.0, 0.0, 4.0])
    with autograd.record():
        y = np.sqrt(np.where(x > 0, x, 0.))
    y.backward()
    xt = torch.tensor([-1.0, 0.0, 4.0], requires_grad=True)
    torch.sqrt(torch.where(xt > 0, xt, torch.tensor(0.0))).backward(torch.ones(3))
    onp.testing.assert_array_equal(G(x), xt.grad.numpy())


def test_item3_sqrt_of_clip():
    x = leaf([-1.0, 0.0, 4.0])
    with autograd.record():
        y = np.sqrt(np.clip(x, 0, None))
    y.backward()
    # MXNet 1.9.1: [0, inf, 0.25] (the gradient passes at exactly a_min, where sqrt' is inf)
    onp.testing.assert_array_equal(G(x), [0.0, INF, 0.25])


_OG = [NAN, INF, -INF, 1.0]

# (name, f, x, y or None, upstream gradient, expected x.grad, expected y.grad): MXNet 1.9.1
_NONFINITE_UPSTREAM = [
    ('where', lambda x, y: np.where(x > 0, x, y), [-1., -2., 3., 4.], [1., 1., 1., 1.], _OG,
     [0., 0., -INF, 1.], [NAN, INF, 0., 0.]),
    ('clip', lambda x: np.clip(x, 0, 2), [-1., 3., -2., 1.], None, _OG, [0., 0., 0., 1.], None),
    ('clip-lo', lambda x: np.clip(x, 0, None), [-1., -3., -2., 1.], None, _OG,
     [0., 0., 0., 1.], None),
    ('clip-hi', lambda x: np.clip(x, None, 0), [1., 3., 2., -1.], None, _OG,
     [0., 0., 0., 1.], None),
    ('relu', lambda x: npx.relu(x), [-1., -3., 0., 1.], None, _OG, [NAN, NAN, NAN, 1.], None),
    ('maximum', lambda x, y: np.maximum(x, y), [-1., -3., -2., 1.], [0., 0., 0., 0.], _OG,
     [NAN, NAN, NAN, 1.], [NAN, INF, -INF, 0.]),
    ('minimum', lambda x, y: np.minimum(x, y), [1., 3., 2., -1.], [0., 0., 0., 0.], _OG,
     [NAN, NAN, NAN, 1.], [NAN, INF, -INF, 0.]),
    ('maximum-scalar', lambda x: np.maximum(x, 0.), [-1., -3., -2., 1.], None, _OG,
     [NAN, NAN, NAN, 1.], None),
    ('minimum-scalar', lambda x: np.minimum(x, 0.), [1., 3., 2., -1.], None, _OG,
     [NAN, NAN, NAN, 1.], None),
    ('rmaximum-scalar', lambda x: np.maximum(0., x), [-1., -3., -2., 1.], None, _OG,
     [NAN, NAN, NAN, 1.], None),
    ('abs', lambda x: np.abs(x), [0., 0., 0., 1.], None, _OG, [NAN, NAN, NAN, 1.], None),
    ('floor', lambda x: np.floor(x), [1.5, 2., 0., 1.], None, _OG, [0., 0., 0., 0.], None),
    ('max-axis', lambda x: np.max(x, axis=1), [[1., 5.], [2., 0.]], None, [NAN, 1.],
     [[NAN, NAN], [1., 0.]], None),
    ('min-axis', lambda x: np.min(x, axis=1), [[1., 5.], [2., 0.]], None, [NAN, 1.],
     [[NAN, NAN], [0., 1.]], None),
    ('max-all', lambda x: np.max(x), [1., 5., 2., 0.], None, NAN, [NAN] * 4, None),
]


@pytest.mark.parametrize('name, f, xs, ys, og, gx, gy', _NONFINITE_UPSTREAM,
                         ids=[c[0] for c in _NONFINITE_UPSTREAM])
def test_item3_nonfinite_upstream_gradients_as_mxnet(name, f, xs, ys, og, gx, gy):
    """Where MXNet selects (where, clip) a NaN/inf upstream gradient stays in the branch
    taken; where it multiplies by a 0/1 mask (relu, maximum, abs, max...) NaN spreads."""
    x = leaf(xs)
    y = leaf(ys) if ys is not None else None
    with autograd.record():
        out = f(x) if y is None else f(x, y)
    out.backward(np.array(og))
    onp.testing.assert_array_equal(G(x), gx)
    if gy is not None:
        onp.testing.assert_array_equal(G(y), gy)


def test_item3_where_with_a_scalar_branch_follows_the_math():
    """MXNet 1.9.1's where with a scalar y sends the gradient to the wrong branch
    (x.grad [1, 0] at x = [-1, 2]: a defect); ours selects as where with arrays does."""
    x = leaf([-1.0, 2.0])
    with autograd.record():
        y = np.where(x > 0, x, 0.)
    y.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 1.0])
    with autograd.record():
        y = np.where(x > 0, 0., x)
    y.backward(np.array([NAN, INF]))
    onp.testing.assert_array_equal(G(x), [NAN, 0.0])


def test_item3_sign_gradient_is_zero_even_for_nan_upstream():
    """sign is piecewise constant: 0 (MXNet 1.9.1 multiplies, giving NaN: not copied)."""
    x = leaf([1.0, 2.0, 0.0, 1.0])
    with autograd.record():
        y = np.sign(x)
    y.backward(np.array(_OG))
    onp.testing.assert_array_equal(G(x), [0.0] * 4)


@pytest.mark.parametrize('f', [
    lambda x: np.clip(x, -0.5, 0.7) * x * x,
    lambda x: np.where(x > 0, x * x * x, np.sin(x)),
    lambda x: np.where(x > 0, np.exp(x), 2.),
], ids=['clip', 'where', 'where-scalar'])
def test_item3_higher_order_gradients_still_work(f):
    xs = onp.array([-0.9, -0.3, 0.2, 0.6, 1.1])
    check_nth_order(f, [xs], 2)
    check_nth_order(f, [xs], 3)


def test_item3_compiled_path_agrees_with_eager():
    def fn(x):
        return np.sqrt(np.where(x > 0, x, 0.)).sum() + np.sqrt(np.clip(x, 0, None)).sum()
    compiled = autograd.compile(fn)
    for values in ([-1.0, 0.5, 4.0], [-2.0, 1.0, 9.0]):
        x = leaf(values)
        compiled(x)
        got = G(x)
        x2 = leaf(values)
        with autograd.record():
            out = fn(x2)
        out.backward()
        onp.testing.assert_allclose(got, G(x2), rtol=1e-6)
        assert not onp.isnan(got).any()
    assert compiled.compiled


# ---- item 4: grad_req='null' ---------------------------------------------------------------------
def test_item4_null_grad_stays_none_after_backward():
    x, w = leaf([1.0, 2.0], 'null'), leaf([3.0, 4.0])
    assert x.grad is None and x.grad_req == 'null'
    with autograd.record():
        y = (x * w).sum()
    y.backward()
    assert x.grad is None                                   # MXNet 1.9.1
    onp.testing.assert_array_equal(G(w), [1.0, 2.0])
    with autograd.record():
        y = (x * w).sum()
    gx, gw = autograd.grad(y, [x, w])                       # grad() still answers
    onp.testing.assert_array_equal(gx.asnumpy(), [3.0, 4.0])


# ---- item 8: integer arrays take attach_grad ---------------------------------------------------
def test_item8_int32_attach_grad_and_integer_gradients():
    x = np.array(onp.array([1, 2], 'int32'))
    x.attach_grad()
    assert x.grad.dtype == onp.int32
    with autograd.record():
        y = x * 2
    y.backward()
    assert x.grad.dtype == onp.int32                        # MXNet 1.9.1: int32 [2, 2]
    onp.testing.assert_array_equal(G(x), [2, 2])
    with autograd.record():
        y = x * x
    y.backward()
    onp.testing.assert_array_equal(G(x), [2, 4])            # MXNet 1.9.1
    assert G(x).dtype == onp.int32


def test_item8_bool_and_int64_attach_grad():
    b = np.array(onp.array([True, False]))
    b.attach_grad()                                          # MXNet 1.9.1 accepts it too
    assert b.grad.dtype == onp.bool_ and not G(b).any()
    i = np.array(onp.arange(3))
    i.attach_grad('add')
    with autograd.record():
        y = (i * 3).sum()
    y.backward()
    y2 = None
    with autograd.record():
        y2 = (i * 3).sum()
    y2.backward()
    onp.testing.assert_array_equal(G(i), [6, 6, 6])
    assert G(i).dtype == onp.int64


# ---- item 9: float16 --------------------------------------------------------------------------
def test_item9_float16_forward_backward_and_printing():
    h = np.array([1.0, 2.0, 3.0], dtype='float16')
    h.attach_grad()
    assert h.grad.dtype == onp.float16
    with autograd.record():
        y = (np.exp(h) * h + 1.01).sum()
    y.backward()
    assert y.dtype == onp.float16 and h.grad.dtype == onp.float16
    # MXNet 1.9.1: 80.75 and [5.438, 22.17, 80.3]; the same within float16 rounding of
    # the float64 reference
    hv = onp.array([1.0, 2.0, 3.0])
    onp.testing.assert_allclose(float(y), (onp.exp(hv) * hv + 1.01).sum(), rtol=2e-3)
    onp.testing.assert_allclose(G(h).astype(onp.float64), onp.exp(hv) * (1 + hv), rtol=2e-3)
    assert repr(h) == 'array([1., 2., 3.], dtype=float16)'
    assert repr(h.grad) == 'array([ 5.438, 22.17 , 80.3  ], dtype=float16)'   # MXNet 1.9.1
    assert str(y) == '80.75'


@pytest.mark.parametrize('f, ref, dref', [
    (lambda x: np.tanh(x), onp.tanh, lambda x: 1 - onp.tanh(x) ** 2),
    (lambda x: npx.relu(x), lambda x: onp.maximum(x, 0), lambda x: (x > 0) * 1.0),
    (lambda x: np.sqrt(np.abs(x) + 1), lambda x: onp.sqrt(onp.abs(x) + 1),
     lambda x: onp.sign(x) / (2 * onp.sqrt(onp.abs(x) + 1))),
    (lambda x: x * x / 3 - x, lambda x: x * x / 3 - x, lambda x: 2 * x / 3 - 1),
    (lambda x: np.clip(x, -0.5, 0.5), lambda x: onp.clip(x, -0.5, 0.5),
     lambda x: (onp.abs(x) <= 0.5) * 1.0),
], ids=['tanh', 'relu', 'sqrt-abs', 'polynomial', 'clip'])
@pytest.mark.parametrize('n', [7, PARALLEL_MIN + 3], ids=['small', 'split'])
def test_item9_float16_elementwise_against_float64(f, ref, dref, n):
    xs = onp.random.default_rng(3).uniform(-2, 2, n).astype(onp.float16)
    x = np.array(xs)
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    assert y.dtype == onp.float16 and x.grad.dtype == onp.float16
    x64 = xs.astype(onp.float64)
    onp.testing.assert_allclose(y.asnumpy().astype(onp.float64), ref(x64), rtol=3e-3, atol=2e-3)
    onp.testing.assert_allclose(G(x).astype(onp.float64), dref(x64), rtol=5e-3, atol=5e-3)


def test_item9_float16_reductions_matmul_and_mixing():
    a = onp.random.default_rng(4).uniform(-1, 1, (3, 4)).astype(onp.float16)
    x = np.array(a)
    x.attach_grad()
    with autograd.record():
        y = (np.dot(x, x.T).sum(axis=1) + x.max(axis=1)).mean()
    y.backward()
    a64 = a.astype(onp.float64)
    expect = ((a64 @ a64.T).sum(axis=1) + a64.max(axis=1)).mean()
    assert y.dtype == onp.float16
    onp.testing.assert_allclose(float(y), expect, rtol=3e-3)
    # d/da of mean_i(sum_j (a a^T)_ij + max_k a_ik): (2/3) colsum(a) broadcast + one-hot max / 3
    grad = onp.tile(2 * a64.sum(axis=0) / 3, (3, 1))
    grad[onp.arange(3), a64.argmax(axis=1)] += 1 / 3
    onp.testing.assert_allclose(G(x).astype(onp.float64), grad, rtol=5e-3, atol=3e-3)
    assert (x + np.ones(4)).dtype == onp.float32                # MXNet 1.9.1: float32
    assert np.ones(2, dtype='float16').astype('float32').dtype == onp.float32


# ---- item 10: backward through a non-differentiable op ------------------------------------------
def test_item10_backward_through_argmax_gives_zeros():
    x = leaf([1.0, 3.0, 2.0])
    x.grad[:] = 7                                           # 'write' overwrites with zeros
    with autograd.record():
        y = np.argmax(x)
    y.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 0.0, 0.0])   # MXNet 1.9.1


@pytest.mark.parametrize('f', [lambda x: x > 1, lambda x: np.isnan(x),
                               lambda x: (x == 2) * 2.0, lambda x: np.argmin(x, axis=0) + 1,
                               lambda x: np.isclose(x, 2.0)],
                         ids=['greater', 'isnan', 'equal-times', 'argmin-plus', 'isclose'])
def test_item10_comparisons_and_predicates_give_zero_gradients(f):
    x = leaf([1.0, 3.0, 2.0])
    with autograd.record():
        y = f(x)
    y.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 0.0, 0.0])   # MXNet 1.9.1 (comparisons)
    with autograd.record():
        y = f(x)
    (g,) = autograd.grad(y, [x])
    onp.testing.assert_array_equal(g.asnumpy(), [0.0, 0.0, 0.0])


def test_item10_a_mask_in_the_graph_gets_no_gradient_and_costs_none():
    """The mask x > 1 is recorded (a node in the graph) but no gradient is computed
    toward it: the multiply's backward is not asked for d/dmask."""
    from autodiff.ops import binary
    x = leaf([1.0, 3.0, 2.0])
    with autograd.record():
        y = x * (x > 1)
    g = autograd.get_graph(y)
    assert sorted(g.nodes[n]['op'] for n in g if g.nodes[n]['kind'] == 'op') == \
        ['greater', 'multiply']
    calls = []
    op = y._node.op
    rule = op.backward

    def spy(node, grads, needs):
        calls.append(needs)
        return rule(node, grads, needs)
    op.backward = spy
    try:
        y.backward()
    finally:
        op.backward = rule
    assert calls == [(True, False)]
    onp.testing.assert_array_equal(G(x), [0.0, 1.0, 1.0])
    assert binary.multiply.__name__ == 'multiply'


def test_item10_masks_in_second_order_gradients():
    x = leaf([-1.0, 2.0, 3.0])
    with autograd.record():
        y = npx.relu(x) * x                                 # relu's backward builds x > 0
        (g,) = autograd.grad(y, [x], create_graph=True)     # 2 relu(x) = [0, 4, 6]
    g.backward()
    onp.testing.assert_array_equal(g.asnumpy(), [0.0, 4.0, 6.0])
    onp.testing.assert_array_equal(G(x), [0.0, 2.0, 2.0])


def test_item10_messages_name_the_reason():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = np.array(x * 2)
    with pytest.raises(GraphError, match=r'no recorded history: np\.array\(\) copies'):
        y.backward()
    with autograd.record():
        y = (x * 2).detach()
    with pytest.raises(GraphError, match=r'no recorded history: it came from detach\(\)'):
        y.backward()
    with autograd.record():
        y = np.ones(2) > 0                                  # unmarked inputs
    with pytest.raises(GraphError, match='unmarked inputs.*attach_grad.*record'):
        y.backward()
    with pytest.raises(GraphError, match='unmarked inputs'):
        autograd.get_graph(y)


def test_item10_compile_keeps_masks_off_the_tape():
    """Under autograd.compile a mask is recomputed on every call (off-tape tracking)."""
    def fn(x):
        return (x * (x > 0)).sum()
    compiled = autograd.compile(fn)
    for values, expect in (([-1.0, 2.0], [0.0, 1.0]), ([3.0, -4.0], [1.0, 0.0])):
        x = leaf(values)
        compiled(x)
        onp.testing.assert_array_equal(G(x), expect)
    assert compiled.compiled


# ---- item 14: Function.backward returning nothing ----------------------------------------------
def test_item14_function_backward_returning_none_is_an_error():
    class Forgetful(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            dy * 2                                           # no return

    x = leaf([1.0, 2.0])
    with autograd.record():
        y = Forgetful()(x)
    with pytest.raises(FunctionError, match='Forgetful.backward returned None.*return'):
        y.backward()


def test_item14_none_inside_a_tuple_still_means_zero():
    class Half(autograd.Function):
        def forward(self, x, w):
            return x * w

        def backward(self, dy):
            return dy * 2, None

    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with autograd.record():
        y = Half()(x, w)
    y.backward()
    onp.testing.assert_array_equal(G(x), [2.0, 2.0])
    onp.testing.assert_array_equal(G(w), [0.0, 0.0])


# ---- item 15: docstrings on every public ndarray member ----------------------------------------
def test_item15_every_public_ndarray_member_has_a_docstring():
    missing = []
    for name in dir(ndarray):
        if name.startswith('_'):
            continue
        member = inspect.getattr_static(ndarray, name)
        doc = member.__doc__ if isinstance(member, property) else getattr(member, '__doc__', None)
        if not (doc and doc.strip()) or (callable(member) and doc == type(member).__doc__):
            missing.append(name)
    assert missing == []
    assert 'Sum over' in ndarray.sum.__doc__ and math.isfinite(len(ndarray.T.__doc__))


def test_item10_a_mask_reused_after_a_backward():
    """A mask shared by two graphs: the first backward does not make the second fail
    (as before masks were recorded), also when the mask came from a freed intermediate."""
    x = leaf([-1.0, 2.0])
    with autograd.record():
        h = x * 2
        m = h > 0
        a = (h * m).sum()
        b = (x * m * 3).sum()
    a.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 2.0])
    g = autograd.get_graph(b)                   # h's part is gone: the mask's input is drawn
    consts = [d for _, d in g.nodes(data=True) if d['kind'] == 'constant']
    # h, and the Python numbers 3 and the mask's 0 (comparisons keep their scalar)
    assert len(consts) == 3 and sum(bool(d.get('is_scalar')) for d in consts) == 2
    b.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 3.0])
    with autograd.record():
        c = (h * m).sum()                       # h itself: its freed graph is an error
    with pytest.raises(GraphError, match='retain_graph=True'):
        c.backward()
    with autograd.record():
        m2 = x > 0
        c = (x * m2).sum()
        d = (x * x * m2).sum()
    c.backward()
    d.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 4.0])
