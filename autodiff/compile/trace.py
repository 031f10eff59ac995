"""Record one call of a function, noting what the tape alone does not show.

While tracing (one trace at a time, in the calling thread only):

- every public function of ``np``/``npx`` and every ``ndarray`` method is wrapped: an array
  it returns without history although an argument had history (or was itself such an
  array) is noted in ``derived`` with the call that made it (a comparison ``x > 0``,
  ``detach()``, ``argmax``...).  The compiler recomputes the ones it knows and refuses
  the others, so a replay never reuses data of the recording call by mistake;
- ``__bool__`` of such an array (an ``if`` or ``while`` on data) is a branch: its value is
  noted in ``guards``, and a replay checks it;
- other reads of such an array into Python (``float``, ``int``, ``item``, ``tolist``,
  ``asnumpy``, NumPy's ``__array__``) and draws from ``np.random`` are noted in ``reads``:
  those signatures run eagerly.
"""
import threading
import types

from .. import autograd, np as _np, npx as _npx
from .. import random as _random
from ..ndarray import ndarray, wrap
from ..tape import tick

_READS = ('__float__', '__int__', '__index__', 'item', 'tolist', 'asnumpy', '__array__')
_DRAWS = ('uniform', 'normal', 'randn', 'rand', 'randint', 'shuffle')
_DUNDER_NAMES = {'__gt__': 'greater', '__ge__': 'greater_equal', '__lt__': 'less',
                 '__le__': 'less_equal', '__eq__': 'equal', '__ne__': 'not_equal'}
# ndarray attributes left alone: reads (spied separately), bookkeeping, and the backward
_SKIP = set(_READS) | {'__bool__', '__init__', '__new__', '__repr__', '__str__', '__len__',
                       '__hash__', '__getattribute__', '__setattr__', '__getattr__',
                       '__array_priority__', '__class__', '__init_subclass__', '__reduce__',
                       '__reduce_ex__', '__sizeof__', '__format__', '__dir__', 'attach_grad',
                       'backward', 'drop_grad', '__setitem__', '__iadd__', '__isub__',
                       '__imul__', '__itruediv__', '__del__', '__copy__', '__deepcopy__'}
_lock = threading.Lock()


class Trace:
    """What one recording produced."""
    __slots__ = ('out', 'call_args', 'proxies', 'proxy_vars', 'reads', 'guards', 'derived',
                 'start', 'thread', 'depth')

    def __init__(self):
        self.out = None
        self.call_args = ()
        self.proxies = {}       # id(proxy) -> arg position, for inputs without a mark
        self.proxy_vars = set()  # the proxies' tape Variables
        self.start = 0          # tape clock when fn was called: older nodes are not fn's
        self.reads = []         # names of value reads / draws that forbid compiling
        self.guards = []        # (array, truth seen) per branch on data
        self.derived = {}       # id(array) -> (name, args, array): data computed off the tape
        self.thread = threading.get_ident()
        self.depth = 0

    def dependent(self, x):
        return isinstance(x, ndarray) and (x._node is not None or id(x) in self.derived)

    def _note(self, name, args, kwargs, out):
        if not any(self.dependent(a) or (isinstance(a, (tuple, list))
                                         and any(self.dependent(b) for b in a))
                   for a in list(args) + list(kwargs.values())):
            return
        for o in (out if isinstance(out, (tuple, list)) else (out,)):
            if isinstance(o, ndarray) and o._node is None and id(o) not in self.derived:
                self.derived[id(o)] = (name, args, o)


def _wrap_call(name, original, tr):
    def call(*args, **kwargs):
        if threading.get_ident() != tr.thread or tr.depth:
            return original(*args, **kwargs)
        tr.depth += 1
        try:
            out = original(*args, **kwargs)
        finally:
            tr.depth -= 1
        tr._note(name, args, kwargs, out)
        return out
    call.__name__ = getattr(original, '__name__', name)
    return call


def _spy_read(name, original, tr):
    def method(self, *args, **kwargs):
        value = original(self, *args, **kwargs)
        if threading.get_ident() == tr.thread and tr.dependent(self):
            if name == '__bool__':
                tr.guards.append((self, bool(value)))
            else:
                tr.reads.append(name)
        return value
    method.__name__ = name
    return method


def _spy_draw(name, original, tr):
    def draw(*args, **kwargs):
        if threading.get_ident() == tr.thread:
            tr.reads.append(f'np.random.{name}')
        return original(*args, **kwargs)
    return draw


def _patches(tr):
    """(owner, attribute name, replacement) for everything wrapped during a trace."""
    out = []
    for mod in (_np, _npx):
        for name in getattr(mod, '__all__', None) or dir(mod):
            f = getattr(mod, name, None)
            if isinstance(f, types.FunctionType) and not name.startswith('_'):
                out.append((mod, name, _wrap_call(name, f, tr)))
    for name, f in list(vars(ndarray).items()):
        if name in _SKIP or not isinstance(f, types.FunctionType):
            continue
        out.append((ndarray, name, _wrap_call(_DUNDER_NAMES.get(name, name.strip('_')), f, tr)))
    for name in _READS + ('__bool__',):
        out.append((ndarray, name, _spy_read(name, vars(ndarray)[name], tr)))
    for name in _DRAWS:
        out.append((_random, name, _spy_draw(name, getattr(_random, name), tr)))
    return out


def record_call(fn, args):
    """Call ``fn`` on ``args`` under ``record()`` with the notes above.

    Inputs that are not marked (no ``attach_grad``) are passed as marked proxies sharing
    their memory, so everything computed from any input is on the tape.  Marked inputs
    (leaves; the caller refuses other arrays with history) are passed as they are, so
    their gradients go to them.
    """
    tr = Trace()
    call_args = []
    for pos, a in enumerate(args):
        if a._node is None:
            p = wrap(a._data)
            p.attach_grad()
            tr.proxies[id(p)] = pos
            tr.proxy_vars.add(p._node)
            call_args.append(p)
        else:
            call_args.append(a)
    tr.call_args = tuple(call_args)
    with _lock:     # one patching trace at a time (the methods are class attributes)
        patches = _patches(tr)
        saved = [(owner, name, owner.__dict__[name] if isinstance(owner, type)
                  else getattr(owner, name)) for owner, name, _ in patches]
        try:
            for owner, name, f in patches:
                setattr(owner, name, f)
            with autograd.record():
                tr.start = tick()
                tr.out = fn(*tr.call_args)
        finally:
            for owner, name, f in saved:
                setattr(owner, name, f)
    return tr
