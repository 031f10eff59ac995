"""Compiled results are identical (to float rounding) to eager mode, op for op over the op table.

For every op the compiler takes (``autodiff.compile.rules``: the elementwise tables, the
comparisons used as masks, the reductions and the structural ops), a small function of that
op is compiled, called once to record it (that call runs eagerly) and once more on NEW values
of the same shapes and dtype (the replay of the compiled program); the replay's results and
every input's gradient must equal eager mode's on those new values, in float32 and float64.
Inputs are drawn inside each op's domain; ties (``maximum``, ``max``, ``clip`` bounds, masks,
``round`` halves) are drawn on purpose, because the tie rules must follow eager mode too.

Each case is ONE program (several shapes or variants of an op as the outputs of one function)
to keep the number of Numba compiles small.  Further down: float64 gradients of a few
composite programs against central differences, and the registered ops outside the table:
listed as opaque steps (tested in ``test_opaque_ops``) or as fallbacks, which must run eagerly
(with a reason naming the op) and still give eager mode's results.
"""
import functools
import operator

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.compile import rules
from autodiff.ops.core import registered_ops
import autodiff.ops.softmax_ce  # noqa: F401 (registers its ops, as importing gluon does)
from autodiff.ops.indexing import scatter_add
from autodiff.ops.unary import cos_grad, sigmoid_grad, sin_grad, tanh_grad
from .helpers import marked, assert_close, central_grad
from helpers import optable

DTYPES = ('float32', 'float64')
RTOL = {'float32': 2e-5,   # float32 rounding
        'float64': 1e-9}   # float64 programs must not lose precision (e.g. to float32 constants)


# ---- input generators: rng, shape -> float64 data (cast to the test's dtype by ``marked``) ----
def U(lo, hi):
    """Uniform in [lo, hi)."""
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def PM(lo, hi):
    """Uniform magnitude in [lo, hi), random sign (away from zero)."""
    return lambda rng, shape: rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


def GRID(step=0.25, n=4):
    """Multiples of ``step`` in [-n*step, n*step]: exact in both dtypes, with many ties."""
    return lambda rng, shape: rng.integers(-n, n + 1, shape) * step


def WITH_ZEROS(lo, hi):
    """Uniform in [lo, hi) with about a third of the entries exactly 0 (kinks of abs, relu)."""
    def gen(rng, shape):
        d = rng.uniform(lo, hi, shape)
        return onp.where(rng.uniform(0, 1, shape) < 0.35, 0.0, d)
    return gen


def CHOICE(*values):
    return lambda rng, shape: rng.choice(onp.asarray(values, onp.float64), shape)


class Case:
    """One compiled program: ``fn`` of inputs ``specs`` [(shape, generator)] covering ``covers``
    (op names; SCALAR entries as (name, position); comparisons as ('compare', name))."""

    def __init__(self, cid, covers, fn, specs, rtol=None):
        self.id, self.covers, self.fn, self.specs, self.rtol = cid, set(covers), fn, specs, rtol

    def data(self, seed):
        rng = onp.random.default_rng(seed)
        return [gen(rng, shape) for shape, gen in self.specs]


def _heads(y):
    return list(y) if isinstance(y, (tuple, list)) else [y]


def run_eager(fn, datas, dtype):
    """([values], [grads]) of ``fn`` recorded eagerly, then backward of all its results."""
    xs = [marked(d, dtype) for d in datas]
    with autograd.record():
        y = fn(*xs)
    autograd.backward(_heads(y))
    return [h.asnumpy() for h in _heads(y)], [x.grad.asnumpy() for x in xs]


def run_compiled(cf, datas, dtype):
    xs = [marked(d, dtype) for d in datas]
    y = cf(*xs)
    return [h.asnumpy() for h in _heads(y)], [x.grad.asnumpy() for x in xs]


