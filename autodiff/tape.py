"""The tape: one ``Node`` per recorded op application, one ``Variable`` per marked array.

History lives on the arrays (``array._node``, ``array._idx``), so graphs recorded in
separate ``record()`` blocks connect.  A node keeps what its backward rule needs:
the input arrays, the raw output buffers and the op's parameters.  Backward without
``retain_graph`` frees those (``release``); the structure that remains tells a later
backward that the graph is gone.
"""
import itertools
import threading

_ids = itertools.count()


class _CurrentScope(threading.local):
    scope = None          # the innermost active autodiff.scope.Scope of this thread


current_scope = _CurrentScope()


def tick():
    """A fresh value of the tape clock: greater than every id handed out so far."""
    return next(_ids)


class Node:
    """One recorded application of ``op`` to ``inputs``.

    ``edges[i]`` is ``(parent, output_index)`` for an input with history, else None
    (a constant); it is read off the inputs when the op runs, so re-marking an input later does
    not rewire old graphs.  ``outputs`` holds the raw NumPy output buffers.
    ``retained`` is set by a ``create_graph`` pass that kept the graph: the gradient graph
    it recorded reuses this node, so a later backward through that gradient graph does
    not free it.
    ``scope`` is the innermost ``autodiff.scope.Scope`` active when the node was recorded
    (None outside any).  ``out_grads`` is set by a backward with ``retain_graph=True``: the
    gradients of the heads with respect to each output (a list, None where none flowed);
    None otherwise.
    """
    __slots__ = ('op', '_in', '_ed', '_ix', '_one', '_two', '_b', '_pb', '_ib', 'outputs',
                 'attrs', 'id', 'retained', 'scope', 'out_grads', '__weakref__')
    nondiff = False       # True on the node of an op that is not differentiable (NondiffNode)

    def __init__(self, op, inputs, outputs, attrs):
        self.op = op
        n = len(inputs)
        # One or two inputs (almost every op) are kept inline, without the tuples ``inputs``
        # and ``edges`` would hold: every tuple that refers to a node or an array is one
        # more object for Python's cyclic GC to walk on each full collection, and a long
        # recording triggers several; fewer tracked objects per op keep the per-op cost
        # flat (tests/autograd/test_gc_objects.py counts them).
        #   one input:  _in = x, _ed = x's node, _ix = x's output index
        #   two inputs: as one for the first, _b / _pb / _ib for the second
        if n == 1:
            x = inputs[0]
            self._one = True
            self._two = False
            self._in = x
            self._ed, self._ix = x._node, x._idx
        elif n == 2:
            a, b = inputs
            self._one = False
            self._two = True
            self._in = a
            self._ed, self._ix = a._node, a._idx
            self._b = b
            self._pb, self._ib = b._node, b._idx
        else:
            self._one = self._two = False
            if type(inputs) is not tuple:
                inputs = tuple(inputs)
            self._in = inputs
            self._ed = tuple([(x._node, x._idx) if x._node is not None else None
                              for x in inputs])
        self.outputs = outputs
        self.attrs = attrs
        self.id = next(_ids)
        self.retained = False
        self.scope = current_scope.scope
        self.out_grads = None

    @property
    def inputs(self):
        """The input arrays (a tuple; None once released)."""
        if self._one:
            return (self._in,)
        if self._two:
            return (self._in, self._b)
        return self._in

    @inputs.setter
    def inputs(self, value):
        self._spread()
        self._in = value

    @property
    def edges(self):
        """Per input ``(parent, output_index)``, or None for an input without history."""
        if self._one:
            p = self._ed
            return ((p, self._ix),) if p is not None else (None,)
        if self._two:
            pa, pb = self._ed, self._pb
            return ((pa, self._ix) if pa is not None else None,
                    (pb, self._ib) if pb is not None else None)
        return self._ed

    @edges.setter
    def edges(self, value):
        self._spread()
        self._ed = value

    def _spread(self):
        """Back to the general form (tuples) before ``inputs`` or ``edges`` is replaced."""
        if self._one or self._two:
            e, i = self.edges, self.inputs
            self._one = self._two = False
            self._in = i
            self._ed = e
            self._b = self._pb = None

    @property
    def freed(self):
        """Whether a backward without ``retain_graph`` released this node (its outputs are gone)."""
        return self.outputs is None

    @property
    def nout(self):
        return len(self.outputs) if self.outputs is not None else self.op.nout

    def release(self):
        """Drop saved values and parent links (backward without ``retain_graph``)."""
        self._one = self._two = False
        self._in = None
        self._ed = ()
        self._b = self._pb = None
        self.outputs = None
        self.out_grads = None


class Variable:
    """A marked array (``attach_grad``): holds its gradient buffer (None for
    ``grad_req='null'``) and ``grad_req``.

    Always a leaf (``edges`` is empty): marking a recorded intermediate cuts its history,
    as in MXNet 1.9.1, and ``detached`` is then True (as for a mark on a ``detach()``
    result), so the graph draws the cut.
    """
    __slots__ = ('grad', 'grad_req', 'edges', 'id', 'shape', 'dtype', 'detached', 'name',
                 '__weakref__')
    freed = False
    nondiff = False
    op = None
    _one = _two = False   # (Node's inline one- and two-input forms; a Variable uses ``edges``)

    def __init__(self, grad, grad_req, edges, shape, dtype, detached=False):
        self.grad = grad
        self.grad_req = grad_req
        self.edges = edges
        self.id = next(_ids)
        self.shape = shape
        self.dtype = dtype
        self.detached = detached
        self.name = None


class NondiffNode(Node):
    """The node of an op that is not differentiable (a comparison, ``argmax``...).

    It is recorded so that a backward through it reaches the variables behind it (a
    'write' variable then gets zeros, as in MXNet), but no gradient is ever computed
    toward it: the engine's ``needs`` is False for its consumers' edges to it.

    A backward does not release it: it saves nothing, and a mask reused in a later
    graph must still lead to the variables behind it (the engine leaves out a part
    behind it that was freed).
    """
    __slots__ = ()
    nondiff = True

    def release(self):
        """Kept as it is (see the class docstring)."""
