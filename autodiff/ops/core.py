"""The op table's machinery: ``Op`` (name + backward rule) and recording of results.

An op module computes outputs with a kernel and hands them to ``result`` /
``results``, which wrap them as arrays and, while recording, add a tape node.
Backward rules have the signature ``rule(node, grads, needs) -> tuple`` with one
gradient (or None) per input; they are written with the library's own ops, so
under ``create_graph=True`` the backward pass is itself recorded.

Destinations: an op made with ``defop(..., into=True)`` says its rule can write an
input's gradient into a buffer the engine offers.  The engine offers one (``needs`` is
then an ``Offer``: ``needs.into[i]`` the destination array or None) when input ``i`` is
a 'write' leaf whose whole gradient is this rule's (no other edge to it is left, none
handed it a gradient), the pass is not recorded and nothing in the graph reads the
leaf's old ``.grad``: the rule may compute the gradient straight into
``needs.into[i]`` and return that array, and the engine's delivery then has nothing to
copy (one gradient-sized buffer less at the step's peak).  ``destination(needs, i)``
reads it; a rule that ignores it is correct as before.
"""
from .._state import state
from ..anomaly import check_forward
from ..tape import Node, NondiffNode
from ..ndarray import ndarray, wrap

_OPS = {}
_new = object.__new__


class Op:
    """A differentiable (or not) operation: its name, backward rule, output count, parameter names."""
    __slots__ = ('name', 'backward', 'nout', 'params', 'custom', 'scalar_arg', 'into', 'fused')

    def __init__(self, name, backward=None, nout=1, params=(), custom=False, scalar_arg=None,
                 into=False):
        self.name = name
        self.backward = backward
        self.nout = nout
        self.params = params          # names of the values a node keeps in ``node.attrs``
        self.custom = custom          # True for user-defined autograd.Function classes
        self.scalar_arg = scalar_arg  # argument position of a Python scalar operand (attrs[0])
        self.into = into              # the rule can write a gradient into an offered buffer
        # ``fused(node, g, acc_a=None, acc_b=None) -> (grad_a, grad_b) or None``: a two-input
        # op's unrecorded rule in one kernel (``elementwise.fused_vjp``), used by the engine
        # in passes that are not recorded; None for the others
        self.fused = None

    def __repr__(self):
        return f"Op({self.name!r})"


def defop(name, backward=None, nout=1, params=(), scalar_arg=None, into=False):
    """Create and register an op; ``backward=None`` means not differentiable (never recorded).
    ``into=True``: its rule reads ``destination(needs, i)`` (see the module docstring)."""
    op = Op(name, backward, nout, params, scalar_arg=scalar_arg, into=into)
    _OPS.setdefault(name, []).append(op)
    return op


class Offer(tuple):
    """A rule's ``needs`` (one bool per input) carrying ``into``: per input the array the
    engine offers as the destination of that input's gradient, or None."""

    def __new__(cls, needs, into):
        self = tuple.__new__(cls, needs)
        self.into = into
        return self


def destination(needs, i):
    """The array offered for input ``i``'s gradient (write it there and return it), or None."""
    return needs.into[i] if type(needs) is Offer else None


def registered_ops():
    """All ops by name (several ops may share a name, e.g. array and scalar ``multiply``)."""
    return dict(_OPS)


def record(op, inputs, outs, datas, attrs=None, node_type=Node):
    """The one recording path: tie arrays ``outs`` (raw buffers ``datas``) to a new tape node of
    ``op`` applied to arrays ``inputs``, when recording, ``op`` is differentiable and an input
    has history.  Returns the node, or None when nothing was recorded.

    ``result``, ``results``, ``autograd.Function`` (``node_type`` its node class) and
    ``setitem`` (whose output is the written array) all record here.  An active
    ``autograd.compile`` recording (``state.tracer``, see ``_state.Tracer``) is told of
    every application (``on_op``), with the node or None (computed off the tape).
    """
    node = None
    if state.recording and op.backward is not None:
        for a in inputs:
            if a._node is not None:
                node = node_type(op, inputs, datas, attrs)
                for i, o in enumerate(outs):
                    o._node = node
                    o._idx = i
                break
    tracer = state.tracer
    if tracer is not None:
        tracer.on_op(op, inputs, attrs, outs, node)
    if node is not None and state.anomaly:
        check_forward(node)
    return node


