"""Property-based: kernels against NumPy over random shapes, broadcastable pairs, memory
layouts (transposes, step slices, reversed, broadcast views) and dtypes.

Every test sets ``max_examples`` (the CI count is their sum) and ``deadline=None`` (the
first example may compile kernels)."""
import numpy as onp
from hypothesis import HealthCheck, given, settings, strategies as st
import hypothesis.extra.numpy as hnp

from autodiff import np
from helpers import LAYOUTS, layout_pair, UNARY

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
ELEMENTWISE_TOL = {onp.dtype(onp.float32): dict(rtol=4e-6, atol=1e-6),
                   onp.dtype(onp.float64): dict(rtol=1e-13, atol=1e-300)}

FLOAT = st.sampled_from([onp.float32, onp.float64])
INT = st.sampled_from([onp.int32, onp.int64])
layouts = st.sampled_from(LAYOUTS)


def _values(shape, dtype, seed, low=-3.0, high=3.0):
    r = onp.random.default_rng(seed)
    if onp.dtype(dtype).kind in 'iu':
        return r.integers(-20, 20, size=shape).astype(dtype)
    return r.uniform(low, high, size=shape).astype(dtype)


def _pair(shape, dtype, seed, layout, low=-3.0, high=3.0):
    """(NumPy reference, autodiff array in ``layout``) holding the same values."""
    ref, x = layout_pair(_values(shape, dtype, seed, low, high), layout)
    assert ref.dtype == onp.dtype(dtype)
    return ref, x


def _assert_matches(got, expected):
    expected = onp.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    if expected.dtype.kind == 'f':
        onp.testing.assert_allclose(got.asnumpy(), expected, equal_nan=True,
                                    **ELEMENTWISE_TOL[expected.dtype])
    else:
        onp.testing.assert_array_equal(got.asnumpy(), expected)


FLOAT_BINARY = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power']
INT_BINARY = ['add', 'subtract', 'multiply', 'maximum', 'minimum']


@settings(max_examples=150, **SETTINGS)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       name=st.sampled_from(FLOAT_BINARY), dtype=FLOAT, la=layouts, lb=layouts,
       seed=st.integers(0, 2**16))
def test_float_binary_broadcasting_layouts(shapes, name, dtype, la, lb, seed):
    sa, sb = shapes.input_shapes
    low = 0.25 if name == 'power' else -3.0          # power: positive bases stay real
    ra, a = _pair(sa, dtype, seed, la, low)
    rb, b = _pair(sb, dtype, seed + 1, lb)
    if name == 'divide':
        rb = onp.where(onp.abs(rb) < 0.1, 0.5, rb).astype(dtype)
        b = np.array(rb)
    with onp.errstate(all='ignore'):
        expected = getattr(onp, name)(ra, rb)
    _assert_matches(getattr(np, name)(a, b), expected)


@settings(max_examples=100, **SETTINGS)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4),
       name=st.sampled_from(INT_BINARY), dtype=INT, la=layouts, lb=layouts,
       seed=st.integers(0, 2**16))
def test_int_arithmetic_broadcasting_layouts(shapes, name, dtype, la, lb, seed):
    sa, sb = shapes.input_shapes
    ra, a = _pair(sa, dtype, seed, la)
    rb, b = _pair(sb, dtype, seed + 1, lb)
    _assert_matches(getattr(np, name)(a, b), getattr(onp, name)(ra, rb))


@settings(max_examples=60, **SETTINGS)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5), dtype=FLOAT,
       scalar=st.floats(-4, 4, allow_nan=False).filter(lambda s: abs(s) > 0.1),
       name=st.sampled_from(['add', 'subtract', 'multiply', 'divide']), reflected=st.booleans(),
       layout=layouts, seed=st.integers(0, 2**16))
