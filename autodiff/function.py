"""``autograd.Function``: user-defined ops with their own forward and backward.

``forward`` runs with recording paused on the inputs; the call records one node
(its op named after the subclass) whose backward rule calls the user's
``backward`` and checks what comes back: one gradient per input, of its shape.
"""
from ._state import state
from .errors import FunctionError
from .ndarray import ndarray, wrap
from .tape import Node
from .ops.core import Op


class Function:
    """Subclass and define ``forward(self, *inputs)`` and ``backward(self, *output_grads)``.

    ``save_for_backward(*arrays)`` keeps values for backward in ``self.saved_tensors``.
    An instance may be called once.  ``backward`` returns one gradient per input
    (a tuple, or a single array for one input), each of that input's shape.
    """
    _op_cache = {}

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        """Keep ``args`` for ``backward`` (as ``self.saved_tensors``)."""
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def backward(self, *output_grads):
        raise NotImplementedError(f"{type(self).__name__} must define backward()")

    def __call__(self, *inputs):
        name = type(self).__name__
        if getattr(self, '_used', False):
            raise FunctionError(f"{name}: each Function instance can only be called once; "
                                "create a new instance for each call")
        self._used = True
        for i, x in enumerate(inputs):
            if not isinstance(x, ndarray):
                raise TypeError(f"{name}: input {i} is a {type(x).__name__}, not an autodiff array")
        prev = state.recording
        state.recording = False
        try:
            outputs = self.forward(*inputs)
        finally:
            state.recording = prev
        single = not isinstance(outputs, (tuple, list))
        outs = (outputs,) if single else tuple(outputs)
        for i, o in enumerate(outs):
            if not isinstance(o, ndarray):
                raise TypeError(f"{name}.forward: output {i} is a {type(o).__name__}, "
                                "not an autodiff array")
        outs = tuple(wrap(o._data) for o in outs)
        if state.recording and any(x._node is not None for x in inputs):
            op = Op(name, self._backward_rule, nout=len(outs), custom=True)
            edges = tuple((x._node, x._idx) if x._node is not None else None for x in inputs)
            node = Node(op, inputs, edges, tuple(o._data for o in outs), None)
            for i, o in enumerate(outs):
                o._node, o._idx = node, i
        return outs[0] if single else outs

    def _backward_rule(self, node, grads, needs):
        name = type(self).__name__
        result = self.backward(*grads)
        n_in = len(node.inputs)
        got = (result,) if not isinstance(result, (tuple, list)) else tuple(result)
        if len(got) != n_in:
            raise FunctionError(f"{name}.backward returned {len(got)} gradients, but forward "
                                f"took {n_in} inputs; return one gradient per input")
        checked = []
        for i, (g, x) in enumerate(zip(got, node.inputs)):
            if g is None:
                checked.append(None)
                continue
            if not isinstance(g, ndarray):
                raise FunctionError(f"{name}.backward: gradient {i} is a {type(g).__name__}, "
                                    "not an autodiff array")
            if g.shape != x.shape:
                raise FunctionError(f"{name}.backward: gradient {i} has shape {g.shape} but "
                                    f"input {i} has shape {x.shape}")
            checked.append(g)
        return tuple(checked)