def check_against_eager(fn, record_data, replay_data, dtype, rtol):
    """Compile ``fn``, record on ``record_data``, replay on ``replay_data``: compiled, and equal
    to eager mode on ``replay_data`` (values with their dtypes and shapes, every gradient)."""
    cf = autograd.compile(fn)
    run_compiled(cf, record_data, dtype)                 # records (runs eagerly)
    got_v, got_g = run_compiled(cf, replay_data, dtype)  # replays the compiled program
    assert cf.compiled, f"ran eagerly: {cf.fallback_reason}"
    want_v, want_g = run_eager(fn, replay_data, dtype)
    assert len(got_v) == len(want_v)
    for k, (g, w) in enumerate(zip(got_v, want_v)):
        assert g.dtype == w.dtype, (f"result {k} dtype", g.dtype, w.dtype)
        assert_close(g, w, rtol=rtol, what=f"result {k}")
    for k, (g, w) in enumerate(zip(got_g, want_g)):
        assert g.dtype == w.dtype, (f"gradient of input {k} dtype", g.dtype, w.dtype)
        assert_close(g, w, rtol=rtol, what=f"gradient of input {k}")


def _total(terms):
    return functools.reduce(operator.add, terms)


# ---- unary ops: op(x) * w (a head of ones, so the op's adjoint is w) ------------------------
_UNARY = {
    'negative': (lambda x: -x, U(-2, 2)),
    'abs': (np.abs, WITH_ZEROS(-2, 2)),
    'exp': (np.exp, U(-2, 2)),
    'expm1': (np.expm1, U(-2, 2)),
    'log': (np.log, U(0.2, 3)),
    'log1p': (np.log1p, U(-0.7, 2)),
    'log2': (np.log2, U(0.2, 3)),
    'log10': (np.log10, U(0.2, 3)),
    'sqrt': (np.sqrt, U(0.2, 3)),
    'cbrt': (np.cbrt, PM(0.2, 3)),
    'square': (np.square, U(-2, 2)),
    'reciprocal': (np.reciprocal, PM(0.3, 3)),
    'sin': (np.sin, U(-3, 3)),
    'cos': (np.cos, U(-3, 3)),
    'tan': (np.tan, U(-1.3, 1.3)),
    'arcsin': (np.arcsin, U(-0.9, 0.9)),
    'arccos': (np.arccos, U(-0.9, 0.9)),
    'arctan': (np.arctan, U(-3, 3)),
    'sinh': (np.sinh, U(-2, 2)),
    'cosh': (np.cosh, U(-2, 2)),
    'tanh': (np.tanh, U(-3, 3)),
    'arcsinh': (np.arcsinh, U(-3, 3)),
    'arccosh': (np.arccosh, U(1.1, 3)),
    'arctanh': (np.arctanh, U(-0.9, 0.9)),
    'sigmoid': (npx.sigmoid, U(-4, 4)),
    'relu': (npx.relu, WITH_ZEROS(-2, 2)),
    'sign': (np.sign, WITH_ZEROS(-2, 2)),
    'floor': (np.floor, U(-3, 3)),
    'ceil': (np.ceil, U(-3, 3)),
    'round': (np.round, GRID(0.5, 6)),          # halves: ties to even, as eager mode
    'copy': (lambda x: x.copy(), U(-2, 2)),
}


def _unary_case(name, op, gen):
    return Case(f'unary-{name}', {name}, lambda x, w: op(x) * w,
                [((3, 4), gen), ((3, 4), U(-2, 2))])


# ---- binary ops over broadcasting shape pairs ---------------------------------------------------
# the pairs giving (3, 4) are summed into one result (one fused loop; the gradients of the
# smaller operands are reductions); then (2, 3, 4) with (3, 1), summed
_PAIRS = [((3, 4), (4,)), ((3, 1), (1, 4)), ((), (3, 4)), ((3, 4), ()), ((3, 4), (3, 4)),
          ((2, 3, 4), (3, 1))]
_BINARY = {
    'add': (lambda a, b: a + b, U(-2, 2), U(-2, 2)),
    'subtract': (lambda a, b: a - b, U(-2, 2), U(-2, 2)),
    'multiply': (lambda a, b: a * b, U(-2, 2), U(-2, 2)),
    'divide': (lambda a, b: a / b, U(-2, 2), PM(0.5, 2)),
    'power': (lambda a, b: a ** b, U(0.3, 2), U(-2, 2)),
    'maximum': (np.maximum, GRID(0.5, 2), GRID(0.5, 2)),   # ties: the first operand
    'minimum': (np.minimum, GRID(0.5, 2), GRID(0.5, 2)),
    'mod': (np.mod, U(-3, 3), PM(0.4, 2)),                 # both signs: Python's floor mod
}


