"""Keyword arguments MXNet 1.9.1 knows that autodiff does not implement: a clear error.

MXNet's ``np.add(x, y, where=m)``, ``np.zeros(3, order='F')``, ``np.sum(x, initial=1)``
... either work there or raise NotImplementedError; here a function that does not
implement such a keyword raises ``NotImplementedError`` naming it (not a TypeError
about an unexpected argument, nor a silent ignore).  A keyword given its MXNet default
is accepted.  ``out=`` (which MXNet takes almost everywhere) is implemented here once
for every function listed with it: the result is written into ``out`` (of the result's
shape; cast to its dtype) and ``out`` is returned, with the rules of ``x[...] = y``.

The table below is taken from MXNet 1.9.1's signatures (``inspect.signature`` of
``mxnet.np`` / ``mxnet.npx`` functions) minus what autodiff's own functions take.
"""
import functools
import inspect

from .ndarray import ndarray

# MXNet's ufuncs take ``**kwargs`` and refuse these unless they have NumPy's default
_UFUNC = {'where': True, 'casting': 'same_kind', 'order': 'K', 'dtype': None, 'subok': True}
_OUT = 'out'

# MXNet's ufuncs: every elementwise op row (``ops/elementwise.py`` marks its public function
# ``ufunc = True``) takes ``UFUNC`` below; NP lists the other functions
UFUNC = dict(_UFUNC, out=None)

# name -> {keyword: accepted value}; 'out' in the dict means out= is supported
NP = {
    'sum': {'dtype': None, 'initial': None, 'out': None, 'where': True},
    'mean': {'dtype': None, 'out': None, 'where': True},
    'prod': {'dtype': None, 'out': None, 'initial': None, 'where': True},
    'max': {'out': None, 'initial': None, 'where': True},
    'min': {'out': None, 'initial': None, 'where': True},
    'amax': {'out': None, 'initial': None, 'where': True},
    'amin': {'out': None, 'initial': None, 'where': True},
    'argmax': {'out': None},
    'argmin': {'out': None},
    'clip': {'out': None},
    'concatenate': {'out': None},
    'stack': {'out': None},
    'dot': {'out': None},
    'matmul': {'out': None},
    'flip': {'out': None},
    'reshape': {'out': None},
    'squeeze': {'out': None},
    'round': {'decimals': 0, 'out': None},
    'around': {'decimals': 0, 'out': None},
    'round_': {'decimals': 0, 'out': None},
    'ravel': {'order': 'C'},
    'full': {'out': None},
    'zeros_like': {'order': 'C', 'out': None},
    'ones_like': {'order': 'C', 'out': None},
    'full_like': {'order': 'C', 'out': None},
    'empty_like': {'order': 'C', 'subok': False, 'shape': None},
}
NPX = {
    'relu': {'out': None, 'name': None},
    'sigmoid': {'out': None, 'name': None},
    'softmax': {'length': None, 'temperature': None, 'dtype': None, 'use_length': None,
                'out': None, 'name': None},
    'log_softmax': {'temperature': None, 'dtype': None, 'use_length': None, 'out': None,
                    'name': None},
    'multibox_prior': {'out': None, 'name': None},
    'multibox_detection': {'out': None, 'name': None},
    'roi_pooling': {'out': None, 'name': None},
}
# ndarray methods (each guarded in the class body of autodiff/ndarray.py)
METHODS = {
    'astype': {'order': ('K', 'C'), 'casting': 'unsafe', 'subok': True},
    'copy': {'order': 'C'},
    'sum': {'dtype': None, 'out': None},
    'mean': {'dtype': None, 'out': None},
    'prod': {'dtype': None, 'out': None},
    'max': {'out': None},
    'min': {'out': None},
    'argmax': {'out': None},
    'argmin': {'out': None},
    'clip': {'out': None},
    'dot': {'out': None},
}
_ANY = ('name',)          # a symbol name in MXNet: any value is fine


def _same(value, default):
    """Whether ``value`` is the accepted ``default`` (a tuple: one of several)."""
    if value is default:
        return True
    if isinstance(default, tuple):
        return any(_same(value, d) for d in default)
    try:
        return bool(value == default)
    except Exception:
        return False


def guard(fn, where, known):
    """``fn`` taking MXNet's extra keywords ``known`` ({keyword: accepted value})."""
    own = inspect.signature(fn).parameters
    known = {k: v for k, v in known.items() if k not in own}   # fn's own keywords win
    if not known:
        return fn
    takes_out = _OUT in known

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not kwargs:
            return fn(*args)
        out = None
        for k in [k for k in kwargs if k in known]:
            v = kwargs.pop(k)
            if k == _OUT and takes_out:
                out = v
            elif k not in _ANY and not _same(v, known[k]):
                shown = f"<array of shape {v.shape}>" if hasattr(v, 'shape') else repr(v)
                raise NotImplementedError(
                    f"{where}.{fn.__name__}: {k}={shown} is not supported (MXNet 1.9.1 knows "
                    f"this argument; autodiff implements only {k}={known[k]!r})")  # (a tuple: any of them)
        r = fn(*args, **kwargs)
        return r if out is None else _write_out(where, fn.__name__, r, out)
    return wrapper


def _write_out(where, name, r, out):
    if not isinstance(out, ndarray):
        raise TypeError(f"{where}.{name}: out must be an autodiff array, got "
                        f"{type(out).__name__}")
    if out.shape != r.shape:
        raise ValueError(f"{where}.{name}: out has shape {out.shape}, the result has shape "
                         f"{r.shape}")
    return out._inplace(r)


def apply(namespace, table, where):
    """Replace each function of ``table`` in ``namespace`` (a module's globals) by its guard,
    and each other ufunc (a function marked ``ufunc``) by its guard with ``UFUNC``."""
    for name, fn in list(namespace.items()):
        if name in table:
            namespace[name] = guard(fn, where, table[name])
        elif getattr(fn, 'ufunc', False) and not name.startswith('_'):
            namespace[name] = guard(fn, where, UFUNC)
