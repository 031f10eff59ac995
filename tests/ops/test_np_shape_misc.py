"""Issue 14's constant-producing helpers (indices, ix_, unravel_index, logspace, windows,
packbits, the *_indices_from helpers), ``out=``, MXNet 1.9.1's values where it differs
from NumPy, one compile-against-eager check, and one bad-input test per distinct error."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import AxisError, DTypeError, ShapeError
from helpers import assert_close, assert_same

X = onp.arange(6, dtype=onp.float32).reshape(2, 3)


def test_grids_and_index_helpers():
    assert_same(np.indices((2, 3)), onp.indices((2, 3), onp.int32))   # int32: MXNet 1.9.1
    assert_same(np.indices((2, 2), dtype='float32'), onp.indices((2, 2), onp.float32))
    i, j = np.ix_([0, 1], onp.array([True, False, True]))
    wi, wj = onp.ix_([0, 1], onp.array([True, False, True]))
    assert_same(i, wi)
    assert_same(j, wj)
    assert np.unravel_index(5, (2, 3)) == (1, 2)                     # Python ints, as MXNet
    r, c = np.unravel_index(np.array([5., 1.]), (2, 3))
    assert_same(r, onp.array([1, 0]))
    assert_same(c, onp.array([2, 1]))
    assert_same(np.logspace(0, 2, 3), onp.array([1., 10., 100.], onp.float32))
    assert_close(np.logspace(1, 3, 4, base=2, dtype='float64'), onp.logspace(1, 3, 4, base=2))
    for f in ('diag_indices_from', 'tril_indices_from', 'triu_indices_from'):
        got = getattr(np, f)(np.ones((3, 3)))
        want = getattr(onp, f)(onp.ones((3, 3)))
        for g, w in zip(got, want):
            assert_same(g, w.astype(onp.int64))
    assert_same(np.tril_indices_from(np.ones((3, 4)), 1)[1],
                onp.tril_indices_from(onp.ones((3, 4)), 1)[1].astype(onp.int64))


def test_windows_match_mxnet():
    """Values from MXNet 1.9.1 (float32)."""
    assert_close(np.hamming(5), onp.array([0.08000001, 0.54, 1., 0.54, 0.08000001], onp.float32),
                 rtol=1e-6, atol=1e-7)
    assert_close(np.hanning(5), onp.array([0., .5, 1., .5, 0.], onp.float32), atol=1e-7)
    assert_close(np.blackman(5), onp.array([-1.4901161e-08, 0.34, 1., 0.34, -1.4901161e-08],
                                           onp.float32), rtol=1e-6, atol=1e-7)
    assert_close(np.blackman(7, dtype='float64'), onp.blackman(7), rtol=1e-12, atol=1e-15)
    assert_same(np.hanning(1), onp.ones(1, onp.float32))
    assert_same(np.hamming(0), onp.zeros(0, onp.float32))


def test_packbits_and_unpackbits():
    a = onp.array([[1, 0, 1, 1, 0, 0, 0, 0, 1], [0, 1, 1, 0, 1, 1, 1, 1, 0]], onp.uint8)
    assert_same(np.packbits(np.array(a)), onp.packbits(a))
    assert_same(np.packbits(np.array(a), axis=1, bitorder='little'),
                onp.packbits(a, axis=1, bitorder='little'))
    p = onp.packbits(a, axis=1)
    assert_same(np.unpackbits(np.array(p), axis=1, count=9), onp.unpackbits(p, axis=1, count=9))
    # MXNet 1.9.1: a float32 array is refused ("integer or boolean data type")
    with pytest.raises(DTypeError, match='packbits: expected an input array of integer or bool'):
        np.packbits(np.array([1, 0, 1]))
    with pytest.raises(DTypeError, match='unpackbits: expected an input array of uint8'):
        np.unpackbits(np.array(onp.array([5], onp.int32)))


def test_mxnet_values_that_differ_from_a_plain_reading():
    """From MXNet 1.9.1: hstack of a 2-D array joins its rows; atleast_1d of one array is an
    array, of several a list; take of a float32 index array truncates the indices."""
    assert_same(np.hstack(np.array(X)), X.ravel())
    assert isinstance(np.atleast_1d(np.array(1.)), np.ndarray)
    assert isinstance(np.atleast_1d(np.array(1.), np.array([2.])), list)
    assert_same(np.take(np.array(X), np.array([0, 4])), onp.array([0., 4.], onp.float32))


def test_out_keyword():
    x = np.array(X)
    out = np.zeros((4, 3))
    assert np.vstack([x, x], out=out) is out
    assert_same(out, onp.vstack([X, X]))
    out = np.zeros(2)
    np.take(x, onp.array([5, 1]), out=out)
    assert_same(out, onp.array([5., 1.], onp.float32))
    out = np.zeros(())
    np.einsum('ij->', x, out=out)
    assert_same(out, onp.array(15., onp.float32))


def test_compiled_gradient_equals_eager():
    """autograd.compile runs these ops as fallbacks (eager); the gradients are eager's."""
    def f(x, y):
        return (np.roll(np.pad(x, 1, mode='edge'), 2) * np.einsum('ij,j->i', x, y).sum()).sum()
    xs = onp.random.default_rng(2).uniform(-1, 1, (2, 3))
    ys = onp.random.default_rng(3).uniform(-1, 1, 3)
    cf = autograd.compile(f)
    grads = []
    for run in (cf, f):
        for _ in range(2):
            x, y = np.array(xs), np.array(ys)
            x.attach_grad()
            y.attach_grad()
            if run is cf:
                v = run(x, y)
            else:
                with autograd.record():
                    v = run(x, y)
                v.backward()
        grads.append((v.asnumpy(), x.grad.asnumpy(), y.grad.asnumpy()))
    assert not cf.compiled
    assert "pad" in cf.fallback_reason.split("not in the compiler's table")[0], cf.fallback_reason
    for got, want in zip(*grads):
        onp.testing.assert_allclose(got, want, rtol=1e-12)


