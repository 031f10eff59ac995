"""Elementwise binary ops with NumPy broadcasting, scalar operands, comparisons, where, clip.

Gradients are summed back to each input's shape with ``unbroadcast``.  A Python
scalar operand is kept out of the graph as an op parameter (``scalar``), so
``y * 1.01`` costs one kernel call and records one node.
"""
import numpy as _onp

from .. import dtypes
from ..errors import ShapeError, DTypeError
from ..kernels import binary as K
from ..ndarray import ndarray
from .core import defop, result, output, wrap, nondiff
from .convert import as_array
from .launch import launch, PARALLEL_MIN
from .shape import unbroadcast
from . import unary

_SCALARS = (int, float, bool, _onp.integer, _onp.floating, _onp.bool_)
_REVERSED = {K.ADD: K.ADD, K.MULTIPLY: K.MULTIPLY, K.SUBTRACT: K.RSUBTRACT,
             K.DIVIDE: K.RDIVIDE, K.POWER: K.RPOWER, K.MOD: K.RMOD,
             K.MAXIMUM: K.MAXIMUM, K.MINIMUM: K.MINIMUM}
_SWAPPED_CMP = {K.EQUAL: K.EQUAL, K.NOT_EQUAL: K.NOT_EQUAL, K.LESS: K.GREATER,
                K.LESS_EQUAL: K.GREATER_EQUAL, K.GREATER: K.LESS, K.GREATER_EQUAL: K.LESS_EQUAL,
                K.LOGICAL_AND: K.LOGICAL_AND, K.LOGICAL_OR: K.LOGICAL_OR,
                K.LOGICAL_XOR: K.LOGICAL_XOR}


def _flat(d):
    """``d`` as a 1-D C-contiguous writable buffer (a view when it already is one).

    Read-only views (e.g. a size-1 broadcast) are copied: for Numba a read-only array
    is another type, i.e. another signature to compile at first use.
    """
    f = d.flags
    if f.c_contiguous:
        return (d if f.writeable else d.copy()).reshape(-1)
    return _onp.ascontiguousarray(d).reshape(-1)


def _scalar_like(d):
    """The single value of a size-1 or fully broadcast (all strides 0) buffer, else None."""
    if d.size == 1 or (d.size and not any(d.strides)):
        return d[(slice(0, 1),) * d.ndim].reshape(1)    # (ravel would copy all of it)
    return None


def _broadcast(name, da, db):
    if da.shape == db.shape:
        return da.shape
    try:
        return _onp.broadcast_shapes(da.shape, db.shape)
    except ValueError:
        raise ShapeError(f"{name}: operands could not be broadcast together with shapes "
                         f"{da.shape} and {db.shape}") from None


def _run(name, code, da, db, out_dtype, array_kernel, scalar_kernel, reverse, out=None):
    """Compute ``da (op) db`` into a new buffer of the broadcast shape (or into ``out``:
    C-contiguous, of that shape and ``out_dtype``, overlapping neither operand)."""
    shape = _broadcast(name, da, db)
    if out is None:
        out = _onp.empty(shape, out_dtype)
    if out.size == 0:
        return out
    flat_out = out.reshape(-1)
    if da.shape == shape and db.shape == shape and (
            da.flags.c_contiguous and db.flags.c_contiguous):
        launch(array_kernel, code, _flat(da), _flat(db), flat_out)
        return out
    # a stride-0 (broadcast) operand, e.g. the gradient sum's backward hands on, is read
    # as a scalar: no contiguous copy of it is made
    sb = _scalar_like(db)
    if sb is not None:
        launch(scalar_kernel, code, _flat(_expand(da, shape)), sb[0], flat_out)
        return out
    sa = _scalar_like(da)
    if sa is not None:
        launch(scalar_kernel, reverse[code], _flat(_expand(db, shape)), sa[0], flat_out)
        return out
    launch(array_kernel, code, _flat(_expand(da, shape)), _flat(_expand(db, shape)), flat_out)
    return out


