"""Property-based: gradients of random small programs against central differences (float64).

A program is 1-5 steps drawn from the op table's families (unary, binary, reduction,
shape, nn), applied to one or two random inputs in [0.5, 2].  Steps whose op has a
restricted domain first map their operand into it with smooth library ops
(e.g. ``log(v * v + 0.5)``), so every value stays finite and away from kinks.
``check_grads`` (tests/helpers) compares backward with a 5-point central difference
along random directions."""
import numpy as onp
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
import hypothesis.extra.numpy as hnp

from autodiff import np, npx, autograd
from helpers import check_grads

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pos(v):
    return v * v + 0.5                      # > 0, smooth


# ---- one-operand steps: (name, f(v, p)) where p is a small integer parameter ---------------
def _axis(v, p):
    return p % v.ndim if v.ndim else None


def _sum(v, p):
    return v.sum(axis=_axis(v, p), keepdims=bool(p & 8))


def _mean(v, p):
    return v.mean(axis=_axis(v, p), keepdims=bool(p & 8))


def _prod(v, p):
    return np.prod(np.tanh(v) + 2.0, axis=_axis(v, p))


def _softmax(v, p):
    return npx.softmax(v, axis=_axis(v, p) if v.ndim else -1) if v.ndim else v


def _log_softmax(v, p):
    return npx.log_softmax(v, axis=_axis(v, p)) if v.ndim else v


def _transpose(v, p):
    return v.T


def _reshape(v, p):
    return v.reshape((-1,))


def _expand(v, p):
    return np.expand_dims(v, p % (v.ndim + 1))


def _flip(v, p):
    return np.flip(v, axis=_axis(v, p)) if v.ndim else v


def _slice(v, p):
    if v.ndim == 0 or v.shape[0] < 2:
        return v
    return v[1:] if p % 2 else v[::2]


def _getitem(v, p):
    return v[p % v.shape[0]] if v.ndim else v


def _broadcast(v, p):
    return np.broadcast_to(v, (2,) + v.shape)


def _tile(v, p):
    return np.tile(v, 2)


def _repeat(v, p):
    return np.repeat(v, 2, axis=_axis(v, p))


def _stack(v, p):
    return np.stack([v, v * 2], axis=p % (v.ndim + 1))


def _concat(v, p):
    return np.concatenate([v, np.sin(v)], axis=_axis(v, p)) if v.ndim else v


def _split(v, p):
    if v.ndim == 0 or v.shape[-1] < 2:
        return v
    a, b = np.split(v, [1], axis=-1)
    return a * b.sum()


UNARY_STEPS = [
    ('exp', lambda v, p: np.exp(np.tanh(v))), ('expm1', lambda v, p: np.expm1(np.tanh(v))),
    ('log', lambda v, p: np.log(_pos(v))), ('log1p', lambda v, p: np.log1p(_pos(v))),
    ('log2', lambda v, p: np.log2(_pos(v))), ('log10', lambda v, p: np.log10(_pos(v))),
    ('sqrt', lambda v, p: np.sqrt(_pos(v))), ('cbrt', lambda v, p: np.cbrt(_pos(v))),
    ('reciprocal', lambda v, p: np.reciprocal(_pos(v))),
    # steps that grow their operand go through tanh first: repeated, v ** 1.5 or v * v would
    # reach ~1e5 within a few steps, where sin's central differences mean nothing
    ('square', lambda v, p: np.square(np.tanh(v) * 2)),
    ('negative', lambda v, p: -v), ('sin', lambda v, p: np.sin(v)),
    ('cos', lambda v, p: np.cos(v)), ('tan', lambda v, p: np.tan(np.tanh(v))),
    ('arcsin', lambda v, p: np.arcsin(np.tanh(v) * 0.9)),
    ('arccos', lambda v, p: np.arccos(np.tanh(v) * 0.9)),
    ('arctan', lambda v, p: np.arctan(v)), ('sinh', lambda v, p: np.sinh(np.tanh(v))),
    ('cosh', lambda v, p: np.cosh(np.tanh(v))), ('tanh', lambda v, p: np.tanh(v)),
    ('arcsinh', lambda v, p: np.arcsinh(v)),
    ('arccosh', lambda v, p: np.arccosh(_pos(v) + 1.0)),
    ('arctanh', lambda v, p: np.arctanh(np.tanh(v) * 0.9)),
    ('sigmoid', lambda v, p: npx.sigmoid(v)), ('power', lambda v, p: _pos(np.tanh(v)) ** 1.5),
    ('rpower', lambda v, p: 1.5 ** np.tanh(v)), ('scalar_div', lambda v, p: 2.0 / _pos(v)),
    ('copy', lambda v, p: v.copy()), ('astype', lambda v, p: v.astype('float64')),
    ('scalar_first', lambda v, p: (2.0 - v) * (3.0 * v) + (1.0 + v) - (v - 1.0) / 2.0),
]
REDUCTION_STEPS = [('sum', _sum), ('mean', _mean), ('prod', _prod), ('softmax', _softmax),
                   ('log_softmax', _log_softmax)]
