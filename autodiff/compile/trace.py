"""Record one call of a function, noting what the tape alone does not show.

Rule: every array the function reads is an input of the replay — its arguments, and the
arrays it closes over, marked or not (their current memory is read on every call).  So
anything computed from any array without a tape node must be recomputed on replay, and a
read of any array's values into Python makes the signature run eagerly.

While recording, a ``Trace`` is the thread's ``state.tracer``; the library reports to it
through the protocol of ``autodiff._state.Tracer``:

- ``on_op`` without a node: an array computed without a tape node — from a closed-over array
  (``np.exp(k)``, ``k.sum()``), a comparison ``x > 0``, ``detach()``, ``argmax``, any op
  under ``autograd.pause()``...  It is
  noted in ``derived`` with its operands: the compiler recomputes what it knows and refuses
  the rest, so a replay never reuses the recording call's data by mistake;
- ``on_draw``: a draw from ``np.random`` that is no op application (``randint``,
  ``choice``, ``shuffle``...): a replay would repeat it, so those signatures run eagerly.
  Draws that are op applications (dropout, and every continuous distribution, ``beta`` and
  ``chisquare`` included, whatever its parameters) come through ``on_op`` like any op; the
  compiler runs them as opaque steps that draw afresh on every replay, in the order the
  recording drew them (``draws``);
- ``on_read``: values read into Python, by library functions (``array_equal``...) and by
  ``ndarray``'s own methods (below).

An in-place write during the call (``x[...] = v``, ``x += y``: ``versions`` stamps it) sets
``wrote``: a replay would not repeat it, so those signatures run eagerly.

``ndarray.__bool__`` of an array (an ``if`` or ``while`` on data) is a branch: its truth is
noted in ``guards`` and checked on replay.  The other reads of array values into Python
(``float``, ``int``, ``item``, ``tolist``, ``asnumpy``, NumPy's ``__array__``) are noted in
``reads``; those signatures run eagerly.  Nothing is patched: ``state.tracer`` is per thread,
so recordings in several threads run at once, each told only of its own thread's calls
(``versions.last_write`` is process-wide: a write in another thread during a recording makes
that signature run eagerly, which is safe).  Arrays the
function creates from no array (``np.ones(3)``) count as inputs too: they are the same on
every call, so replaying them is merely exact.

The backward is traced the same way (``record_backward``): the eager ``engine.backward`` runs
under the trace with ``create_graph=True`` from stand-in head gradients (leaves marked
'null', so every rule's ops are recorded; ``lower`` makes them ones or program inputs), and
the gradients of the marked inputs are arrays with history like any result.  The rules of
ops the compiler runs opaquely (``opaque.FORWARDS``) run unrecorded behind one
``OPAQUE_GRAD`` node each, which ``lower`` turns into the op's eager backward as one step.
"""
import contextlib

import numpy as _onp

from .. import engine, versions
from .._state import state, Tracer
from ..errors import GraphError
from ..ndarray import ndarray, wrap
from ..ops.core import Op, output, record
from ..tape import Variable, tick
from . import opaque


