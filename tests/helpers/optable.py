"""The elementwise ops under test: public function, NumPy reference, input domain.

One table drives the kernel tests (values, layouts, special values), the forward
dtype tests and the gradient checks, as Chainer's one test base checks every op.
``domain`` is an interval where the op is smooth and finite; ``away`` names the
points to keep inputs away from (its kinks or jumps): 'zero' or 'integers'.
"""
from dataclasses import dataclass

import numpy as onp

from autodiff import np, npx


def _sigmoid_ref(x):
    # independent of the kernel's two-branch formula: 1 / (1 + exp(-x)) in float64
    with onp.errstate(over='ignore'):
        return (1.0 / (1.0 + onp.exp(-x.astype(onp.float64)))).astype(x.dtype)


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
]
UNARY_BY_NAME = {u.name: u for u in UNARY}
# piecewise-constant ops: gradient exactly zero
ZERO_GRAD = ('sign', 'floor', 'ceil', 'round')

# special values every elementwise kernel must treat as NumPy does
SPECIAL = [onp.nan, onp.inf, -onp.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5,
           1e-30, -1e-30, 1e30, -1e30, 88.0, -88.0, 100.0, -100.0, 710.0, -710.0]