SHAPE_STEPS = [('transpose', _transpose), ('reshape', _reshape), ('expand_dims', _expand),
               ('flip', _flip), ('slice', _slice), ('getitem', _getitem),
               ('broadcast_to', _broadcast), ('tile', _tile), ('repeat', _repeat),
               ('stack', _stack), ('concatenate', _concat), ('split', _split),
               ('squeeze', lambda v, p: np.squeeze(np.expand_dims(v, 0), 0)),
               ('take', lambda v, p: v[onp.array([0, 0, -1])] if v.ndim else v)]


# ---- two-operand steps: combine the running value with an input (or a reduction of it
# when the shapes do not broadcast) ----------------------------------------------------------
BINARY_STEPS = [
    ('add', lambda a, b: a + b), ('subtract', lambda a, b: a - b),
    ('multiply', lambda a, b: a * b), ('divide', lambda a, b: a / _pos(b)),
    ('power', lambda a, b: _pos(a) ** np.tanh(b)), ('hypot-like', lambda a, b: np.sqrt(a * a + b * b + 0.1)),
    ('matmul', None), ('where', lambda a, b: np.where(_mask(a.shape, b.shape), a, b)),
]


def _mask(s1, s2):
    shape = onp.broadcast_shapes(s1, s2)
    return np.array(onp.arange(int(onp.prod(shape))).reshape(shape) % 2 == 0)


def _offsets(v):
    """v plus 0.37 * index: distinct values, so max/min have no ties."""
    return v + np.array(0.37 * onp.arange(v.size).reshape(v.shape))


# Ops with kinks or jumps, arranged so that the inputs of the deterministic per-step test
# stay away from them (random programs could land within the difference step of a kink).
KINK_STEPS = [
    ('unary', 'abs', lambda v, p: np.abs(_pos(v)) + np.abs(-_pos(v))),
    ('unary', 'relu', lambda v, p: npx.relu(_pos(v)) + npx.relu(-_pos(v))),
    ('unary', 'clip', lambda v, p: np.clip(_pos(v), 0.0, 100.0) + np.clip(-_pos(v), 0.0, 1.0)),
    ('unary', 'mod', lambda v, p: np.mod(_pos(v), 100.0) + np.mod(250.0, _pos(v) + 200.0)
     + np.mod(_pos(v), _pos(v) * 2.0 + 1.0)),
    ('unary', 'maximum', lambda v, p: np.maximum(v, v + 0.5) + np.maximum(v, 0.0 - _pos(v))
     + np.maximum(-20.0, v) + np.maximum(v, -20.0) + np.minimum(v, v - 0.5)
     + np.minimum(20.0, v) + np.minimum(v, 20.0)),
    ('reduce', 'max', lambda v, p: _offsets(v).max(axis=_axis(v, p)) if v.ndim else v),
    ('reduce', 'min', lambda v, p: _offsets(v).min(axis=_axis(v, p)) if v.ndim else v),
]


def _broadcastable(s1, s2):
    try:
        onp.broadcast_shapes(s1, s2)
        return True
    except ValueError:
        return False


def _combine(name, f, a, b):
    if name == 'matmul':
        if a.ndim >= 1 and b.ndim >= 1:
            return a @ np.ones((a.shape[-1], 2), dtype='float64') * b.sum()
        return a * b.sum()
    if not _broadcastable(a.shape, b.shape):
        b = b.mean()                        # a scalar always broadcasts
    return f(a, b)


STEPS = ([('unary',) + s for s in UNARY_STEPS] + [('reduce',) + s for s in REDUCTION_STEPS]
         + [('shape',) + s for s in SHAPE_STEPS] + [('binary',) + s for s in BINARY_STEPS])