def _expand(d, shape):
    """``d`` broadcast to ``shape``; ``d`` itself when it has that shape (broadcast_to's view
    is read-only, and a read-only array is a separate Numba signature to compile)."""
    return d if d.shape == shape else _onp.broadcast_to(d, shape)


def add_into(da, db, out):
    """``out[...] = da + db`` for NumPy buffers of ``out``'s shape and dtype; False (nothing
    written) when that is not safe: ``out`` not C-contiguous or overlapping an operand
    (``da`` may be ``out`` itself: ``out += db``).

    The engine sums a leaf's gradient contributions straight into its ``.grad`` buffer
    with this, instead of a temporary and a copy.
    """
    dt = out.dtype
    if (da.dtype != dt or db.dtype != dt or da.shape != out.shape or db.shape != out.shape
            or dt.kind != 'f' or not out.flags.c_contiguous or out.size == 0
            or (da is not out and _onp.may_share_memory(out, da))
            or _onp.may_share_memory(out, db)):
        return False
    _run('add', K.ADD, da, db, dt, K.binary, K.binary_scalar, _REVERSED, out)
    return True


def promote(ta, tb):
    """Result dtype of two array dtypes: a float with an integer or bool gives that float
    (MXNet 1.9.1: float32 with int64 is float32); otherwise NumPy's promotion."""
    if ta == tb:
        return ta
    fa, fb = ta.kind == 'f', tb.kind == 'f'
    if fa != fb:
        return ta if fa else tb
    return _onp.result_type(ta, tb)


_BOOL_SUBTRACT = ("numpy boolean subtract, the `-` operator, is not supported; use the "
                  "logical_xor function (or `^`) instead, or cast to an integer type first")
_NEGATIVE_POWER = "Integers to negative integer powers are not allowed"


def _nonfloat_dtype(code, dt):
    """Result dtype of ``code`` when the promoted operand dtype ``dt`` is an integer or bool."""
    if code == K.DIVIDE or code == K.RDIVIDE:
        return dtypes.DEFAULT                      # int / int gives float32, as in MXNet
    if dt.kind == 'b':
        if code == K.SUBTRACT or code == K.RSUBTRACT:
            raise DTypeError(_BOOL_SUBTRACT)
        if code in (K.POWER, K.RPOWER, K.MOD, K.RMOD):
            return _onp.dtype(_onp.int64)
    return dt                                      # bool + bool is logical or, as NumPy's


def _check_int_power(code, exponent):
    """NumPy refuses integer arrays to negative integer powers (a silent 0 otherwise)."""
    if code == K.POWER and (exponent < 0).any():
        raise ValueError(_NEGATIVE_POWER)


def _binary(name, code, vjp):
    """Define array-array and array-scalar forms of an arithmetic op; return ``f(a, b)``."""
    def backward(node, grads, needs):
        a, b = node.inputs
        ga, gb = vjp(grads[0], output(node), a, b, needs)
        return (unbroadcast(ga, a.shape) if needs[0] else None,
                unbroadcast(gb, b.shape) if needs[1] else None)
    op = defop(name, backward)
    scalar_op = defop(name, _scalar_rule(name), params=('scalar',), scalar_arg=1)
    rscalar_op = defop(name, _rscalar_rule(name), params=('scalar',), scalar_arg=0)
    rcode = _REVERSED[code]

    def apply(a, b):
        if isinstance(b, _SCALARS) and isinstance(a, ndarray):
            return _with_scalar(scalar_op, code, a, b)
        if isinstance(a, _SCALARS) and isinstance(b, ndarray):
            return _with_scalar(rscalar_op, rcode, b, a)
        a, b = as_array(a), as_array(b)
        da, db = a._data, b._data
        dt = da.dtype
        if dt != db.dtype:
            dt = promote(dt, db.dtype)
        if dt.kind != 'f':
            dt = _nonfloat_dtype(code, dt)
            if dt.kind in 'iu':
                _check_int_power(code, db)
        if da.dtype != dt:
            da = da.astype(dt)
        if db.dtype != dt:
            db = db.astype(dt)
        return result(op, (a, b), _run(name, code, da, db, dt, K.binary, K.binary_scalar, _REVERSED))
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"Elementwise {name} with broadcasting (differentiable)."
    return apply