def _binary_case(name, op, ga, gb):
    def f(*ab):
        pairs = list(zip(ab[0::2], ab[1::2]))
        same = _total(op(a, b) for a, b in pairs[:-1]) * 1.5     # (an adjoint other than 1)
        return same, op(*pairs[-1]).sum()
    specs = [s for sa, sb in _PAIRS for s in ((sa, ga), (sb, gb))]
    return Case(f'binary-{name}', {name}, f, specs)


# ---- an array and a Python scalar, the scalar on either side ---------------------------------
_SCALAR_FORMS = {
    'add': lambda x, s, pos: x + s if pos else s + x,
    'subtract': lambda x, s, pos: x - s if pos else s - x,
    'multiply': lambda x, s, pos: x * s if pos else s * x,
    'divide': lambda x, s, pos: x / s if pos else s / x,
    'power': lambda x, s, pos: x ** s if pos else s ** x,
    'maximum': lambda x, s, pos: np.maximum(x, s) if pos else np.maximum(s, x),
    'minimum': lambda x, s, pos: np.minimum(x, s) if pos else np.minimum(s, x),
    'mod': lambda x, s, pos: x % s if pos else s % x,
}
# one program per entry: ((form(x, s, pos) * w for the first (s, pos)), then the others as-is)
_TIES = CHOICE(-0.5, -0.25, 0.1, 0.3, 0.5, 1.0)
_SCALAR = [
    ('add', [(1.5, 1), (-0.3, 0)], U(-2, 2)),
    ('subtract', [(1.5, 1), (-0.3, 0)], U(-2, 2)),
    ('multiply', [(-1.3, 1), (0.1, 0), (0.0, 1)], U(-2, 2)),
    ('divide', [(2.5, 1), (-0.3, 0), (1.5, 0)], PM(0.3, 2)),
    ('power', [(2.5, 1), (-1.5, 1), (0, 1), (2.0, 0), (0.5, 0)], U(0.3, 2)),
    # integer powers of any sign, x ** 0; 0 ** x (log(0) = -inf in the adjoint, as eager)
    ('power', [(3, 1), (2, 1), (0, 1), (0.0, 0), (1.0, 0)], U(-2, 2)),
    # ties at exact scalars and at 0.3 (not exact in float32: the comparison's dtype matters)
    ('maximum', [(0.5, 1), (-0.25, 0), (0.3, 1), (0.3, 0)], _TIES),
    ('minimum', [(0.5, 1), (-0.25, 0), (0.3, 1), (0.3, 0)], _TIES),
    ('mod', [(0.7, 1), (-1.5, 1), (2.5, 0), (-0.6, 0)], PM(0.4, 3)),
]


def _scalar_case(name, forms, gen, k):
    form = _SCALAR_FORMS[name]

    def f(x, w):
        (s, pos), rest = forms[0], forms[1:]
        return (form(x, s, pos) * w,) + tuple(form(x, s, pos) for s, pos in rest)
    return Case(f'scalar-{name}-{k}', {name} | {(name, pos) for _, pos in forms}, f,
                [((3, 4), gen), ((3, 4), U(-2, 2))])


# ---- comparisons as masks (array-scalar, scalar-array, array-array broadcasting) -------------
def _compare_case(name):
    cmp = getattr(np, name)

    def f(x, y, z):
        return x * cmp(x, 0.25) + y * cmp(x, y) + z * cmp(0.5, x) + x * cmp(z, 0.3)
    grid = GRID(0.25, 3)
    return Case(f'compare-{name}', {('compare', name)}, f,
                [((3, 4), grid), ((4,), grid), ((3, 4), CHOICE(0.3, -0.3, 0.1, 0.7))])


