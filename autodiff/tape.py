"""The tape: one ``Node`` per recorded op application, one ``Variable`` per marked array.

History lives on the arrays (``array._node``, ``array._idx``), so graphs recorded in
separate ``record()`` blocks connect.  A node keeps what its backward rule needs:
the input arrays, the raw output buffers and the op's parameters.  Backward without
``retain_graph`` frees those (``release``); the structure that remains tells a later
backward that the graph is gone.
"""
import itertools

_ids = itertools.count()


def tick():
    """A fresh value of the tape clock: greater than every id handed out so far."""
    return next(_ids)


class Node:
    """One recorded application of ``op`` to ``inputs``.

    ``edges[i]`` is ``(parent, output_index)`` for an input with history, else None
    (a constant); it is captured when the op runs, so re-marking an input later does
    not rewire old graphs.  ``outputs`` holds the raw NumPy output buffers.
    ``marks`` is None, or ``{output_index: Variable}`` for outputs marked with
    ``attach_grad()`` (the engine hands those Variables this node's output gradients).
    ``retained`` is set by a ``create_graph`` pass that kept the graph: the gradient graph
    it recorded reuses this node, so a later backward through that gradient graph does
    not free it.
    """
    __slots__ = ('op', 'inputs', 'edges', 'outputs', 'attrs', 'id', 'freed', 'marks',
                 'retained', '__weakref__')

    def __init__(self, op, inputs, edges, outputs, attrs):
        self.op = op
        self.inputs = inputs
        self.edges = edges
        self.outputs = outputs
        self.attrs = attrs
        self.id = next(_ids)
        self.freed = False
        self.marks = None
        self.retained = False

    @property
    def nout(self):
        return len(self.outputs) if self.outputs is not None else self.op.nout

    def release(self):
        """Drop saved values and parent links (backward without ``retain_graph``)."""
        self.inputs = None
        self.outputs = None
        self.edges = ()
        self.freed = True


class Variable:
    """A marked array (``attach_grad``): holds its gradient buffer and ``grad_req``.

    ``edges`` is empty for a leaf; for a marked intermediate it is the producer, so
    gradients flow on to the leaves as in MXNet 2.x (the producer's ``marks`` name this
    Variable, and the engine delivers its gradient there).
    """
    __slots__ = ('grad', 'grad_req', 'edges', 'id', 'shape', 'dtype', 'detached', 'name',
                 '__weakref__')
    freed = False
    op = None

    def __init__(self, grad, grad_req, edges, shape, dtype, detached=False):
        self.grad = grad
        self.grad_req = grad_req
        self.edges = edges
        self.id = next(_ids)
        self.shape = shape
        self.dtype = dtype
        self.detached = detached
        self.name = None
