"""Elementwise binary ops: one row each (``ops/elementwise.py``), then comparisons, where, clip.

A row is the op's name, its scalar expression over ``a`` and ``b`` and its VJP
``vjp(g, ans, a, b, needs) -> (grad_a, grad_b)`` before unbroadcasting (``needs`` says
which are wanted).  Broadcasting, Python-scalar operands (kept out of the graph as the
op's ``scalar`` parameter, so ``y * 1.01`` costs one kernel call and records one node)
and the dtype rules are the shared machinery's; in a scalar form the VJP gets the
Python scalar as ``a`` or ``b``.
"""
import math

import numpy as _onp

from .. import dtypes
from ..errors import ShapeError
from ..kernels import binary as K
from ..ndarray import ndarray
from .._state import state
from .core import defop, result, wrap
from .convert import as_array
from .elementwise import (ROWS, SCALARS as _SCALARS, binary, compare, promote,  # noqa: F401
                          broadcast_run, is_scalar)
from .launch import run, PARALLEL_MIN
from .shape import unbroadcast
from . import unary

_BOOL_SUBTRACT = ("numpy boolean subtract, the `-` operator, is not supported; use the "
                  "logical_xor function (or `^`) instead, or cast to an integer type first")


def _negative_power(a, b):
    """NumPy refuses integers to negative integer powers (a silent 0 otherwise)."""
    if (_onp.asarray(b) < 0).any():
        return "Integers to negative integer powers are not allowed"
    return None


def _log(v):
    """log of an operand: an array's through the ``log`` op, a Python scalar's in float64
    (-inf at 0, NaN below, as NumPy)."""
    if is_scalar(v):
        return math.log(v) if v > 0 else (float('-inf') if v == 0 else float('nan'))
    return unary.log(v)


def _power_vjp(g, ans, a, b, n):
    ga = gb = None
    if n[0]:
        ga = g * 0 if is_scalar(b) and b == 0 else g * b * a ** (b - 1)
    if n[1]:
        gb = g * ans * _log(a)
    return ga, gb


# ---- arithmetic ----------------------------------------------------------------------------
add = binary('add', 'a + b', lambda g, ans, a, b, n: (g, g), commutative=True,
             vjp_exprs=('g', 'g'), fuse=False)
subtract = binary('subtract', 'a - b', lambda g, ans, a, b, n: (g, -g if n[1] else None),
                  bools=_BOOL_SUBTRACT, vjp_exprs=('g', '-g'), fuse=False)
multiply = binary('multiply', 'a * b',
                  lambda g, ans, a, b, n: (g * b if n[0] else None, g * a if n[1] else None),
                  commutative=True, vjp_exprs=('g * b', 'g * a'))
divide = binary('divide', 'a / b',
                lambda g, ans, a, b, n: (g / b if n[0] else None, -g * ans / b if n[1] else None),
                ints='float', vjp_exprs=('g / b', '-g * ans / b'))
power = binary('power', 'a ** b', _power_vjp, bools='int64', int_check=_negative_power)
mod = binary('mod', 'np.mod(a, b)',
             lambda g, ans, a, b, n: (g, -g * unary.floor(a / b) if n[1] else None),
             bools='int64')
# ties go to the first operand (MXNet); with a Python scalar, to the array (commutative)
maximum = binary('maximum', '_maximum(a, b)',
                 lambda g, ans, a, b, n: (g * (a >= b) if n[0] else None,
                                          g * (a < b) if n[1] else None), commutative=True)
minimum = binary('minimum', '_minimum(a, b)',
                 lambda g, ans, a, b, n: (g * (a <= b) if n[0] else None,
                                          g * (a > b) if n[1] else None), commutative=True)
true_divide = divide
remainder = mod
# d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2); integers compute in float32 (MXNet refuses
# them); at (0, 0) the gradient is NaN, as MXNet 1.9.1's
arctan2 = binary('arctan2', 'np.arctan2(a, b)',
                 lambda g, ans, a, b, n: (g * b / (a * a + b * b) if n[0] else None,
                                          -g * a / (a * a + b * b) if n[1] else None),
                 ints='float')
# at (0, 0) the gradient is NaN (0 / 0), as MXNet 1.9.1's
hypot = binary('hypot', 'np.hypot(a, b)',
               lambda g, ans, a, b, n: (g * a / ans if n[0] else None,
                                        g * b / ans if n[1] else None),
               ints='float', commutative=True)