# ---- reductions: axis None, int and tuple, keepdims both ways -------------------------------
def _reduce_case(name, gen):
    def f(x, w):
        r = getattr(x, name)
        return (getattr(x * w, name)(),                      # axis=None: a 0-d result
                getattr(np, name)(x, axis=-1),               # int axis
                r(axis=(0, 2)),                              # tuple of axes
                r(axis=(0, -1), keepdims=True),
                x - r(axis=1, keepdims=True))                # reduce and broadcast back
    return Case(f'reduce-{name}', {name}, f, [((2, 3, 4), gen), ((2, 3, 4), U(-1, 1))])


_REDUCE_DATA = {'sum': U(-1, 1), 'mean': U(-1, 1),
                'max': GRID(0.25, 2), 'min': GRID(0.25, 2)}    # ties (and unique extrema)


# ---- structural ops ---------------------------------------------------------------------------
def _matmul(a, b, c):
    return np.tanh(a @ b), (np.dot(a.T, c) ** 2).sum()


def _reshape(x, w):
    return x.reshape(4, 3) * w, np.reshape(x, (-1, 1, 6)).sum(axis=0)


def _expand_dims(x, y):
    return np.expand_dims(x, 1) * y, x.expand_dims(-1)


def _squeeze(x, w):
    return x.squeeze() * w, np.squeeze(x, axis=1).sum(axis=-1)


def _transpose(x, w):
    return x.transpose(2, 0, 1) * w, np.transpose(x).sum(axis=1)


def _broadcast_to(x, s, w):
    return np.broadcast_to(x, (2, 3, 4)) * w, np.broadcast_to(s, (2, 2))


# basic keys: ints (negative too), slices with steps (negative too), None, Ellipsis
_KEYS = [(1, slice(None, None, -2)), (Ellipsis, -1), (slice(None), None, slice(1, 5, 2)),
         (0, 1, 2), (None, Ellipsis, slice(3, 0, -1))]


def _getitem(x):
    # as-is results: the gradient counts how often each element was selected
    return tuple(x[k] for k in _KEYS)


def _softmax(x, w, v, u):
    return npx.softmax(x, axis=0) * w, (npx.softmax(v + 100.0) * u).sum()


def _log_softmax(x, w, v, u):
    return npx.log_softmax(x, axis=-1) * w, (npx.log_softmax(v * 3.0, axis=1) * u).sum()


def _where(x, y, z):
    return (np.where(x > y, x, z) + np.where(y < 0.25, z * x, x - y),
            np.where(x <= 0.25, x, 0.5))


def _clip(x, w):
    return (np.clip(x, -0.5, 0.5) * w + x.clip(None, 0.25) + x.clip(-0.25, None) * 3.0,
            np.clip(x, a_min=0.3, a_max=0.7))


def _concatenate(x, y, z):
    return np.sin(np.concatenate([x, y], axis=0)), (np.concatenate([x, z], axis=-1) * 2.0)


_OTHER = {'float32': 'float64', 'float64': 'float32'}


def _astype_case(dtype):
    other = _OTHER[dtype]

    def f(x, w):
        return (np.sin(x.astype(other)).astype(dtype) * w + x.astype(dtype),
                (x.astype(other) * w.astype(other)).sum())
    # a float32 stage: float32 rounding in the float64 program too
    return Case(f'astype-{dtype}', {'astype'}, f, [((3, 4), U(-2, 2)), ((3, 4), U(-2, 2))],
                rtol=RTOL['float32'])


def _astype_promote_case(dtype):
    """A cast result meeting an array of the other dtype: the binary op promotes to float64."""
    other = _OTHER[dtype]

    def f(x, w):
        return x.astype(other) * w, (np.sin(x.astype(other)) + w).sum()
    return Case(f'astype-promote-{dtype}', {'astype'}, f, [((3, 4), U(-2, 2)), ((4,), U(-2, 2))],
                rtol=RTOL['float32'])


def _backward_only(g, a, h, b):
    # the ops tanh's, sigmoid's, sin's and cos's rules record (the compiled backward lowers
    # them like any op); and getitem's adjoint, basic keys as getitem records them
    return (tanh_grad(g, a) * 1.5 + sigmoid_grad(g, a) + sin_grad(g, a) * cos_grad(a, g),
            (scatter_add(h, (1, slice(None, None, -2)), (4, 5, 6)) * 2.0).sum()
            + scatter_add(b, (Ellipsis, -1), (4, 5, 6)))