def test_array_with_python_scalar(shape, dtype, scalar, name, reflected, layout, seed):
    """A Python float operand keeps the array's float dtype (MXNet and NumPy 2 agree)."""
    ra, a = _pair(shape, dtype, seed, layout, 0.5, 3.0)
    f, g = getattr(np, name), getattr(onp, name)
    got = f(scalar, a) if reflected else f(a, scalar)
    s = onp.dtype(dtype).type(scalar)
    expected = g(s, ra) if reflected else g(ra, s)
    _assert_matches(got, onp.asarray(expected, dtype=dtype))


@settings(max_examples=150, **SETTINGS)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5), dtype=FLOAT,
       op=st.sampled_from(UNARY), layout=layouts, seed=st.integers(0, 2**16))
def test_unary_layouts(shape, dtype, op, layout, seed):
    lo, hi = op.domain
    ra, a = _pair(shape, dtype, seed, layout, lo, hi)
    with onp.errstate(all='ignore'):
        expected = op.ref(ra)
    _assert_matches(op.fn(a), expected)


@st.composite
def _reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5))
    nd = len(shape)
    axis = draw(st.one_of(st.none(), st.integers(-nd, nd - 1),
                          st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True)
                          .map(tuple)))
    return shape, axis


@settings(max_examples=150, **SETTINGS)
@given(case=_reduction_case(), name=st.sampled_from(['sum', 'mean', 'max', 'min', 'prod']),
       dtype=FLOAT, keepdims=st.booleans(), layout=layouts, seed=st.integers(0, 2**16))
def test_reductions_axes_layouts(case, name, dtype, keepdims, layout, seed):
    shape, axis = case
    low, high = (0.5, 1.5) if name == 'prod' else (-3.0, 3.0)
    ra, a = _pair(shape, dtype, seed, layout, low, high)
    expected = getattr(onp, name)(ra, axis=axis, keepdims=keepdims)
    got = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    expected = onp.asarray(expected)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    # summation order differs from NumPy's pairwise sum: error bound ~ n eps sum|x|
    eps = onp.finfo(dtype).eps
    n = max(1, ra.size)
    bound = n * eps * onp.abs(ra).astype(onp.float64).sum() + eps
    if name == 'prod':
        bound = n * eps * onp.abs(expected).astype(onp.float64).max(initial=1.0) * 4
    onp.testing.assert_allclose(got.asnumpy(), expected, rtol=0, atol=bound)


@settings(max_examples=100, **SETTINGS)
@given(case=_reduction_case(), dtype=INT, keepdims=st.booleans(), layout=layouts,
       seed=st.integers(0, 2**16), name=st.sampled_from(['sum', 'max', 'min']))
def test_int_reductions_exact(case, dtype, keepdims, layout, seed, name):
    shape, axis = case
    ra, a = _pair(shape, dtype, seed, layout)
    expected = onp.asarray(getattr(onp, name)(ra, axis=axis, keepdims=keepdims))
    got = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    assert got.shape == expected.shape
    onp.testing.assert_array_equal(got.asnumpy(), expected)


@settings(max_examples=100, **SETTINGS)
@given(m=st.integers(1, 5), k=st.integers(1, 5), n=st.integers(1, 5), dtype=FLOAT,
       ta=st.booleans(), tb=st.booleans(), batch=st.sampled_from([(), (2,), (1,), (3,)]),
       seed=st.integers(0, 2**16))
def test_matmul_shapes_and_transposes(m, k, n, dtype, ta, tb, batch, seed):
    ra = _values(batch + (m, k), dtype, seed)
    rb = _values((k, n), dtype, seed + 1)
    a = np.array(onp.ascontiguousarray(onp.swapaxes(ra, -1, -2))).swapaxes(-1, -2) if ta \
        else np.array(ra)
    b = np.array(onp.ascontiguousarray(rb.T)).T if tb else np.array(rb)
    got = a @ b
    expected = onp.matmul(ra.astype(onp.float64), rb.astype(onp.float64))
    assert got.shape == expected.shape and got.dtype == onp.dtype(dtype)
    tol = 1e-5 if dtype == onp.float32 else 1e-12
    onp.testing.assert_allclose(got.asnumpy(), expected, rtol=tol, atol=tol * k * 9)