logaddexp = binary('logaddexp', '_logaddexp(a, b)',
                   lambda g, ans, a, b, n: (g * unary.exp(a - ans) if n[0] else None,
                                            g * unary.exp(b - ans) if n[1] else None),
                   ints='float', commutative=True)
# d/da = +1 where a and b have the same sign bit, else -1 (MXNet 1.9.1 gives +-1 at a = 0
# too); d/db = 0.  Integers keep their dtype, as MXNet's.
copysign = binary('copysign', 'np.copysign(a, b)',
                  lambda g, ans, a, b, n: (g * copysign(1.0, a) * copysign(1.0, b) if n[0]
                                           else None, None),
                  int_expr='_abs_int(a) if b >= 0 else -_abs_int(a)')

# d/da = 2^b = ans / a, d/db = ans log 2; integers keep their dtype as in MXNet 1.9.1
ldexp = binary('ldexp', 'a * np.exp2(b)',
               lambda g, ans, a, b, n: (g * 2.0 ** b if n[0] else None,
                                        g * ans * 0.6931471805599453 if n[1] else None),
               int_expr='_ldexp_int(a, b)')

# ---- not differentiable: heaviside, integer-only ops -----------------------------------------
heaviside = binary('heaviside', '_heaviside(a, b)', None, ints='float')
_INT_ONLY = "supported only for integer and bool inputs (as in NumPy)"
lcm = binary('lcm', 'a', None, int_expr='_lcm_int(a, b)', commutative=True, floats=_INT_ONLY)
bitwise_and = binary('bitwise_and', 'a', None, int_expr='a & b', commutative=True,
                     floats=_INT_ONLY)
bitwise_or = binary('bitwise_or', 'a', None, int_expr='a | b', commutative=True,
                    floats=_INT_ONLY)
bitwise_xor = binary('bitwise_xor', 'a', None, int_expr='a ^ b', commutative=True,
                     floats=_INT_ONLY)

# ---- comparisons and logical ops: bool arrays, not differentiable --------------------------
equal = compare('equal', 'a == b')
not_equal = compare('not_equal', 'a != b')
less = compare('less', 'a < b')
less_equal = compare('less_equal', 'a <= b')
greater = compare('greater', 'a > b')
greater_equal = compare('greater_equal', 'a >= b')
logical_and = compare('logical_and', '(a != 0) & (b != 0)')
logical_or = compare('logical_or', '(a != 0) | (b != 0)')
logical_xor = compare('logical_xor', '(a != 0) != (b != 0)')


def add_into(da, db, out):
    """``out[...] = da + db`` for NumPy buffers of ``out``'s shape and dtype; False (nothing
    written) when that is not safe: ``out`` not C-contiguous or overlapping an operand
    (``da`` may be ``out`` itself: ``out += db``).

    The engine sums a leaf's gradient contributions straight into its ``.grad`` buffer
    with this, instead of a temporary and a copy.
    """
    dt = out.dtype
    if (da.dtype is not dt or db.dtype is not dt or da.shape != out.shape
            or db.shape != out.shape or dt.kind != 'f' or out.size == 0
            or not out.flags.c_contiguous):
        return False
    if out.base is None:
        # two distinct buffers that own their memory cannot overlap (no NumPy call needed)
        if db is out or (db.base is not None and _onp.may_share_memory(out, db)):
            return False
        if da is not out and da.base is not None and _onp.may_share_memory(out, da):
            return False
    elif (da is not out and _onp.may_share_memory(out, da)) or _onp.may_share_memory(out, db):
        return False
    if out.size < PARALLEL_MIN:
        k = _ADD._kernels.get('aa') or _ADD.kernel('aa')
        k(da.ravel(), db.ravel(), out.ravel())      # (ravel: out's is a view, it is contiguous)
    else:
        broadcast_run(_ADD, da, db, dt, out=out)
    return True


def add_unrecorded(a, b, in_place=False):
    """``a + b`` for the engine's unrecorded accumulation of gradients: arrays of one float
    dtype and shape, below the thread split, by the add kernel straight (no dispatch, no
    tape), into ``a``'s own buffer when ``in_place`` (the caller alone holds ``a``, which is
    then returned) and it is C-contiguous; anything else by ``add``.  (Under
    ``create_graph`` the engine uses ``add``, which records.)"""
    da, db = a._data, b._data
    dt = da.dtype
    if dt is db.dtype and dt.kind == 'f' and da.shape == db.shape \
            and 0 < da.size < PARALLEL_MIN and state.tracer is None and (
                da.base is None and db.base is None    # (owned; ravel copies an F-ordered one)
                or da.flags.writeable and db.flags.writeable):
        k = _ADD._kernels.get('aa') or _ADD.kernel('aa')
        if in_place and da.flags.c_contiguous and da.flags.writeable:
            fa = da.ravel()                     # (a view: summed where it is)
            k(fa, db.ravel(), fa)
            return a
        out = _onp.empty(da.shape, dt)
        k(da.ravel(), db.ravel(), out.ravel())
        return wrap(out)
    return add(a, b)