def _logical(x, y):
    # masks combined (clip's backward does): bool and float operands (floats count as != 0)
    return (x * np.logical_and(x > 0, y < 0.25) + y * np.logical_or(x < -0.5, y > 0.5)
            + (x + y) * np.logical_xor(x > 0, y) + y * np.logical_and(x, y))


def _split(x, w):
    a, b = np.split(x, 2, axis=1)                  # equal sections
    p, q, r = np.split(x, [1, 3], axis=0)          # at indices
    return np.sin(a) * w + b, (p * 2.0).sum() + (q ** 2).sum() + r.sum()


def _flip(x, w):
    return np.flip(x, axis=1) * w, (np.flip(x) * np.sin(x)).sum(), np.flip(x, axis=(0, 2))


def _tile(x, y):
    return (np.tile(x, (2, 1, 1)) * np.sin(np.tile(x, 2)).sum(),
            np.tile(y, (2, 3)) ** 2)                     # reps longer than ndim


def _repeat(x, y):
    return np.repeat(x, 2, axis=1) ** 2, (np.repeat(x, 3) * 1.5).sum() + np.repeat(y, 2, axis=0)


_g, _u = GRID(0.25, 4), U(-2, 2)
_STRUCTURAL = [
    Case('matmul', {'matmul', 'transpose'}, _matmul, [((3, 4), _u), ((4, 5), _u), ((3, 2), _u)]),
    Case('reshape', {'reshape'}, _reshape, [((3, 4), _u), ((4, 3), _u)]),
    Case('expand_dims', {'expand_dims'}, _expand_dims, [((3, 4), _u), ((3, 2, 4), _u)]),
    Case('squeeze', {'squeeze'}, _squeeze, [((3, 1, 4, 1), _u), ((3, 4), _u)]),
    Case('transpose', {'transpose'}, _transpose, [((2, 3, 4), _u), ((4, 2, 3), _u)]),
    Case('broadcast_to', {'broadcast_to'}, _broadcast_to,
         [((3, 1), _u), ((), _u), ((2, 3, 4), _u)]),
    Case('getitem', {'getitem'}, _getitem, [((4, 5, 6), _u)]),
    Case('softmax', {'softmax'}, _softmax,
         [((3, 4), U(-3, 3)), ((3, 4), _u), ((5,), _u), ((5,), _u)]),
    Case('log_softmax', {'log_softmax'}, _log_softmax,
         [((3, 4), U(-3, 3)), ((3, 4), _u), ((2, 3, 4), _u), ((2, 3, 4), _u)]),
    Case('where', {'where', ('compare', 'greater'), ('compare', 'less')}, _where,
         [((3, 4), _g), ((4,), _g), ((3, 1), _u)]),
    Case('clip', {'clip'}, _clip, [((3, 4), GRID(0.25, 3)), ((3, 4), _u)]),
    Case('concatenate', {'concatenate'}, _concatenate, [((2, 3), _u), ((1, 3), _u), ((2, 4), _u)]),
    Case('split', {'split'}, _split, [((4, 4), _u), ((4, 2), _u)]),
    Case('flip', {'flip'}, _flip, [((2, 3, 4), _u), ((2, 3, 4), _u)]),
    Case('tile', {'tile'}, _tile, [((2, 3), _u), ((3,), _u)]),
    Case('backward-only', {'tanh_grad', 'sigmoid_grad', 'sin_grad', 'cos_grad', 'scatter_add'},
         _backward_only,
         [((3, 4), _u), ((3, 4), U(-0.9, 0.9)), ((3, 6), _u), ((4, 5), _u)]),
    Case('logical', {('logical', n) for n in rules.LOGICAL}, _logical,
         [((3, 4), GRID(0.25, 3)), ((4,), GRID(0.25, 3))]),
    Case('repeat', {'repeat'}, _repeat, [((2, 3), _u), ((2, 6), _u)]),
]

# the rows of the op tables (tests/helpers/optable.py) that the hand-drawn cases above do not
# take (their domains come from the table): one unary, binary and scalar-form case each
def _points(row):
    return lambda rng, shape: row.points(shape, seed=int(rng.integers(1 << 30)))


