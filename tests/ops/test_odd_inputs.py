"""Odd but valid inputs (bool, int, uint8, 0-d, empty) through every public op.

Each op either computes what NumPy computes (values compared in float64; result dtypes
follow MXNet's rules, tested in test_dtype_rules.py) or raises a clear Python error
where NumPy raises too.  Never a Numba typing error, never a NumPy scalar in place of
an array.  The few places where this library deliberately differs from NumPy are
listed in DIFFERENT with the reason.
"""
import warnings

import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.errors import AutodiffError
from autodiff.ndarray import ndarray

INPUTS = {
    'bool': onp.array([True, False, True]),
    'int64': onp.array([1, -2, 3]),
    'int32': onp.array([4, 0, -3], onp.int32),
    'uint8': onp.array([1, 2, 250], onp.uint8),
    'float0d': onp.array(0.5, onp.float32),
    'int0d': onp.array(3),
    'empty': onp.zeros((0,), onp.float32),
    'empty2d': onp.zeros((2, 0)),
}


def _softmax_ref(x, log=False):
    x = x.astype(onp.float64)
    s = x - x.max(axis=-1, keepdims=True)
    return s - onp.log(onp.exp(s).sum(axis=-1, keepdims=True)) if log else \
        onp.exp(s) / onp.exp(s).sum(axis=-1, keepdims=True)


UNARY = ['negative', 'abs', 'sign', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'sqrt', 'cbrt',
         'square', 'reciprocal', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh',
         'tanh', 'arcsinh', 'arccosh', 'arctanh', 'floor', 'ceil', 'round', 'isnan', 'isinf',
         'isfinite', 'logical_not']
OPS = {n: (getattr(np, n), getattr(onp, n)) for n in UNARY}
OPS.update({
    'relu': (npx.relu, lambda x: onp.maximum(x, 0)),
    'sigmoid': (npx.sigmoid, lambda x: 1 / (1 + onp.exp(-x.astype(onp.float64)))),
    'softmax': (npx.softmax, _softmax_ref),
    'log_softmax': (npx.log_softmax, lambda x: _softmax_ref(x, True)),
    'clip': (lambda x: np.clip(x, 0, 2), lambda x: onp.clip(x, 0, 2)),
    'flip': (np.flip, onp.flip), 'ravel': (np.ravel, onp.ravel),
    'transpose': (np.transpose, onp.transpose), 'squeeze': (np.squeeze, onp.squeeze),
    'tile': (lambda x: np.tile(x, 2), lambda x: onp.tile(x, 2)),
    'repeat': (lambda x: np.repeat(x, 2), lambda x: onp.repeat(x, 2)),
    'expand_dims': (lambda x: np.expand_dims(x, 0), lambda x: onp.expand_dims(x, 0)),
    'concatenate': (lambda x: np.concatenate([x, x]), lambda x: onp.concatenate([x, x])),
    'stack': (lambda x: np.stack([x, x]), lambda x: onp.stack([x, x])),
    'broadcast_to': (lambda x: np.broadcast_to(x, (2,) + x.shape),
                     lambda x: onp.broadcast_to(x, (2,) + x.shape)),
    'getitem_ellipsis': (lambda x: x[...], lambda x: x[...]),
    'getitem_mask': (lambda x: x[x > 0], lambda x: x[x > 0]),
    'where': (lambda x: np.where(x, x, 0), lambda x: onp.where(x, x, 0)),
})
for _n in ('sum', 'mean', 'max', 'min', 'prod', 'argmax', 'argmin'):
    OPS[_n] = (getattr(np, _n), getattr(onp, _n))
    OPS[_n + '_axis0'] = ((lambda f: lambda x: f(x, axis=0))(getattr(np, _n)),
                          (lambda f: lambda x: f(x, axis=0))(getattr(onp, _n)))