class Trace(Tracer):
    """What one recording produced, and the hooks the library calls while it runs."""
    __slots__ = ('out', 'call_args', 'proxies', 'proxy_vars', 'reads', 'guards', 'derived',
                 'start', 'wrote', 'draws')

    def __init__(self):
        self.out = None
        self.call_args = ()
        self.proxies = {}       # id(proxy) -> arg position, for inputs without a mark
        self.proxy_vars = set()  # the proxies' tape Variables
        self.start = 0          # tape clock when fn was called: older nodes are not fn's
        self.reads = []         # names of value reads / draws that forbid compiling
        self.guards = []        # (array, truth seen) per branch on data
        self.derived = {}       # id(array) -> (name or Op, operands, attrs, array)
        self.wrote = False      # an in-place write (x[...] = v, x += y) ran during the call
        self.draws = []         # (tape clock, array) of the draws computed off the tape

    @staticmethod
    def dependent(x):
        """Whether ``x``'s value may change between calls: any array (an argument, a
        closed-over array, or something computed from them; see the module docstring)."""
        return isinstance(x, ndarray)

    # ---- the protocol (autodiff._state.Tracer) ----------------------------------------------
    def on_op(self, op, inputs, attrs, outs, node):
        """Note outputs computed off the tape (``node`` None); recorded ones are on the tape."""
        if node is not None:
            return
        if len(outs) == 1:
            self._derive(op, inputs, attrs, outs[0])
            if isinstance(op, Op) and opaque.draws(op.name):
                self.draws.append((tick(), outs[0]))
        else:                          # (several outputs: noted by name, not lowered)
            name = op if isinstance(op, str) else op.name
            for o in outs:
                self._derive(name, inputs, None, o)

    def _derive(self, name, operands, attrs, out):
        if id(out) in self.derived:
            return
        for a in operands:
            if isinstance(a, ndarray) or (isinstance(a, (tuple, list))
                                          and any(isinstance(b, ndarray) for b in a)):
                self.derived[id(out)] = (name, tuple(operands), attrs, out)
                return

    def on_draw(self, name):
        """A draw from np.random that is no op application: a replay would repeat it."""
        self.reads.append(f'np.random.{name}')

    def on_read(self, name, arrays, value=None):
        """Values read into Python: a branch (``__bool__``) is a guard, the rest forbid
        compiling."""
        if not any(self.dependent(a) for a in arrays):
            return
        if name == '__bool__':
            self.guards.append((arrays[0], bool(value)))
        else:
            self.reads.append(name)


@contextlib.contextmanager
def recording(train_mode=True):
    """Recording on (and training as ``train_mode``) in this thread, as
    ``autograd.record(train_mode)`` (the compiler sits below ``autograd`` and uses ``_state``
    directly)."""
    prev = state.recording, state.training
    state.recording, state.training = True, train_mode
    try:
        yield
    finally:
        state.recording, state.training = prev


def call(fn, args, names=()):
    """``fn(*args)``, the last ``len(names)`` arguments passed by those keywords."""
    if not names:
        return fn(*args)
    npos = len(args) - len(names)
    return fn(*args[:npos], **dict(zip(names, args[npos:])))


def record_call(fn, args, names=(), mark_args=False, train_mode=True):
    """Call ``fn`` on ``args`` (the last ones by the keywords ``names``) under
    ``record(train_mode=train_mode)`` with the notes above.

    ``mark_args``: every floating-point argument goes in as a stand-in sharing its memory
    and marked 'write', so the tape gives gradients toward all of them (a compiled call
    inside ``record()`` becomes one differentiable node).

    Inputs that are not marked (no ``attach_grad``) are passed as proxies sharing their
    memory, marked with ``grad_req='null'``, so everything computed from any input is on
    the tape.  Marked inputs
    (leaves; the caller refuses other arrays with history) are passed as they are, so
    their gradients go to them.
    """
    tr = Trace()
    call_args = []
    for pos, a in enumerate(args):
        if mark_args and a._data.dtype.kind == 'f':
            p = wrap(a._data)
            p.attach_grad('write')
            call_args.append(p)
        elif a._node is None:
            p = wrap(a._data)
            p.attach_grad('null')      # on the tape, but no gradient is computed for it
            tr.proxies[id(p)] = pos
            tr.proxy_vars.add(p._node)
            call_args.append(p)
        else:
            call_args.append(a)
    tr.call_args = tuple(call_args)
    outer = state.tracer
    try:
        state.tracer = tr
        with recording(train_mode):
            tr.start = tick()
            tr.out = call(fn, tr.call_args, names)
        tr.wrote = versions.last_write >= tr.start
    finally:
        state.tracer = outer
    return tr