_ROW_UNARY = {u.name: (u.fn, _points(u)) for u in optable.UNARY
              if u.name in rules.UNARY and u.name not in _UNARY}
_ROW_BINARY = [b for b in optable.BINARY if b.name in rules.BINARY and b.name not in _BINARY]
for _b in _ROW_BINARY:
    _SCALAR_FORMS[_b.name] = (lambda fn: lambda x, s, pos: fn(x, s) if pos else fn(s, x))(_b.fn)
_ROW_SCALAR = [(b.name, [(b.right, 1), (b.left, 0)], b.a) for b in _ROW_BINARY
               if (b.name, 1) in rules.SCALAR]
# the backward-only rows take a Python scalar on either side too (e.g. tanh_grad(h, 0.5))
for _f in (tanh_grad, sigmoid_grad, sin_grad, cos_grad):
    _SCALAR_FORMS[_f.__name__] = (lambda fn: lambda x, s, pos: fn(x, s) if pos else fn(s, x))(_f)
    _ROW_SCALAR.append((_f.__name__, [(0.5, 1), (-1.5, 0)], U(-2, 2)))

CASES = ([_unary_case(n, op, gen) for n, (op, gen) in {**_UNARY, **_ROW_UNARY}.items()]
         + [_binary_case(n, *spec) for n, spec in _BINARY.items()]
         + [_binary_case(b.name, b.fn, b.a, b.b) for b in _ROW_BINARY]
         + [_scalar_case(n, forms, gen, k)
            for k, (n, forms, gen) in enumerate(_SCALAR + _ROW_SCALAR)]
         + [_compare_case(n) for n in rules.COMPARE]
         + [_reduce_case(n, _REDUCE_DATA[n]) for n in rules.REDUCTIONS]
         + _STRUCTURAL)
_CASE_PARAMS = ([pytest.param(c, d, id=f'{c.id}-{d}') for c in CASES for d in DTYPES]
                + [pytest.param(_astype_case(d), d, id=f'astype-{d}') for d in DTYPES]
                + [pytest.param(_astype_promote_case(d), d, id=f'astype-promote-{d}')
                   for d in DTYPES])


@pytest.mark.parametrize('case, dtype', _CASE_PARAMS)
def test_op_matches_eager(case, dtype):
    check_against_eager(case.fn, case.data(1), case.data(2), dtype, case.rtol or RTOL[dtype])


# infinite logits: eager mode's kernel takes the shift as 0 when a row's max is infinite, so
# +inf gives NaN there and 0 elsewhere (softmax), not NaN everywhere
_INF_LOGITS = onp.array([[1.0, onp.inf, 0.0, -1.0],
                         [0.5, -onp.inf, 2.0, -onp.inf],
                         [onp.inf, onp.inf, -0.5, 0.0]])


@pytest.mark.parametrize('dtype', ['float32'])
def test_softmax_of_infinite_logits_matches_eager(dtype):
    def f(x, w):
        return npx.softmax(x, axis=-1) * w, npx.log_softmax(x, axis=-1) * w
    rng = onp.random.default_rng(4)
    record = [rng.uniform(-2, 2, (3, 4)), rng.uniform(-2, 2, (3, 4))]
    check_against_eager(f, record, [_INF_LOGITS, rng.uniform(-2, 2, (3, 4))], dtype, RTOL[dtype])


def test_every_op_of_the_compiler_table_is_covered():
    cov = set().union(*(p.values[0].covers for p in _CASE_PARAMS))
    names = {c for c in cov if isinstance(c, str)}
    assert set(rules.supported_names()) - names == set(), "ops of the table without a case"
    assert names - set(rules.supported_names()) == set(), "cases of ops not in the table"
    assert set(rules.SCALAR) <= cov, "scalar forms without a case"
    assert {('compare', n) for n in rules.COMPARE} <= cov, "comparisons without a case"
    assert {('logical', n) for n in rules.LOGICAL} <= cov, "logical ops without a case"


# ---- float64 gradients of composite programs against central differences --------------------
def _ce_onehot():
    oh = onp.zeros((4, 3))
    oh[onp.arange(4), [0, 2, 1, 2]] = 1.0
    return oh


