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
    # issue 14: stacking, picking, matrices, contractions (np-shape)
    'vstack': {'out': None},
    'copy': {'out': None},
    'take': {'out': None},
    'choose': {'out': None},
    'compress': {'out': None},
    'trace': {'out': None},
    'einsum': {'out': None},
    # statistics, sorting, nan-reductions (np-stats)
    'product': {'out': None},
    'all': {'out': None},
    'any': {'out': None},
    'alltrue': {'out': None},
    'sometrue': {'out': None},
    'std': {'out': None},
    'var': {'out': None},
    'average': {'out': None},
    'ptp': {'out': None},
    'cumsum': {'out': None},
    'nancumsum': {'out': None},
    'nancumprod': {'out': None},
    'nanmax': {'out': None, 'initial': None, 'where': True},
    'nanmin': {'out': None, 'initial': None, 'where': True},
    'nanprod': {'out': None, 'initial': None, 'where': True},
    'nanargmax': {'out': None, 'keepdims': False},
    'nanargmin': {'out': None, 'keepdims': False},
    'percentile': {'out': None},
    'quantile': {'out': None},
    'nanpercentile': {'out': None, 'method': 'linear'},
    'nanquantile': {'out': None, 'method': 'linear'},
    'nanmedian': {'out': None},
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
# np.linalg (autodiff/linalg.py)
LINALG = {
    'multi_dot': {'out': None},
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
    """``fn`` taking MXNet's extra keywords ``known`` ({keyword: accepted value}).

    The guard is a function with ``fn``'s own parameters plus the extra keywords as
    keyword-only ones (generated once, here): a call that gives none of them passes its
    arguments straight on, with no ``*args``/``**kwargs`` packing -- about a third of the
    generic wrapper's cost, which every guarded op paid (issue 18).  Functions whose
    signature cannot be copied that way (``*args``, positional-only parameters) get
    the generic wrapper.
    """
    own = inspect.signature(fn).parameters
    known = {k: v for k, v in known.items() if k not in own}   # fn's own keywords win
    if not known:
        return fn

    def slow(args, kwargs):
        """The call with extra keywords given: check them, run ``fn``, write ``out``."""
        out = None
        for k in [k for k in kwargs if k in known]:
            v = kwargs.pop(k)
            if k == _OUT:
                out = v
            elif k not in _ANY and not _same(v, known[k]):
                shown = f"<array of shape {v.shape}>" if hasattr(v, 'shape') else repr(v)
                raise NotImplementedError(
                    f"{where}.{fn.__name__}: {k}={shown} is not supported (MXNet 1.9.1 knows "
                    f"this argument; autodiff implements only {k}={known[k]!r})")  # (a tuple: any of them)
        r = fn(*args, **kwargs)
        return r if out is None else _write_out(where, fn.__name__, r, out)

    wrapper = _same_signature(fn, own, known, slow)
    if wrapper is None:
        def wrapper(*args, **kwargs):
            if not kwargs:
                return fn(*args)
            return slow(args, kwargs)
    return functools.wraps(fn)(wrapper)


_NOT_GIVEN = object()      # default of a guard's extra keywords: "not given"
_P = inspect.Parameter


def _same_signature(fn, own, known, slow):
    """The guard of ``_guard`` with ``fn``'s parameters spelled out, or None."""
    names = list(own) + list(known)
    if any(p.kind not in (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY) for p in own.values()) \
            or any(not n.isidentifier() or n.startswith('_g_') for n in names):
        return None
    pos = [n for n, p in own.items() if p.kind is _P.POSITIONAL_OR_KEYWORD]
    kwo = [n for n, p in own.items() if p.kind is _P.KEYWORD_ONLY]
    defaults = {n: p.default for n, p in own.items() if p.default is not _P.empty}

    def param(n):
        return f"{n}=_g_d[{n!r}]" if n in defaults else n
    head = [param(n) for n in pos] + ['*'] + [param(n) for n in kwo] + \
           [f"{n}=_g_M" for n in known]
    call = pos + [f"{n}={n}" for n in kwo]
    given = " and ".join(f"{n} is _g_M" for n in known)
    extra = ", ".join(f"{n!r}: {n}" for n in known)
    src = ("def _g_make(_g_fn, _g_slow, _g_M, _g_d):\n"
           f"    def _g_guard({', '.join(head)}):\n"
           f"        if {given}:\n"
           f"            return _g_fn({', '.join(call)})\n"
           f"        _g_kw = {{{', '.join(f'{n!r}: {n}' for n in kwo)}}}\n"
           f"        _g_kw.update((k, v) for k, v in {{{extra}}}.items() if v is not _g_M)\n"
           f"        return _g_slow(({', '.join(pos)}{',' if pos else ''}), _g_kw)\n"
           "    return _g_guard\n")
    guard = _make(src)(fn, slow, _NOT_GIVEN, defaults)
    # tracebacks name the guarded function, not the shared template
    guard.__code__ = guard.__code__.replace(co_name=fn.__name__, co_qualname=fn.__qualname__)
    return guard


@functools.lru_cache(maxsize=None)
def _make(src):
    """The ``_g_make`` factory of one guard template.  Most guards share a template (a
    ufunc's ``(x1, x2)`` with the same extra keywords): compiling each once cut the
    ~180 guards' share of ``import autodiff`` from ~30 ms to ~2 (issue 18, W4)."""
    namespace = {}
    exec(compile(src, "<autodiff._mxargs guard>", 'exec'), namespace)
    return namespace['_g_make']


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