for _n in ('add', 'subtract', 'multiply', 'divide', 'power', 'maximum', 'minimum', 'mod', 'equal',
           'less', 'greater_equal', 'logical_and', 'logical_xor', 'matmul', 'dot'):
    f, ref = getattr(np, _n), getattr(onp, _n)
    OPS[_n + '(x,x)'] = ((lambda f: lambda x: f(x, x))(f), (lambda r: lambda x: r(x, x))(ref))
    OPS[_n + '(x,2)'] = ((lambda f: lambda x: f(x, 2))(f), (lambda r: lambda x: r(x, 2))(ref))
    OPS[_n + '(2,x)'] = ((lambda f: lambda x: f(2, x))(f), (lambda r: lambda x: r(2, x))(ref))
    OPS[_n + '(x,.5)'] = ((lambda f: lambda x: f(x, 0.5))(f), (lambda r: lambda x: r(x, 0.5))(ref))

# (op, input kind or '*'): why this library deliberately differs from NumPy here
DIFFERENT = {
    ('negative', 'bool'): "MXNet 1.9.1: -bool_array is int64 (NumPy refuses)",
    ('sign', 'bool'): "bools count as int64 in the integer-keeping ops, as MXNet's negative",
    ('reciprocal', '*'): "integers compute in float32 (NumPy's integer reciprocal truncates 1/2 to 0)",
    ('softmax', 'empty'): "softmax of nothing is empty (MXNet, PyTorch); the reference's max fails",
    ('softmax', 'empty2d'): "softmax of nothing is empty (MXNet, PyTorch); the reference's max fails",
    ('log_softmax', 'empty'): "as softmax",
    ('log_softmax', 'empty2d'): "as softmax",
    ('mean_axis0', 'float0d'): "mean accepts axis 0 of a 0-d array as sum does (NumPy's mean alone refuses)",
    ('mean_axis0', 'int0d'): "as float0d",
    ('power(2,x)', 'uint8'): "2 ** 250 overflows uint8 in both; NumPy wraps to 0 as well",
}


def _differs(name, kind):
    return (name, kind) in DIFFERENT or (name, '*') in DIFFERENT


def _clear(err):
    """A Python error of an expected kind whose message says something, not from Numba."""
    assert isinstance(err, (ValueError, TypeError, IndexError, AutodiffError)), repr(err)
    assert 'numba' not in type(err).__module__ and 'numba' not in str(err).lower(), repr(err)
    assert str(err), f"{type(err).__name__} without a message"


@pytest.mark.parametrize('kind', list(INPUTS))
@pytest.mark.parametrize('name', list(OPS))
def test_odd_input(name, kind):
    ours_fn, ref_fn = OPS[name]
    value = INPUTS[kind]
    with warnings.catch_warnings(), onp.errstate(all='ignore'):
        warnings.simplefilter('ignore')
        try:
            expected = onp.asarray(ref_fn(value.copy()))
            ref_err = None
        except Exception as e:          # noqa: BLE001  (NumPy's verdict, compared below)
            ref_err = e
        try:
            out = ours_fn(np.asarray(value.copy()))
            err = None
        except Exception as e:          # noqa: BLE001
            err = e
    if err is not None:
        _clear(err)
        assert ref_err is not None or _differs(name, kind), \
            f"NumPy computes {name} of {kind} but this library raised {err!r}"
        return
    outs = out if isinstance(out, list) else [out]
    for o in outs:
        assert isinstance(o, ndarray) and type(o._data) is onp.ndarray
    if ref_err is not None:
        assert _differs(name, kind), f"NumPy refuses {name} of {kind} ({ref_err!r}) but this library computed it"
        return
    if _differs(name, kind):
        return
    got = out._data
    assert got.shape == expected.shape, f"shape {got.shape} != NumPy's {expected.shape}"
    tol = 1e-6 if got.dtype == onp.float32 or expected.dtype == onp.float16 else 1e-12
    if expected.dtype == onp.float16:
        tol = 1e-3                       # NumPy computes some bool ops in float16
    onp.testing.assert_allclose(got.astype(onp.float64), expected.astype(onp.float64),
                                rtol=tol, atol=tol, equal_nan=True)