def _with_scalar(op, code, x, s):
    """``x (op) s`` (or ``s (op) x`` for the R* codes) with the scalar kept as a parameter."""
    d = x._data
    dt = d.dtype
    if dt.kind != 'f':                       # (a float array keeps its dtype)
        dt = dtypes.scalar_result(dt, s)
    if dt.kind != 'f':
        dt = _nonfloat_dtype(code, dt)
        if dt.kind in 'iu':
            if code == K.POWER and s < 0:
                raise ValueError(_NEGATIVE_POWER)
            if code == K.RPOWER:
                _check_int_power(K.POWER, d)
    if d.dtype != dt:
        d = d.astype(dt)
    out = _onp.empty(d.shape, dt)
    n = out.size
    if n >= PARALLEL_MIN:
        launch(K.binary_scalar, code, _flat(d), dt.type(s), out.reshape(-1))
    elif n:                        # small: no split, call the kernel directly
        K.binary_scalar(code, _flat(d), dt.type(s), out.reshape(-1))
    return result(op, (x,), out, (s,))


# Backward rules of the scalar forms: x is the array input, s the scalar, ans the result.
def _scalar_rule(name):
    rule = {
        'add': lambda g, ans, x, s: g,
        'subtract': lambda g, ans, x, s: g,
        'multiply': lambda g, ans, x, s: g * s,
        'divide': lambda g, ans, x, s: g / s,
        'power': lambda g, ans, x, s: g * s * x ** (s - 1) if s != 0 else g * 0,
        'maximum': lambda g, ans, x, s: g * (x >= s),      # a tie goes to the array (MXNet)
        'minimum': lambda g, ans, x, s: g * (x <= s),
        'mod': lambda g, ans, x, s: g,
    }[name]
    return _scalar_backward(rule, name in ('power',))


def _rscalar_rule(name):
    rule = {
        'add': lambda g, ans, x, s: g,
        'subtract': lambda g, ans, x, s: -g,
        'multiply': lambda g, ans, x, s: g * s,
        'divide': lambda g, ans, x, s: -g * ans / x,
        'power': lambda g, ans, x, s: g * ans * _log_scalar(s),
        'maximum': lambda g, ans, x, s: g * (x >= s),      # here too the array gets a tie (MXNet)
        'minimum': lambda g, ans, x, s: g * (x <= s),
        'mod': lambda g, ans, x, s: -g * unary.floor(s / x),
    }[name]
    return _scalar_backward(rule, name in ('divide', 'power'))


def _scalar_backward(rule, needs_ans):
    """The backward of a scalar-operand op from ``rule(g, ans, x, s)``; the result array
    ``ans`` is only built for the rules that use it (per-op overhead)."""
    if needs_ans:
        return lambda node, grads, needs: (rule(grads[0], output(node), node.inputs[0],
                                                node.attrs[0]),)
    return lambda node, grads, needs: (rule(grads[0], None, node.inputs[0], node.attrs[0]),)


def _log_scalar(s):
    return float(_onp.log(s)) if s > 0 else (float('-inf') if s == 0 else float('nan'))


def _power_vjp(g, ans, a, b, needs):
    ga = g * b * a ** (b - 1) if needs[0] else None
    gb = g * ans * unary.log(a) if needs[1] else None
    return ga, gb


# ---- the table (vjp(g, ans, a, b, needs) -> (grad_a, grad_b) before unbroadcast) ----------
add = _binary('add', K.ADD, lambda g, ans, a, b, n: (g, g))
subtract = _binary('subtract', K.SUBTRACT, lambda g, ans, a, b, n: (g, -g if n[1] else None))
multiply = _binary('multiply', K.MULTIPLY,
                   lambda g, ans, a, b, n: (g * b if n[0] else None, g * a if n[1] else None))
