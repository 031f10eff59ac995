"""Issue 14's element-moving functions (stacking, splitting, pad, roll, take, diag...):
forward against NumPy (exactly: they only copy), gradients against central differences.

One row per function (several for functions with distinct paths): ``f(m, *arrays)`` is
called with ``m = numpy`` on NumPy arrays for the reference and with ``m = autodiff.np``
on autodiff arrays; index arguments are NumPy arrays, which both accept.
"""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import assert_same, check_grads

R = onp.random.default_rng(14)
A = R.uniform(-2, 2, (2, 3))
B = R.uniform(-2, 2, (2, 3))
V = R.uniform(-2, 2, (3,))
W = R.uniform(-2, 2, (4,))
C3 = R.uniform(-2, 2, (2, 3, 4))
Q = R.uniform(-2, 2, (3, 3))
I3 = onp.array([0, 4, 4, 2])
M0110 = onp.array([0, 1, 1, 0], onp.float32)

# id -> (f(m, *arrays), arrays)
ROWS = {
    'hstack': (lambda m, a, b: m.hstack([a, b]), [A, B]),
    'hstack 1-D': (lambda m, a, b: m.hstack([a, b]), [V, W]),
    'vstack': (lambda m, a, b: m.vstack([a, b]), [A, V]),
    'row_stack': (lambda m, a, b: m.vstack([a, b]), [V, V]),
    'dstack': (lambda m, a, b: m.dstack([a, b]), [A, B]),
    'column_stack': (lambda m, a, b: m.column_stack([a, b]), [V, A.T]),
    'array_split': (lambda m, w: m.array_split(w, 3), [R.uniform(-1, 1, 7)]),
    'array_split indices': (lambda m, a: m.array_split(a, [1, 2], axis=1), [A]),
    'hsplit': (lambda m, a: m.hsplit(a, 3), [A]),
    'vsplit': (lambda m, a: m.vsplit(a, 2), [A]),
    'dsplit': (lambda m, c: m.dsplit(c, [1, 3]), [C3]),
    'atleast_1d': (lambda m, a, b: m.atleast_1d(a, b), [onp.array(1.5), V]),
    'atleast_2d': (lambda m, a, b: m.atleast_2d(a, b), [V, C3]),
    'atleast_3d': (lambda m, a, b, c: m.atleast_3d(a, b, c), [onp.array(.5), V, A]),
    'broadcast_arrays': (lambda m, a, b: m.broadcast_arrays(a, b), [A[:1].T, W]),
    'append': (lambda m, a, b: m.append(a, b), [A, V]),
    'append axis': (lambda m, a, b: m.append(a, b, axis=0), [A, B]),
    'insert scalar position': (lambda m, a, v: m.insert(a, 1, v, axis=0), [A, V]),
    'insert positions': (lambda m, a, v: m.insert(a, onp.array([0, 2, 2]), v, axis=1),
                         [A, V[:1]]),
    'insert flat': (lambda m, a, v: m.insert(a, 3, v), [A, V]),
    'delete': (lambda m, a: m.delete(a, 1, axis=1), [A]),
    'delete indices': (lambda m, a: m.delete(a, onp.array([0, 4])), [A]),
    'delete slice': (lambda m, c: m.delete(c, slice(0, 3, 2), axis=2), [C3]),
    'resize repeats': (lambda m, a: m.resize(a, (3, 5)), [A]),
    'resize shrinks': (lambda m, a: m.resize(a, 4), [A]),
    'copy': (lambda m, a: m.copy(a), [A]),
    'pad constant': (lambda m, a: m.pad(a, ((1, 0), (0, 2)), constant_values=1.5), [A]),
    'pad edge': (lambda m, a: m.pad(a, 2, mode='edge'), [A]),
    'pad reflect': (lambda m, c: m.pad(c, ((1, 1), (2, 1), (0, 3)), mode='reflect'), [C3]),
    'pad symmetric': (lambda m, a: m.pad(a, (2, 3), mode='symmetric'), [A]),
    'pad wrap': (lambda m, a: m.pad(a, ((0, 1), (4, 0)), mode='wrap'), [A]),
    'pad maximum': (lambda m, a: m.pad(a, ((1, 2), (1, 0)), mode='maximum'), [A]),
    'pad minimum': (lambda m, a: m.pad(a, 1, mode='minimum'), [A]),
    'roll flat': (lambda m, a: m.roll(a, 4), [A]),
    'roll axes': (lambda m, c: m.roll(c, (1, -5), axis=(0, 2)), [C3]),
    'rollaxis': (lambda m, c: m.rollaxis(c, 2, 1), [C3]),
    'rot90': (lambda m, a: m.rot90(a), [A]),
    'rot90 odd k': (lambda m, c: m.rot90(c, 3, axes=(2, 0)), [C3]),
    'rot90 k=2': (lambda m, a: m.rot90(a, -2), [A]),
    'fliplr': (lambda m, a: m.fliplr(a), [A]),
    'flipud': (lambda m, a: m.flipud(a), [A]),
    'take flat': (lambda m, a: m.take(a, I3), [A]),
    'take axis': (lambda m, c: m.take(c, onp.array([[2, 0], [2, 2]]), axis=1), [C3]),
    'take wrap': (lambda m, a: m.take(a, onp.array([-7, 8]), mode='wrap'), [A]),
    'take clip': (lambda m, a: m.take(a, onp.array([-7, 8]), axis=1, mode='clip'), [A]),
    'take_along_axis': (lambda m, a: m.take_along_axis(a, onp.array([[2, 2], [0, 1]]), 1), [A]),
    'take_along_axis flat': (lambda m, a: m.take_along_axis(a, onp.array([5, 0, 5]), None),
                             [A]),
    'choose': (lambda m, a, b: m.choose(onp.array([[0, 1, 1], [1, 0, 0]]), [a, b]), [A, B]),
    'choose broadcast': (lambda m, a, b: m.choose(onp.array([0, 1, 1]), [a, b]), [A, V]),
    'compress': (lambda m, a: m.compress(onp.array([True, False, True]), a, axis=1), [A]),
    'compress flat': (lambda m, a: m.compress(onp.array([0, 1, 1, 0, 1]), a), [A]),
    'extract': (lambda m, a: m.extract(onp.array([[1, 0, 1], [0, 0, 1]]), a), [A]),
    'select': (lambda m, a, b: m.select([a > 0, b > 0], [a, b], default=-1.0), [A, B]),
    'diag of a matrix': (lambda m, q: m.diag(q, -1), [Q]),
    'diag of a vector': (lambda m, v: m.diag(v, 2), [V]),
    'diagflat': (lambda m, a: m.diagflat(a, -1), [A]),
    'diagonal': (lambda m, c: m.diagonal(c, -1, 2, 1), [C3]),
    'tril': (lambda m, c: m.tril(c, 1), [C3]),
    'triu': (lambda m, a: m.triu(a, -1), [A]),
    'trim_zeros': (lambda m, w: m.trim_zeros(w * M0110), [W]),
    'trim_zeros front': (lambda m, w: m.trim_zeros(w * M0110, 'f'), [W]),
}