# ---- the traced backward ------------------------------------------------------------------
def _opaque_grad_rule(node, grads, needs):
    raise GraphError(f"{node.op.name}: the compiler's stand-in for an opaque op's backward "
                     "is not differentiable")


# stand-in node of an opaque op's backward in the traced backward (``lower`` makes it
# ``opaque_grad`` values: the op's eager backward rule runs as one step on replay)
OPAQUE_GRAD = Op('opaque_grad', _opaque_grad_rule)


def _opaque_rule(node, grads, needs):
    """An opaque op's backward in the traced backward: its eager rule computes the values
    unrecorded, and one ``OPAQUE_GRAD`` node over the forward node's output, the incoming
    gradient and its inputs stands for them (attrs: the forward node, ``needs``)."""
    with opaque.Unrecorded(), opaque.kept_state(node.op, node.inputs):
        got = node.op.backward(node, grads, needs)
    ins = node.inputs
    which = [i for i, (g, need) in enumerate(zip(got, needs)) if need and g is not None]
    datas = tuple(_onp.ascontiguousarray(got[i]._data, dtype=ins[i].dtype) for i in which)
    outs = [wrap(d) for d in datas]
    record(OPAQUE_GRAD, (output(node), grads[0]) + tuple(ins), outs, datas,
           (node, tuple(needs), tuple(which)))
    res = [None] * len(ins)
    for i, o in zip(which, outs):
        res[i] = o
    return tuple(res)


def _rule_of(node):
    """The rule the traced backward runs for ``node``: an opaque op's stand-in, else its own."""
    if node.op.name in opaque.FORWARDS:
        return _opaque_rule
    return node.op.backward


def marked_arrays(tr, heads):
    """The marked leaves (not the stand-ins of unmarked arguments) the recorded ``heads``
    depend on, as arrays: what the traced backward differentiates."""
    deps = engine._collect(heads)
    found = {}
    for a in tr.call_args:
        v = a._node
        if v in deps and type(v) is Variable and v not in tr.proxy_vars:
            found.setdefault(v, a)
    for n in deps:
        if type(n) is Variable:
            continue
        for a in n.inputs:
            v = a._node
            if (type(v) is Variable and v in deps and v not in tr.proxy_vars
                    and v.grad_req != 'null'):
                found.setdefault(v, a)
    return [a for v, a in found.items() if v.grad_req != 'null']


class Backward:
    """The traced backward of a recording: ``seeds`` (one stand-in head gradient per head,
    marked 'null': the recorded backward starts from them), ``marked`` (the arrays
    differentiated), ``grads`` (their gradients, arrays with history; None where the
    gradient is a constant the lowering reads as such) and ``start`` (the tape clock when it
    began: later nodes are backward nodes)."""
    __slots__ = ('seeds', 'marked', 'grads', 'start')


def record_backward(tr, heads, marked):
    """Run the eager backward of ``heads`` toward ``marked`` with ``create_graph=True`` under
    the trace ``tr``, from head gradients of ones (stand-in leaves, so every rule's ops are
    recorded and seen), and return its ``Backward``.  Opaque ops' rules run unrecorded
    behind one ``OPAQUE_GRAD`` node each (``_rule_of``)."""
    bw = Backward()
    bw.marked = list(marked)
    bw.seeds = []
    for h in heads:
        s = wrap(_onp.ones(h.shape, h.dtype))
        s.attach_grad('null')
        bw.seeds.append(s)
    outer = state.tracer
    try:
        state.tracer = tr
        bw.start = tick()
        grads = engine.backward(heads, head_grads=bw.seeds, retain_graph=True,
                                create_graph=True, variables=bw.marked, rule_of=_rule_of)
    finally:
        state.tracer = outer
    derived = {id(rec[3]._data): rec[3] for rec in tr.derived.values()}
    bw.grads = []
    for g in grads:
        n = g._node
        if n is not None and n.op.name == 'constant_gradient':   # no history of its own
            g = derived.get(id(g._data), wrap(g._data))
        bw.grads.append(g)
    return bw
