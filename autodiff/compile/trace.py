"""Record one call of a function and notice data-dependent Python control flow.

While tracing, the ndarray methods that turn array values into Python values
(``__bool__``, ``__float__``, ``__int__``, ``__index__``, ``item``, ``tolist``, ``asnumpy``,
``__array__``)
are wrapped: a call from the tracing thread is noted.  A program that read values back
into Python may take another path on other data, so it is never compiled.  Draws from
``np.random`` are noted the same way: replaying them would repeat the recorded draws.
"""
import threading

from .. import autograd
from .. import random as _random
from ..ndarray import ndarray, wrap
from ..tape import tick

_READS = ('__bool__', '__float__', '__int__', '__index__', 'item', 'tolist', 'asnumpy',
          '__array__')
_DRAWS = ('uniform', 'normal', 'randn', 'rand', 'randint', 'shuffle')
_lock = threading.Lock()


class Trace:
    """What one recording produced: the head, the arrays fn saw, and the value reads."""
    __slots__ = ('head', 'out', 'call_args', 'proxies', 'proxy_vars', 'reads', 'start')

    def __init__(self):
        self.head = self.out = None
        self.call_args = ()
        self.proxies = {}       # id(proxy) -> arg position, for inputs without a mark
        self.proxy_vars = set()  # the proxies' tape Variables
        self.start = 0          # tape clock when fn was called: older nodes are not fn's
        self.reads = []         # names of the value-reading methods called during the trace


def _spy(name, original, reads, thread):
    def method(*args, **kwargs):
        if threading.get_ident() == thread:
            reads.append(name)
        return original(*args, **kwargs)
    method.__name__ = name
    return method


def record_call(fn, args):
    """Call ``fn`` on ``args`` under ``record()``, with value reads noted.

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
    thread = threading.get_ident()
    with _lock:     # one patching trace at a time (the methods are class attributes)
        saved = {n: ndarray.__dict__[n] for n in _READS}
        saved_draws = {n: getattr(_random, n) for n in _DRAWS}
        try:
            for n, m in saved.items():
                setattr(ndarray, n, _spy(n, m, tr.reads, thread))
            for n, m in saved_draws.items():
                setattr(_random, n, _spy(f'np.random.{n}', m, tr.reads, thread))
            with autograd.record():
                tr.start = tick()
                tr.out = fn(*tr.call_args)
        finally:
            for n, m in saved.items():
                setattr(ndarray, n, m)
            for n, m in saved_draws.items():
                setattr(_random, n, m)
    return tr