divide = _binary('divide', K.DIVIDE,
                 lambda g, ans, a, b, n: (g / b if n[0] else None, -g * ans / b if n[1] else None))
power = _binary('power', K.POWER, _power_vjp)
# ties go to the first operand (MXNet)
maximum = _binary('maximum', K.MAXIMUM,
                  lambda g, ans, a, b, n: (g * (a >= b) if n[0] else None, g * (a < b) if n[1] else None))
minimum = _binary('minimum', K.MINIMUM,
                  lambda g, ans, a, b, n: (g * (a <= b) if n[0] else None, g * (a > b) if n[1] else None))
mod = _binary('mod', K.MOD,
              lambda g, ans, a, b, n: (g, -g * unary.floor(a / b) if n[1] else None))
true_divide = divide
remainder = mod


# ---- comparisons and logical ops: bool arrays, not differentiable --------------------------
def _compare(name, code):
    def apply(a, b):
        if isinstance(b, _SCALARS) and isinstance(a, ndarray):
            d = a._data
            dt = _onp.result_type(d.dtype, b)
            if dt.kind in 'iub' and not _fits(b, dt):
                dt = _onp.dtype(_onp.float64)     # e.g. uint8_array < 300: compare exactly
            d = d if d.dtype == dt else d.astype(dt)
            out = _onp.empty(d.shape, _onp.bool_)
            if out.size:
                K.compare_scalar(code, _flat(d), dt.type(b), out.reshape(-1))
            return nondiff(name, (a, b), wrap(out))
        if isinstance(a, _SCALARS) and isinstance(b, ndarray):
            return apply_swapped(b, a)
        a, b = as_array(a), as_array(b)
        da, db = a._data, b._data
        dt = _onp.result_type(da.dtype, db.dtype)
        da = da if da.dtype == dt else da.astype(dt)
        db = db if db.dtype == dt else db.astype(dt)
        return nondiff(name, (a, b), wrap(_run(name, code, da, db, _onp.bool_, K.compare,
                                                K.compare_scalar, _SWAPPED_CMP)))

    swapped_code = _SWAPPED_CMP[code]

    def apply_swapped(arr, s):
        return _COMPARES[swapped_code](arr, s)
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"Elementwise {name} (bool result, not differentiable)."
    _COMPARES[code] = apply
    return apply


def _fits(s, dt):
    """Whether Python scalar ``s`` is representable in integer/bool dtype ``dt``."""
    if dt.kind == 'b':
        return isinstance(s, (bool, _onp.bool_))
    if not isinstance(s, (int, _onp.integer)):
        return False
    info = _onp.iinfo(dt)
    return info.min <= s <= info.max


_COMPARES = {}
equal = _compare('equal', K.EQUAL)
not_equal = _compare('not_equal', K.NOT_EQUAL)
less = _compare('less', K.LESS)
less_equal = _compare('less_equal', K.LESS_EQUAL)
greater = _compare('greater', K.GREATER)
greater_equal = _compare('greater_equal', K.GREATER_EQUAL)
logical_and = _compare('logical_and', K.LOGICAL_AND)
logical_or = _compare('logical_or', K.LOGICAL_OR)
logical_xor = _compare('logical_xor', K.LOGICAL_XOR)


# ---- where and clip ----------------------------------------------------------------------
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
        return wrap(_onp.asarray(v, dtypes.scalar_result(other.dtype, v)))
    return as_array(v)


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
        launch(_clip_kernel, None, _flat(d), lo_v, hi_v, out.reshape(-1))
    return result(_clip_op, (x,), out, (a_min, a_max))


def _clip_kernel(_code, a, lo, hi, out):
    K.clip(a, lo, hi, out)