def _list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize('name', sorted(ROWS))
def test_forward_matches_numpy(name):
    f, arrays = ROWS[name]
    want = _list(f(onp, *[a.astype(onp.float32) for a in arrays]))
    got = _list(f(np, *[np.array(a, dtype='float32') for a in arrays]))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_same(g, onp.asarray(w))


@pytest.mark.parametrize('name', sorted(ROWS))
def test_gradient_matches_central_differences(name):
    f, arrays = ROWS[name]
    check_grads(lambda *xs: f(np, *xs), *arrays)


def test_results_are_copies():
    """MXNet copies: a moved result never shares the input's memory."""
    x = np.array(A, dtype="float32")
    for out in (np.diagonal(x), np.rot90(x), np.copy(x), np.atleast_2d(x), np.trim_zeros(x[0]),
                np.take(x, onp.array([0, 1]))):
        out[...] = 0
    assert_same(x, A.astype(onp.float32))


def test_repeated_picks_accumulate():
    """take / resize of the same element sum its gradient (a scatter-add)."""
    x = np.array([1., 2., 3.])
    x.attach_grad()
    with autograd.record():
        y = np.take(x, onp.array([0, 2, 2, 2])) * np.array([1., 10., 100., 1000.])
    y.backward()
    assert_same(x.grad, onp.array([1., 0., 1110.], onp.float32))


def test_rot90_odd_k_gradient_is_the_inverse_rotation():
    """MXNet 1.9.1's rot90 gradient is wrong for odd k (a known defect): follow the math."""
    x = np.array(A, dtype="float32")
    x.attach_grad()
    h = onp.arange(6.).reshape(3, 2)
    with autograd.record():
        y = np.rot90(x, 1)
    y.backward(np.array(h, dtype='float32'))
    assert_same(x.grad, onp.rot90(h, -1).astype(onp.float32))


def test_pad_honours_constant_values():
    """MXNet 1.9.1 ignores constant_values (a known defect); NumPy's result here."""
    got = np.pad(np.array([[1., 2.]]), ((0, 1), (1, 0)), constant_values=7)
    assert_same(got, onp.array([[7, 1, 2], [7, 7, 7]], onp.float32))


def test_pad_constant_gradient_skips_the_pads():
    x = np.array(A, dtype="float32")
    x.attach_grad()
    with autograd.record():
        y = np.pad(x, 1, constant_values=3.0)
    y.backward(np.ones(y.shape))
    assert_same(x.grad, onp.ones(A.shape, onp.float32))


def test_select_and_piecewise():
    x = onp.linspace(-2, 2, 9)
    got = np.piecewise(np.array(x, dtype='float32'), [x < -1, x > 1], [lambda v: v * v, lambda v: -v, 0.5])
    want = onp.piecewise(x.astype(onp.float32), [x < -1, x > 1],
                         [lambda v: v * v, lambda v: -v, 0.5])
    assert_same(got, want)
    check_grads(lambda v: np.piecewise(v, [x < -1, x > 1], [np.sin, lambda u: u * u, 2.0]), x)


def test_integer_and_float_index_arrays():
    """take's float indices are truncated as MXNet 1.9.1 does (np.array([0, 2]) is float32)."""
    x = np.array(A, dtype="float32")
    assert_same(np.take(x, np.array([0, 2.7])), A.astype(onp.float32).ravel()[[0, 2]])
    assert_same(np.take_along_axis(x, np.array([[1.], [2.]]), 1),
                onp.take_along_axis(A.astype(onp.float32), onp.array([[1], [2]]), 1))
    with pytest.raises(IndexError, match='take_along_axis: indices must be integers'):
        np.take_along_axis(x, np.array([[1.5], [2.]]), 1)


def test_the_insert_values_take_the_arrays_dtype():
    got = np.insert(np.array(onp.arange(4, dtype=onp.int32)), 1, 2.7)
    assert_same(got, onp.insert(onp.arange(4, dtype=onp.int32), 1, 2.7))