_ONEHOT = _ce_onehot()
_ONEHOT_ARR = np.array(_ONEHOT)


def _np_log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - onp.log(onp.exp(z).sum(axis=-1, keepdims=True))


_COMPOSITE = {
    'bias-relu-sum-axis': (
        lambda x, b: np.square(npx.relu(x + b).sum(axis=1)).sum(),
        lambda x, b: onp.square(onp.maximum(x + b, 0).sum(axis=1)).sum(),
        [(3, 4), (4,)]),
    'cross-entropy': (
        lambda x, w, b: -(npx.log_softmax(x @ w + b, axis=-1) * _ONEHOT_ARR).sum() / 4,
        lambda x, w, b: -(_np_log_softmax(x @ w + b) * _ONEHOT).sum() / 4,
        [(4, 5), (5, 3), (3,)]),
    'max-over-axis': (
        lambda x, v: (np.sin(x.max(axis=0)) * v).sum() + x.min(axis=-1).sum(),
        lambda x, v: (onp.sin(x.max(axis=0)) * v).sum() + x.min(axis=-1).sum(),
        [(3, 4), (4,)]),
    'where-clip': (
        lambda x, y: (np.where(x > 0.1, np.sin(x), y * y) + np.clip(x * y, -0.3, 0.5)).sum(),
        lambda x, y: (onp.where(x > 0.1, onp.sin(x), y * y) + onp.clip(x * y, -0.3, 0.5)).sum(),
        [(3, 4), (4,)]),
}


@pytest.mark.parametrize('name', list(_COMPOSITE))
def test_composite_gradient_matches_central_differences(name):
    fn, f64, shapes = _COMPOSITE[name]
    rng = onp.random.default_rng(7)
    first = [rng.uniform(-1, 1, s) for s in shapes]
    datas = [rng.uniform(-1, 1, s) for s in shapes]
    cf = autograd.compile(fn)
    run_compiled(cf, first, 'float64')
    (value,), grads = run_compiled(cf, datas, 'float64')
    assert cf.compiled, f"ran eagerly: {cf.fallback_reason}"
    assert_close(value, f64(*datas), rtol=1e-12, what='value')
    for k, grad in enumerate(grads):
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(grad, central_grad(partial, datas[k]), rtol=1e-6, what=f'gradient {k}')


# ---- registered ops outside the compiler's table ---------------------------------------------
# ops outside the table that the compiler runs as opaque steps (their eager forward, and their
# eager backward rule in the backward program; autodiff.compile.opaque): written out here so
# that a change of the list is a visible decision
OPAQUE_OPS = {'convolution', 'deconvolution', 'pooling',
              # max pooling of a relu (of a convolution), fused by the compiler
              # (compile/window_fusion.py)
              'relu_pooling', 'conv_relu_pooling',
              'batch_norm', 'layer_norm', 'instance_norm', 'group_norm', 'dropout',
              'softrelu', 'softsign', 'leaky_relu', 'elu', 'selu', 'gelu', 'smooth_l1',
              'erf', 'erfinv', 'gamma', 'gammaln', 'digamma', 'polygamma', 'embedding',
              # np.random's reparameterised draws with array parameters (a fresh draw per
              # replay, as dropout)
              'random_normal', 'random_gumbel', 'random_logistic', 'random_lognormal',
              'random_uniform', 'random_exponential', 'random_rayleigh', 'random_weibull',
              'random_power', 'random_pareto', 'random_gamma', 'random_multivariate_normal'}
