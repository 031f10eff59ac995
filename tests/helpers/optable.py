"""The elementwise ops under test, one row per op: public function, NumPy reference, domain.

One table per family (``UNARY``, ``BINARY``, ``PREDICATES``, ``COMPARISONS``) drives the
generated tests of ``tests/ops/test_elementwise_table.py`` (forward values, layouts,
special values, dtypes, bad input, gradients by central differences, scalar operand
forms), the second-order entries of ``tests/autograd/test_higher_order_ops.py`` and the
binary kernel tests, as Chainer's ``FunctionTestCase`` does.  ``domain`` is an interval
where the op is smooth and finite; ``away`` names the points to keep inputs away from (its
kinks or jumps): 'zero' or 'integers'.  Adding an op = adding its row here.
"""
from dataclasses import dataclass

import numpy as onp

from autodiff import np, npx


def _sigmoid_ref(x):
    # independent of the kernel's two-branch formula: 1 / (1 + exp(-x)) in float64
    with onp.errstate(over='ignore'):
        return (1.0 / (1.0 + onp.exp(-x.astype(onp.float64)))).astype(x.dtype)


def _copysign_ref(a, b):
    out = onp.copysign(a, b)
    return out.astype(a.dtype) if a.dtype.kind in 'iu' else out


def _ldexp_ref(a, b):
    # integers keep their dtype (MXNet 1.9.1); a float exponent is allowed (MXNet)
    if a.dtype.kind in 'iu':
        return (a * 2 ** b).astype(a.dtype)
    return a * onp.exp2(b)


def _relu_ref(x):
    return onp.maximum(x, 0).astype(x.dtype)


@dataclass(frozen=True)
class Unary:
    name: str
    fn: object
    ref: object
    domain: tuple = (-2.0, 2.0)
    away: str = None           # None, 'zero' or 'integers'
    keeps_int: bool = False    # result keeps an integer input's dtype (as NumPy and MXNet)

    def points(self, shape, seed=0):
        """float64 inputs in the domain, kept 0.2 away from kinks."""
        r = onp.random.default_rng(seed)
        lo, hi = self.domain
        x = r.uniform(lo, hi, size=shape)
        if self.away == 'zero':
            x = onp.sign(x + (x == 0)) * (0.2 + onp.abs(x))
        elif self.away == 'integers':
            x = onp.floor(x) + r.uniform(0.2, 0.8, size=shape)
        return x


UNARY = [
    Unary('negative', np.negative, onp.negative, keeps_int=True),
    Unary('abs', np.abs, onp.abs, away='zero', keeps_int=True),
    Unary('sign', np.sign, onp.sign, away='zero', keeps_int=True),
    Unary('exp', np.exp, onp.exp),
    Unary('expm1', np.expm1, onp.expm1),
    Unary('log', np.log, onp.log, (0.1, 3.0)),
    Unary('log1p', np.log1p, onp.log1p, (-0.9, 3.0)),
    Unary('log2', np.log2, onp.log2, (0.1, 3.0)),
    Unary('log10', np.log10, onp.log10, (0.1, 3.0)),
    Unary('sqrt', np.sqrt, onp.sqrt, (0.1, 3.0)),
    Unary('cbrt', np.cbrt, onp.cbrt, (0.1, 3.0)),
    Unary('square', np.square, onp.square, keeps_int=True),
    Unary('reciprocal', np.reciprocal, onp.reciprocal, (0.2, 3.0)),
    Unary('sin', np.sin, onp.sin, (-3.0, 3.0)),
    Unary('cos', np.cos, onp.cos, (-3.0, 3.0)),
    Unary('tan', np.tan, onp.tan, (-1.2, 1.2)),
    Unary('arcsin', np.arcsin, onp.arcsin, (-0.9, 0.9)),
    Unary('arccos', np.arccos, onp.arccos, (-0.9, 0.9)),
    Unary('arctan', np.arctan, onp.arctan, (-3.0, 3.0)),
    Unary('sinh', np.sinh, onp.sinh),
    Unary('cosh', np.cosh, onp.cosh),
    Unary('tanh', np.tanh, onp.tanh),
    Unary('arcsinh', np.arcsinh, onp.arcsinh, (-3.0, 3.0)),
    Unary('arccosh', np.arccosh, onp.arccosh, (1.1, 3.0)),
    Unary('arctanh', np.arctanh, onp.arctanh, (-0.9, 0.9)),
    Unary('floor', np.floor, onp.floor, (-3.0, 3.0), away='integers', keeps_int=True),
    Unary('ceil', np.ceil, onp.ceil, (-3.0, 3.0), away='integers', keeps_int=True),
    Unary('round', np.round, onp.round, (-3.0, 3.0), away='integers', keeps_int=True),
    Unary('relu', npx.relu, _relu_ref, away='zero', keeps_int=True),
    Unary('sigmoid', npx.sigmoid, _sigmoid_ref, (-6.0, 6.0)),
    Unary('positive', np.positive, onp.positive, keeps_int=True),
    # fabs keeps an integer dtype as MXNet 1.9.1 does (NumPy: float64)
    Unary('fabs', np.fabs, onp.fabs, away='zero', keeps_int=True),
    Unary('trunc', np.trunc, onp.trunc, (-3.0, 3.0), away='integers', keeps_int=True),
    Unary('fix', np.fix, onp.fix, (-3.0, 3.0), away='integers', keeps_int=True),
    Unary('deg2rad', np.deg2rad, onp.deg2rad, (-200.0, 200.0)),
    Unary('rad2deg', np.rad2deg, onp.rad2deg),
    Unary('spacing', np.spacing, onp.spacing),
]
UNARY_BY_NAME = {u.name: u for u in UNARY}
# piecewise-constant ops: gradient exactly zero
ZERO_GRAD = ('sign', 'floor', 'ceil', 'round', 'trunc', 'fix', 'spacing')