def _program(steps, table=None):
    """A function of the inputs that runs ``steps`` (indices into ``table``, params)."""
    table = STEPS if table is None else table

    def run(*xs):
        v = xs[0] if len(xs) == 1 or not _broadcastable(xs[0].shape, xs[1].shape) \
            else xs[0] * xs[1]
        for k, (idx, p) in enumerate(steps):
            family, name, f = table[idx]
            if family == 'binary':
                v = _combine(name, f, v, xs[(k + p) % len(xs)])
            else:
                v = f(v, p)
            if v.size > 400:                # keep repeated tiling small
                v = v.reshape((-1,))[:50]
        return v
    return run


def _describe(steps):
    return ' -> '.join(f"{STEPS[i][1]}({p})" for i, p in steps)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
programs = st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 15)),
                    min_size=1, max_size=5)


ALL_STEPS = STEPS + KINK_STEPS


@pytest.mark.parametrize('idx', range(len(ALL_STEPS)),
                         ids=[f"{s[0]}-{s[1]}" for s in ALL_STEPS])
@pytest.mark.parametrize('shapes', [[(2, 3)], [(2, 3), (3,)], [(4,), (2, 1)]], ids=str)
def test_every_step_alone(idx, shapes):
    """Each step of the table on its own (so none is left to chance), then followed by a
    sum so that reductions of a different shape feed a scalar head too."""
    r = onp.random.default_rng(idx)
    args = [r.uniform(0.5, 2.0, size=s) for s in shapes]
    check_grads(_program([(idx, 3)], ALL_STEPS), *args, seed=idx)
    check_grads(_program([(idx, 2), (ALL_STEPS.index(('reduce',) + REDUCTION_STEPS[0]), 0)],
                         ALL_STEPS), *args, seed=idx + 1)


@settings(max_examples=200, **SETTINGS)
@given(steps=programs, shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                               max_side=3),
       n_inputs=st.integers(1, 2), seed=st.integers(0, 2**16))
def test_random_programs_match_central_differences(steps, shapes, n_inputs, seed):
    r = onp.random.default_rng(seed)
    args = [r.uniform(0.5, 2.0, size=s) for s in shapes.input_shapes[:n_inputs]]
    try:
        check_grads(_program(steps), *args, seed=seed)
    except AssertionError as e:
        raise AssertionError(f"program {_describe(steps)} on shapes "
                             f"{[a.shape for a in args]}: {e}") from None


@settings(max_examples=100, **SETTINGS)
@given(steps=st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 15)),
                      min_size=1, max_size=3),
       shape=shapes, seed=st.integers(0, 2**16))
def test_random_programs_second_order(steps, shape, seed):
    """create_graph=True: the gradient of <grad f(x), u> matches central differences of
    the first-order gradient, for random programs.  (This checks second order against
    first order; first order is checked against f itself above.)"""
    r = onp.random.default_rng(seed)
    x0 = r.uniform(0.5, 2.0, size=shape)
    u = r.standard_normal(shape)
    f = _program(steps)

    def gdot(x):
        with autograd.record():
            y = f(x)
            h = np.array(onp.random.default_rng(seed + 1).standard_normal(y.shape),
                         dtype='float64')
            g, = autograd.grad(y, [x], head_grads=h, create_graph=True)
            return (g * np.array(u, dtype='float64')).sum()

    # analytic: differentiate <grad f(x), u> once more
    x = np.array(x0, dtype='float64')
    x.attach_grad()
    s = gdot(x)
    s.backward()
    analytic = x.grad.asnumpy()
    # numeric: central differences of the first-order gradient along random directions
    eps = 1e-5
    for k in range(2):
        d = onp.random.default_rng(seed + 10 + k).standard_normal(shape)

        def phi(t):
            xt = np.array(x0 + t * d, dtype='float64')
            xt.attach_grad()
            return float(gdot(xt).asnumpy())
        numeric = (-phi(2 * eps) + 8 * phi(eps) - 8 * phi(-eps) + phi(-2 * eps)) / (12 * eps)
        a = float((analytic * d).sum())
        assert abs(a - numeric) <= 1e-7 + 1e-5 * max(abs(a), abs(numeric)), (
            f"program {_describe(steps)} on shape {shape}: second order {a!r} vs "
            f"central differences {numeric!r}")