# ops a function may call that still make the signature fall back (eager on every call):
# prod and roi_pooling have no opaque forward registered
# (nor have issue 14's element-moving ops and einsum, whose parameters are index arrays);
# setitem is an in-place write, which a replay would not repeat
FALLBACK_OPS = {'prod', 'roi_pooling', 'setitem',
                # issue 14's element-moving ops (ops/gather.py) and einsum
                'insert', 'delete', 'resize', 'pad', 'roll', 'rot90', 'take', 'take_along_axis',
                'choose', 'compress', 'extract', 'select', 'diag', 'diagflat', 'diagonal',
                'tril', 'triu', 'trim_zeros', 'einsum',
                # np-stats: gathers by a data-dependent permutation, running sums/products
                'sort', 'partition', 'cumsum', 'cumprod',
                # np.linalg (LAPACK through NumPy; tests/ops/test_np_linalg.py checks one)
                'inv', 'det', 'slogdet', 'solve', 'cholesky', 'svd', 'eigh', 'qr', 'pinv',
                'norm',
                # the eager SoftmaxCrossEntropyLoss's fused op (a compile trace records the
                # lowerable log_softmax composition instead: gluon/loss.py)
                'softmax_cross_entropy', 'softmax_cross_entropy_grad'}
# recorded only by backward passes under create_graph (adjoints of the normalizations,
# embedding and the sliding windows): the compiler's traced backward runs the rules of the
# opaque ops that record them as opaque steps, so none of them is lowered (the adjoints of
# getitem, tanh and sigmoid are in the table: scatter_add, tanh_grad, sigmoid_grad)
BACKWARD_ONLY_OPS = {'norm_sums',
                     'embedding_scatter', 'convolution_weight_grad', 'pooling_adjoint',
                     'pooling_max_scatter', 'pooling_max_gather',
                     'roi_pooling_scatter', 'roi_pooling_gather'}


def test_every_op_outside_the_table_is_listed_as_a_fallback():
    outside = set(registered_ops()) - set(rules.supported_names())
    listed = FALLBACK_OPS | BACKWARD_ONLY_OPS | OPAQUE_OPS
    assert outside - listed == set(), "unlisted ops"
    assert listed - outside == set(), \
        "listed as fallbacks but now in the compiler's table (or gone)"


def test_opaque_ops_are_the_compilers_opaque_table():
    from autodiff.compile import opaque
    assert set(opaque.FORWARDS) == OPAQUE_OPS
    assert not (OPAQUE_OPS & FALLBACK_OPS)


_FALLBACKS = [
    ('prod', 'prod', lambda x, y: (x.prod(axis=0) * y).sum(), [(3, 4), (4,)]),
    ('getitem-int-array', 'getitem', lambda x, y: np.sin(x[[2, 0, 2]]) * y,
     [(3, 4), (4,)]),
    ('getitem-bool-mask', 'getitem', lambda x, y: (x[onp.array([True, False, True])] * y).sum(),
     [(3, 4), (4,)]),
    ('sort', 'sort', lambda x, y: (np.sort(x, axis=0) * y).sum(), [(3, 4), (4,)]),
    ('cumsum', 'cumsum', lambda x, y: (np.cumsum(x, axis=1) ** 2 * y).sum(), [(3, 4), (4,)]),
    # batch_norm writes its running statistics in place: only arrays the function is given
    # (or closes over) can be written, not ones it computes
    ('batch_norm-computed-running-stats', 'batch_norm',
     lambda x, y: (npx.batch_norm(x.reshape((3, 4, 1)), y, y * 0.5, y * 0.0, y * 0.0 + 1.0,
                                  fix_gamma=False) ** 2).sum(), [(3, 4), (4,)]),
]


@pytest.mark.parametrize('name, op, fn, shapes', _FALLBACKS, ids=[f[0] for f in _FALLBACKS])
def test_op_outside_the_table_falls_back_with_eager_results(name, op, fn, shapes):
    assert op in FALLBACK_OPS | OPAQUE_OPS or op in rules.supported_names()
    rng = onp.random.default_rng(3)
    first = [rng.uniform(-1, 1, s) for s in shapes]
    datas = [rng.uniform(-1, 1, s) for s in shapes]
    cf = autograd.compile(fn)
    run_compiled(cf, first, 'float32')
    got_v, got_g = run_compiled(cf, datas, 'float32')
    assert not cf.compiled
    reason = cf.fallback_reason or ''
    # the op must be the culprit (not merely in the listing of the table that follows)
    assert op in reason.split("not in the compiler's table")[0], reason
    want_v, want_g = run_eager(fn, datas, 'float32')
    for g, w in zip(got_v + got_g, want_v + want_g):
        assert g.dtype == w.dtype
        onp.testing.assert_array_equal(g, w)
