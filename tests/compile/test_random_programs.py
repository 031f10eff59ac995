"""Random programs over the compiler's op table, compiled vs eager mode.

Each program is a random DAG of ops from ``autodiff.compile.rules`` over two marked inputs
of different shapes, x (3, 5) and y (5,) (array-array binary ops broadcast; Python scalar
operands on either side; unary ops; reductions over an axis in the middle of the program,
whose keepdims results broadcast into later ops), ended by a sum, a mean or nothing (a
non-scalar result, head gradient of ones).  (``test_op_table`` covers each op alone.)  Inputs to ops with
a restricted domain are first mapped into it (e.g. ``log`` of ``exp(.)``, ``sqrt`` of
``square(.) + 1``) so that values stay finite.  The seeds are fixed: the same programs
(and kernels, cached on disk) each run.
"""
import random

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.compile import rules
from .helpers import eager, compiled_run, assert_close, central_grad

# unary ops by name -> a function applying the op to any real value within its domain
_UNARY = {
    'negative': lambda v: -v,
    'abs': lambda v: np.abs(v),
    'exp': lambda v: np.exp(np.tanh(v)),
    'expm1': lambda v: np.expm1(np.tanh(v)),
    'log': lambda v: np.log(np.exp(np.tanh(v))),
    'log1p': lambda v: np.log1p(np.square(v)),
    'sqrt': lambda v: np.sqrt(np.square(v) + 1),
    'square': lambda v: np.square(np.tanh(v)),
    'reciprocal': lambda v: np.reciprocal(np.square(v) + 1),
    'sin': lambda v: np.sin(v),
    'cos': lambda v: np.cos(v),
    'tanh': lambda v: np.tanh(v),
    'sigmoid': lambda v: npx.sigmoid(v),
    'relu': lambda v: npx.relu(v),
}
_BINARY = {
    'add': lambda a, b: a + b,
    'subtract': lambda a, b: a - b,
    'multiply': lambda a, b: a * b,
    'divide': lambda a, b: a / (np.square(b) + 1),
    'power': lambda a, b: (np.sigmoid(a) if hasattr(np, 'sigmoid') else npx.sigmoid(a)) ** np.tanh(b),
}
_SCALAR = {
    'add': lambda v, s, left: s + v if left else v + s,
    'subtract': lambda v, s, left: s - v if left else v - s,
    'multiply': lambda v, s, left: s * v if left else v * s,
    'divide': lambda v, s, left: s / (np.square(v) + 1) if left else v / s,
    'power': lambda v, s, left: (abs(s) + 0.5) ** np.tanh(v) if left
    else (npx.sigmoid(v) + 0.5) ** s,
}


_REDUCE = {
    'sum': lambda v, ax: v.sum(axis=ax, keepdims=True),
    'mean': lambda v, ax: v.mean(axis=ax, keepdims=True),
    'max': lambda v, ax: np.max(v, axis=ax, keepdims=True),
}


def test_the_programs_use_ops_of_the_compiler_table():
    assert set(_UNARY) <= set(rules.UNARY)
    assert set(_BINARY) <= set(rules.BINARY)
    assert set(_SCALAR) <= {n for n, _ in rules.SCALAR}
    assert set(_REDUCE) <= set(rules.REDUCTIONS)


def make_program(seed, steps=8):
    """A random program ``f(x, y)`` and a text describing it."""
    rng = random.Random(seed)
    plan = []
    for _ in range(steps):
        kind = rng.choice(['u', 'b', 's', 'r'])
        if kind == 'r':
            plan.append(('r', rng.choice(sorted(_REDUCE)), rng.choice([0, 1]),
                         rng.randrange(1 << 30)))
        elif kind == 'u':
            plan.append(('u', rng.choice(sorted(_UNARY)), rng.randrange(1 << 30)))
        elif kind == 'b':
            plan.append(('b', rng.choice(sorted(_BINARY)), rng.randrange(1 << 30)))
        else:
            plan.append(('s', rng.choice(sorted(_SCALAR)), round(rng.uniform(-2, 2), 3),
                         rng.random() < 0.5, rng.randrange(1 << 30)))
    end = rng.choice(['sum', 'mean', None])

    def f(x, y):
        vals = [x, y]
        for item in plan:
            pick = random.Random(item[-1])
            a = vals[pick.randrange(len(vals))]
            if item[0] == 'r':
                # a reduction mid-program, broadcast back against the last value
                vals.append(_REDUCE[item[1]](a, item[2] if a.ndim == 2 else 0) * 0.5 + vals[-1])
            elif item[0] == 'u':
                vals.append(_UNARY[item[1]](a))
            elif item[0] == 'b':
                vals.append(_BINARY[item[1]](a, vals[pick.randrange(len(vals))]))
            else:
                vals.append(_SCALAR[item[1]](a, item[2], item[3]))
        out = vals[-1] + vals[0] * 0.25 + vals[1] * 0.5    # both inputs always reach the head
        return out.sum() if end == 'sum' else out.mean() if end == 'mean' else out
    return f, f"{plan} -> {end}"


@pytest.mark.parametrize('seed', range(12))
def test_random_program_matches_eager(seed):
    f, text = make_program(seed)
    rng = onp.random.default_rng(seed)
    x, y = rng.uniform(-2, 2, (3, 5)), rng.uniform(-2, 2, (5,))
    cf = autograd.compile(f)
    compiled_run(cf, x, y)
    assert cf.compiled, f"{text}: {cf.fallback_reason}"
    x2, y2 = rng.uniform(-2, 2, (3, 5)), rng.uniform(-2, 2, (5,))   # new values: replay
    v, gs = compiled_run(cf, x2, y2)
    ev, egs = eager(f, x2, y2)
    assert_close(v, ev, rtol=1e-4, what=text)
    for g, eg in zip(gs, egs):
        assert_close(g, eg, rtol=1e-4, what=text)


@pytest.mark.parametrize('seed', [0, 5])
def test_random_program_float64_matches_central_differences(seed):
    f, text = make_program(seed)
    rng = onp.random.default_rng(100 + seed)
    x, y = rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (3,))
    cf = autograd.compile(f)
    compiled_run(cf, x, y, dtype='float64')
    v, (gx, gy) = compiled_run(cf, x, y, dtype='float64')
    assert cf.compiled, cf.fallback_reason

    def value(a, b):
        with autograd.pause():
            return float(f(np.array(a, dtype='float64'), np.array(b, dtype='float64'))
                         .asnumpy().sum())
    assert_close(gx, central_grad(lambda a: value(a, y), x), rtol=1e-6, what=text)
    assert_close(gy, central_grad(lambda b: value(x, b), y), rtol=1e-6, what=text)