def U(lo, hi):
    """Uniform draws in [lo, hi)."""
    return lambda r, shape: r.uniform(lo, hi, shape)


def AWAY(lo, hi):
    """Magnitudes uniform in [lo, hi) with random signs (away from 0)."""
    return lambda r, shape: r.uniform(lo, hi, shape) * r.choice([-1.0, 1.0], shape)


@dataclass(frozen=True)
class Binary:
    """A binary row: ``a``/``b`` draw each operand (rng, shape) inside the smooth domain;
    ``right``/``left`` are Python scalars to test as ``f(x, s)`` / ``f(s, x)`` (x drawn
    as the other operand); ``ints``: 'keep' (an integer pair keeps its dtype) or 'float'
    (float32); ``grad_b``: False when the gradient toward b is zero (copysign)."""
    name: str
    fn: object
    ref: object
    a: object = U(-2.0, 2.0)
    b: object = U(-2.0, 2.0)
    right: float = 1.5
    left: float = 1.5
    ints: str = 'keep'
    grad_b: bool = True

    def points(self, sa, sb, seed=0):
        """float64 operands of shapes ``sa`` and ``sb`` in the domain."""
        r = onp.random.default_rng(seed)
        return self.a(r, sa), self.b(r, sb)


BINARY = [
    Binary('add', np.add, onp.add),
    Binary('subtract', np.subtract, onp.subtract),
    Binary('multiply', np.multiply, onp.multiply),
    Binary('divide', np.divide, onp.divide, b=AWAY(0.5, 2.0), left=1.5, ints='float'),
    Binary('power', np.power, onp.power, U(0.5, 2.0), U(-1.5, 1.5), right=2.5, left=1.5),
    # ties are drawn on purpose in test_kinks.py; here distinct values
    Binary('maximum', np.maximum, onp.maximum, right=0.3, left=0.3),
    Binary('minimum', np.minimum, onp.minimum, right=0.3, left=0.3),
    # a / b in (2.09, 2.7): away from the jumps of floor(a / b)
    Binary('mod', np.mod, onp.mod, U(2.3, 2.7), U(1.0, 1.1), right=1.05, left=2.5),
    # a away from 0: no branch cut (a = 0, b < 0) and no pole (0, 0)
    Binary('arctan2', np.arctan2, onp.arctan2, AWAY(0.2, 2.0), ints='float'),
    Binary('hypot', np.hypot, onp.hypot, AWAY(0.2, 2.0), ints='float'),
    Binary('logaddexp', np.logaddexp, onp.logaddexp, U(-3.0, 3.0), ints='float'),
    # integers keep their dtype as in MXNet 1.9.1 (NumPy: float64); zero gradient toward b
    Binary('copysign', np.copysign, _copysign_ref, AWAY(0.2, 2.0), AWAY(0.2, 2.0),
           right=-1.5, left=-1.5, grad_b=False),
    Binary('ldexp', np.ldexp, _ldexp_ref),
]
BINARY_BY_NAME = {b.name: b for b in BINARY}


# not differentiable: (name, function, NumPy reference, takes floats)
NONDIFF_BINARY = [('heaviside', np.heaviside, onp.heaviside, True),
                  ('lcm', np.lcm, onp.lcm, False),
                  ('bitwise_and', np.bitwise_and, onp.bitwise_and, False),
                  ('bitwise_or', np.bitwise_or, onp.bitwise_or, False),
                  ('bitwise_xor', np.bitwise_xor, onp.bitwise_xor, False)]


@dataclass(frozen=True)
class Predicate:
    """A bool-valued unary test (not differentiable)."""
    name: str
    fn: object
    ref: object


PREDICATES = [
    Predicate('isnan', np.isnan, onp.isnan),
    Predicate('isinf', np.isinf, onp.isinf),
    Predicate('isfinite', np.isfinite, onp.isfinite),
    Predicate('isposinf', np.isposinf, onp.isposinf),
    Predicate('isneginf', np.isneginf, onp.isneginf),
    Predicate('signbit', np.signbit, onp.signbit),
    Predicate('logical_not', np.logical_not, onp.logical_not),
]

# special values every elementwise kernel must treat as NumPy does
SPECIAL = [onp.nan, onp.inf, -onp.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5,
           1e-30, -1e-30, 1e30, -1e30, 88.0, -88.0, 100.0, -100.0, 710.0, -710.0]