_ADD = ROWS['add']


# ---- where and clip (selections; their kernels are in kernels/binary.py) -------------------
def _where_backward(node, grads, needs):
    # select, not multiply by a mask: a NaN or inf upstream gradient stays in the branch
    # taken (``g * 0`` would leak NaN into the other one; MXNet's where_backward selects)
    cond, a, b = node.inputs
    g = grads[0]
    ga = unbroadcast(where(cond, g, 0), a.shape) if needs[1] else None
    gb = unbroadcast(where(cond, 0, g), b.shape) if needs[2] else None
    return None, ga, gb


_where_op = defop('where', _where_backward)


def _where_operand(v, other):
    """A Python scalar beside an array takes the array's dtype (as in arithmetic)."""
    if isinstance(v, _SCALARS) and isinstance(other, ndarray):
        return as_array(_onp.asarray(v, dtypes.scalar_result(other.dtype, v)))
    return as_array(v)


def _flat(d):
    f = d.flags
    if f.c_contiguous:
        return (d if f.writeable else d.copy()).reshape(-1)
    return _onp.ascontiguousarray(d).reshape(-1)


def where(condition, x, y):
    """``x`` where ``condition`` is true, else ``y``; broadcasting; differentiable in x and y."""
    cond, a, b = as_array(condition), _where_operand(x, y), _where_operand(y, x)
    try:
        shape = _onp.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"where: condition, x and y could not be broadcast together with "
                         f"shapes {cond.shape}, {a.shape} and {b.shape}") from None
    dt = promote(a.dtype, b.dtype)
    out = _onp.empty(shape, dt)
    if out.size:
        c = _flat(_onp.broadcast_to(cond._data.astype(_onp.bool_, copy=False), shape))
        K.where(c, _flat(_onp.broadcast_to(a._data.astype(dt, copy=False), shape)),
                _flat(_onp.broadcast_to(b._data.astype(dt, copy=False), shape)), out.reshape(-1))
    return result(_where_op, (cond, a, b), out)


def _clip_backward(node, grads, needs):
    x = node.inputs[0]
    lo, hi = node.attrs
    mask = None
    if lo is not None:
        mask = x >= lo
    if hi is not None:
        upper = x <= hi
        mask = upper if mask is None else logical_and(mask, upper)
    # the gradient passes at exactly a_min / a_max (MXNet); selected, not multiplied by the
    # mask, so a NaN or inf upstream gradient outside [a_min, a_max] gives 0 (as MXNet)
    return (where(mask, grads[0], 0),)


_clip_op = defop('clip', _clip_backward, params=('a_min', 'a_max'))


def clip(a, a_min=None, a_max=None):
    """Limit values to [a_min, a_max] (either may be None); differentiable."""
    x = as_array(a)
    if a_min is None and a_max is None:
        raise ValueError("clip: a_min and a_max cannot both be None")
    for what, v in (('a_min', a_min), ('a_max', a_max)):
        if v is not None and not isinstance(v, _SCALARS):
            raise TypeError(f"clip: {what} must be a real scalar or None (as in MXNet), "
                            f"got {type(v).__name__}")
    d = x._data
    lo = -_onp.inf if a_min is None else a_min
    hi = _onp.inf if a_max is None else a_max
    if d.dtype.kind != 'f' and (isinstance(lo, (float, _onp.floating)) or
                                isinstance(hi, (float, _onp.floating))):
        d = d.astype(dtypes.DEFAULT)
    out = _onp.empty(d.shape, d.dtype)
    if out.size:
        lo_v = d.dtype.type(max(lo, _onp.iinfo(d.dtype).min) if d.dtype.kind in 'iu' else lo)
        hi_v = d.dtype.type(min(hi, _onp.iinfo(d.dtype).max) if d.dtype.kind in 'iu' else hi)
        run(K.clip, _flat(d), lo_v, hi_v, out.reshape(-1))
    return result(_clip_op, (x,), out, (a_min, a_max))