BAD = [
    ('hstack empty', lambda: np.hstack([]), ValueError, 'hstack: need at least one array'),
    ('vstack not a sequence', lambda: np.vstack(3), TypeError, 'vstack: arrays must be a list'),
    ('array_split zero sections', lambda: np.array_split(np.ones(4), 0), ValueError,
     'array_split: the number of sections must be at least 1'),
    ('vsplit 1-D', lambda: np.vsplit(np.ones(4), 2), ShapeError,
     'vsplit: only works on arrays of 2 or more'),
    ('broadcast_arrays', lambda: np.broadcast_arrays(np.ones(2), np.ones(3)), ShapeError,
     r'broadcast_arrays: shapes \(2,\), \(3,\) cannot be broadcast'),
    ('append rank', lambda: np.append(np.ones((2, 2)), np.ones(2), axis=0), ShapeError,
     'append: arr and values must have the same number of dimensions'),
    ('insert float position', lambda: np.insert(np.ones(3), 1.5, 2.), TypeError,
     'insert: obj must be an int'),
    ('delete out of range', lambda: np.delete(np.ones((2, 3)), 9, axis=1), IndexError, 'delete:'),
    ('resize negative', lambda: np.resize(np.ones(3), (-1, 2)), ValueError,
     'resize: all entries of new_shape must be non-negative'),
    ('pad mode', lambda: np.pad(np.ones(3), 1, mode='mean'), NotImplementedError,
     "pad: mode='mean' is not supported"),
    ('pad unknown mode', lambda: np.pad(np.ones(3), 1, mode='nearest'), ValueError,
     'pad: mode must be one of'),
    ('pad width', lambda: np.pad(np.ones((2, 2)), ((1, 2, 3),)), ValueError,
     'pad: pad_width must be'),
    ('pad negative', lambda: np.pad(np.ones(2), -1), ValueError, 'pad: pad_width must be non'),
    ('pad keyword', lambda: np.pad(np.ones(2), 1, mode='edge', stat_length=2),
     NotImplementedError, 'pad: the keyword stat_length'),
    ('roll axis', lambda: np.roll(np.ones((2, 3)), 1, axis=2), AxisError,
     'roll: axis 2 is out of bounds'),
    ('rot90 1-D', lambda: np.rot90(np.ones(3)), ShapeError, 'rot90: the array must have'),
    ('rot90 same axes', lambda: np.rot90(np.ones((2, 2)), 1, (1, 1)), ValueError,
     'rot90: the two axes must differ'),
    ('rollaxis start', lambda: np.rollaxis(np.ones((2, 3)), 0, 5), AxisError,
     'rollaxis: start 5'),
    ('fliplr 1-D', lambda: np.fliplr(np.ones(3)), ShapeError, 'fliplr: the array must have'),
    ('take out of range', lambda: np.take(np.ones(6), onp.array([0, 7])), IndexError,
     'take: an index is out of bounds'),
    ('take mode', lambda: np.take(np.ones(6), onp.array([0]), mode='nearest'), ValueError,
     'take: mode must be one of'),
    ('take bool indices', lambda: np.take(np.ones(6), onp.array([True, False])), IndexError,
     'take: indices must be an integer array'),
    ('take_along_axis rank', lambda: np.take_along_axis(np.ones((2, 3)), onp.array([0]), 1),
     ShapeError, 'take_along_axis: indices'),
    ('choose out of range', lambda: np.choose(onp.array([0, 3]), [np.ones(2), np.zeros(2)]),
     ShapeError, 'choose: invalid entry'),
    ('compress long condition', lambda: np.compress([True, False, True], np.ones((2, 3)), axis=0),
     IndexError, 'compress: condition has 3 entries'),
    ('extract size', lambda: np.extract(onp.array([True]), np.ones(3)), ShapeError,
     'extract: condition'),
    ('select lengths', lambda: np.select([onp.array([True])], [np.ones(1), np.ones(1)]),
     ValueError, 'select: condlist'),
    ('piecewise functions', lambda: np.piecewise(np.ones(2), [onp.array([True, False])],
                                                 [1, 2, 3]), ValueError, 'piecewise: funclist'),
    ('diag 3-D', lambda: np.diag(np.ones((2, 2, 2))), ShapeError, 'diag: the input must be 1-D'),
    ('diag float k', lambda: np.diag(np.ones(2), 1.5), TypeError, 'diag: k must be an int'),
    ('diagonal same axes', lambda: np.diagonal(np.ones((2, 2)), 0, 0, 0), ValueError,
     'diagonal: axis1 and axis2 cannot be the same'),
    ('tril 0-d', lambda: np.tril(np.array(1.)), ShapeError, 'tril: the input must have'),
    ('trace 1-D', lambda: np.trace(np.ones(3)), ShapeError, 'diagonal: the array must have'),
    ('diag_indices_from unequal', lambda: np.diag_indices_from(np.ones((2, 3))), ShapeError,
     'diag_indices_from: all dimensions'),
    ('vander 2-D', lambda: np.vander(np.ones((2, 2))), ShapeError, 'vander: x must be 1-D'),
    ('einsum operands', lambda: np.einsum('ij,jk', np.ones((2, 2))), ValueError,
     'einsum: subscripts .* name 2 operands'),
    ('einsum lengths', lambda: np.einsum('ij,jk', np.ones((2, 3)), np.ones((2, 2))), ShapeError,
     "einsum: subscript 'j' has length 3"),
    ('einsum rank', lambda: np.einsum('ijk', np.ones((2, 2))), ShapeError,
     'einsum: operand 0 has shape'),
    ('einsum output letter', lambda: np.einsum('ij->k', np.ones((2, 2))), ValueError,
     "einsum: output subscript 'k'"),
    ('einsum sublist', lambda: np.einsum(np.ones(2), [0]), TypeError,
     'einsum: the first argument must be the subscripts'),
    ('einsum character', lambda: np.einsum('i1', np.ones((2, 2))), ValueError,
     'einsum: invalid subscript characters'),
    ('tensordot mismatch', lambda: np.tensordot(np.ones((2, 3)), np.ones((2, 3)), ([0], [1])),
     ShapeError, 'tensordot: shape mismatch'),
    ('tensordot axes', lambda: np.tensordot(np.ones(2), np.ones(2), 3), ValueError,
     'tensordot: axes=3'),
    ('inner', lambda: np.inner(np.ones(2), np.ones(3)), ShapeError, 'inner: the last axes'),
    ('vdot', lambda: np.vdot(np.ones((2, 3)), np.ones(5)), ShapeError, 'vdot: the arrays must'),
    ('meshgrid indexing', lambda: np.meshgrid(np.ones(2), indexing='yx'), ValueError,
     'meshgrid: indexing must be'),
    ('unravel_index bounds', lambda: np.unravel_index(7, (2, 3)), ValueError,
     'unravel_index: an index is out of bounds'),
    ('unravel_index fraction', lambda: np.unravel_index(np.array([1.5]), (2, 3)), TypeError,
     'unravel_index: indices must be integers'),
    ('apply_along_axis shapes', lambda: np.apply_along_axis(
        lambda r: r[:int(r[0].item()) + 1], 1, np.array(onp.array([[0., 1.], [1., 0.]]))),
     ShapeError, 'apply_along_axis: func1d returned results of shapes'),
    ('apply_over_axes rank', lambda: np.apply_over_axes(lambda a, ax: np.sum(a), np.ones((2, 2)),
                                                        [1]), ValueError, 'apply_over_axes'),
    ('polyval 2-D', lambda: np.polyval(np.ones((2, 2)), np.array(1.)), ShapeError,
     'polyval: p must be a 1-D array'),
    ('polymul empty', lambda: np.polymul(np.ones(0), np.ones(2)), ValueError,
     'polymul: the coefficient arrays must not be empty'),
    ('polyint order', lambda: np.polyint(np.ones(2), -1), ValueError, 'polyint: the order'),
    ('polydiv by zero', lambda: np.polydiv(np.ones(2), np.zeros(1)), ZeroDivisionError,
     'polydiv: division by the zero polynomial'),
    ('polyfit lengths', lambda: np.polyfit(np.ones(3), np.ones(2), 1), ShapeError,
     'polyfit: x must be 1-D'),
    ('interp lengths', lambda: np.interp(np.ones(1), np.ones(2), np.ones(3)), ShapeError,
     'interp: xp and fp must be 1-D of the same length'),
    ('interp period', lambda: np.interp(np.ones(1), np.ones(2), np.ones(2), period=0), ValueError,
     'interp: period must be'),
    ('trim_zeros 2-D', lambda: np.trim_zeros(np.ones((2, 2))), ShapeError,
     'trim_zeros: filt must be 1-D'),
    ('window length', lambda: np.hamming(2.5), TypeError, 'hamming: M must be an int'),
    ('packbits bitorder', lambda: np.packbits(np.array(onp.ones(2, onp.uint8)), bitorder='mid'),
     ValueError, 'packbits: bitorder'),
]


@pytest.mark.parametrize('name, call, error, message', BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(name, call, error, message):
    with pytest.raises(error, match=message):
        call()