def result(op, inputs, data, attrs=None):
    """Wrap one output buffer; record a node when recording and any input has history.

    The array is built here (``wrap`` inlined) and the common recorded case -- no
    ``autograd.compile`` tracer, no anomaly detection -- ties the node here too: this
    runs once per op, so each call layer saved is saved on every op.
    """
    out = _new(ndarray)
    out._data = data
    out._node = None
    out._idx = 0
    st = state
    if st.recording:
        if st.tracer is None and not st.anomaly:
            if op.backward is not None:
                for a in inputs:
                    if a._node is not None:
                        out._node = Node(op, inputs, (data,), attrs)
                        break
            return out
        record(op, inputs, (out,), (data,), attrs)
    elif st.tracer is not None:
        record(op, inputs, (out,), (data,), attrs)
    return out


def results(op, inputs, datas, attrs=None):
    """Wrap several output buffers produced by one op application (e.g. ``split``)."""
    outs = [wrap(d) for d in datas]
    if state.recording or state.tracer is not None:
        record(op, inputs, outs, tuple(datas), attrs)
    return outs


def _nondiff_rule(node, grads, needs):
    return (None,) * len(needs)


_NONDIFF_OPS = {}


def nondiff(name, operands, out):
    """Return ``out``, the result of non-differentiable op ``name`` on ``operands``.

    While recording, when an array operand has history, ``out`` gets a ``NondiffNode``:
    a backward through it reaches the variables behind it without computing a gradient
    toward it (MXNet: backward through ``argmax`` or ``x > 0`` gives zero gradients).
    Under ``autograd.compile``'s recording it stays off the tape, as before: the tracer
    is told (``on_op`` without a node) so a replay recomputes it.
    """
    tracer = state.tracer
    if not state.recording:
        if tracer is not None:
            tracer.on_op(name, operands, None, (out,), None)
        return out
    ins = tuple(a for a in operands if isinstance(a, ndarray))
    for a in ins:
        if a._node is not None:
            break
    else:
        if tracer is not None:
            tracer.on_op(name, operands, None, (out,), None)
        return out
    if tracer is not None:
        tracer.on_op(name, operands, None, (out,), None)
        out._why = (f"it is the result of {name}, which is not differentiable (inside "
                    "autograd.compile such results are recomputed, not recorded)")
        return out
    # a Python number beside one array (``x > 0.5``, ``0.5 < x``) is kept as the node's
    # ``scalar`` attribute at its position, as the arithmetic ops keep theirs (graphs and
    # exported symbols show it; ``gluon.SymbolBlock`` runs it again)
    sa = None
    if len(operands) == 2 and len(ins) == 1:
        sa = 0 if ins[0] is operands[1] else 1
    op = _NONDIFF_OPS.get((name, sa))
    if op is None:
        op = _NONDIFF_OPS[(name, sa)] = Op(name, _nondiff_rule, scalar_arg=sa,
                                            params=('scalar',) if sa is not None else ())
    out._node = NondiffNode(op, ins, (out._data,),
                            (operands[sa],) if sa is not None else None)
    return out


def output(node, i=0):
    """The i-th output of ``node`` as an array with history (for backward rules that need it)."""
    out = wrap(node.outputs[i])
    out._node = node
    out._idx = i
    return out


__all__ = ['Op', 'defop', 'record', 'result', 'results', 'output', 'nondiff', 'ndarray', 'wrap',
           'registered_ops', 'Offer', 'destination']
