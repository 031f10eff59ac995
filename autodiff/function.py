"""``autograd.Function``: user-defined ops with their own forward and backward.

``forward`` runs with recording paused on the inputs; the call records one node
(its op named after the subclass) whose backward rule calls the user's
``backward`` and checks what comes back: one gradient per input, of its shape.

Higher order (``create_graph=True``) through a Function: its ``backward`` then runs
with recording on, so it is differentiable when it computes the input gradients with
library ops from the output gradients and the saved tensors.  Saved inputs keep their
history and saved outputs are replaced by the recorded outputs, so both are tracked.
What cannot be tracked gives gradients that are right but refuse to be differentiated
again: differentiating them raises a ``FunctionError`` instead of giving a silently wrong
derivative (the first-order results of ``create_graph=True`` are still usable).  That is
the case for:

- a class that sets ``once_differentiable = True``;
- a floating-point array in ``saved_tensors`` that is neither an input nor an output and
  has no history: it was computed inside ``forward`` (where recording is paused), so
  its dependence on the inputs is unknown;
- a non-zero input gradient without history although an output gradient had history:
  ``backward`` left the library (e.g. through ``asnumpy()``).
"""
from ._state import state
from .errors import FunctionError, typename
from .ndarray import ndarray, wrap
from .tape import Node
from .ops.core import Op, output, record


class Function:
    """Subclass and define ``forward(self, *inputs)`` and ``backward(self, *output_grads)``.

    ``save_for_backward(*arrays)`` keeps values for backward in ``self.saved_tensors``.
    An instance may be called once.  ``backward`` returns one gradient per input
    (a tuple, or a single array for one input), each of that input's shape; None
    in the tuple means a zero gradient (a bare None, a forgotten ``return``, is an error).  Set the class attribute ``once_differentiable = True``
    when ``backward`` cannot be differentiated (see the module docstring).
    """
    once_differentiable = False
    saved_tensors = ()
    _used = False

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
        if self._used:
            raise FunctionError(f"{name}: each Function instance can only be called once; "
                                "create a new instance for each call")
        self._used = True
        for i, x in enumerate(inputs):
            if not isinstance(x, ndarray):
                raise TypeError(f"{name}: input {i} is a {typename(x)}, not an autodiff array")
        prev = state.recording
        state.recording = False
        try:
            outputs = self.forward(*inputs)
        finally:
            state.recording = prev
        single = not isinstance(outputs, (tuple, list))
        raw = (outputs,) if single else tuple(outputs)
        for i, o in enumerate(raw):
            if not isinstance(o, ndarray):
                raise TypeError(f"{name}.forward: output {i} is a {typename(o)}, "
                                "not an autodiff array")
        outs = tuple(wrap(o._data) for o in raw)
        self._raw_outputs = raw
        op = Op(name, self._backward_rule, nout=len(outs), custom=True)
        node = record(op, inputs, outs, tuple(o._data for o in outs), None, _FunctionNode)
        if node is None:
            self._raw_outputs = None
        return outs[0] if single else outs

    # ---- backward -------------------------------------------------------------------
    def _backward_rule(self, node, grads, needs):
        if state.recording:                      # create_graph: the pass is being recorded
            return self._recorded_backward(node, grads, needs)
        return self._check(self.backward(*grads), node)

    def _recorded_backward(self, node, grads, needs):
        """``backward`` under create_graph: recorded when it can be differentiated; when it
        cannot, its results are tied to a node that raises if anything differentiates them."""
        name = type(self).__name__
        problem = None
        if self.once_differentiable:
            problem = f"{name} is marked once_differentiable"
        saved = self.saved_tensors
        tracked = []
        for i, t in enumerate(saved):
            tracked.append(self._tracked(t, node))
            if tracked[-1] is None and problem is None:
                problem = (f"{name}: saved_tensors[{i}] was computed inside forward, where "
                           "recording is paused, so it has no history. Save inputs or outputs "
                           "and compute it in backward; keep values that do not depend on the "
                           "inputs as plain attributes")
        if problem is not None:
            state.recording = False              # nothing here can be recorded usefully
            try:
                got = self._check(self.backward(*grads), node)
            finally:
                state.recording = True           # (we only get here while recording)
            return self._refusing(got, node, grads, problem)
        self.saved_tensors = tuple(tracked)
        try:
            got = self._check(self.backward(*grads), node)
        finally:
            self.saved_tensors = saved
        if any(g._node is not None for g in grads):
            for i, g in enumerate(got):
                if g is not None and needs[i] and g._node is None and g._data.any():
                    problem = (f"{name}.backward: gradient {i} has no history although the "
                               "output gradients it was given have: it was computed outside "
                               "the library's ops (e.g. through asnumpy()). Use autodiff ops "
                               f"in {name}.backward")
                    return self._refusing(got, node, grads, problem)
        return got

    def _tracked(self, t, node):
        """Saved tensor ``t`` as backward sees it under create_graph (None: untrackable)."""
        if not isinstance(t, ndarray) or t._node is not None or t._data.dtype.kind != 'f':
            return t
        if any(t is x for x in node.inputs):
            return t                             # an input without history: a constant
        for k, o in enumerate(self._raw_outputs):
            if t is o:
                return output(node, k)           # an output: use the recorded one
        return None

    def _refusing(self, got, node, grads, problem):
        """The gradients in ``got``, recorded as outputs of a node that depends on the
        Function's inputs and output gradients and raises ``problem`` when differentiated."""
        message = (f"create_graph=True cannot differentiate through {type(self).__name__}."
                   f"backward: {problem}")

        def refuse(n, gs, needs):
            raise FunctionError(message)
        srcs = tuple(node.inputs) + tuple(g for g in grads if g._node is not None)
        keep = [g for g in got if g is not None]
        op = Op(f"{type(self).__name__}.backward", refuse, nout=len(keep), custom=True)
        rnode = Node(op, srcs, tuple(g._data for g in keep), None)
        out, k = [], 0
        for g in got:
            if g is not None:
                g = wrap(g._data)
                g._node, g._idx = rnode, k
                k += 1
            out.append(g)
        return tuple(out)

    def _check(self, result, node):
        """One gradient per input, each an array of the input's shape (or None)."""
        name = type(self).__name__
        n_in = len(node.inputs)
        if result is None:
            # (a forgotten ``return``: MXNet errors too; a zero gradient would be silent)
            raise FunctionError(f"{name}.backward returned None; it must return one gradient "
                                f"per input ({n_in}) — is a 'return' missing? (Return zeros, "
                                "or None inside a tuple, for an input without a gradient)")
        got = (result,) if not isinstance(result, (tuple, list)) else tuple(result)
        if len(got) != n_in:
            raise FunctionError(f"{name}.backward returned {len(got)} gradients, but forward "
                                f"took {n_in} inputs; return one gradient per input")
        for i, (g, x) in enumerate(zip(got, node.inputs)):
            if g is None:
                continue
            if not isinstance(g, ndarray):
                raise FunctionError(f"{name}.backward: gradient {i} is a {typename(g)}, "
                                    "not an autodiff array")
            if g.shape != x.shape:
                raise FunctionError(f"{name}.backward: gradient {i} has shape {g.shape} but "
                                    f"input {i} has shape {x.shape}")
            if g.dtype != x.dtype:
                # as PyTorch does: cast to the input's dtype (recorded under create_graph),
                # so a float64 gradient does not leak float64 into a float32 graph
                got = got[:i] + (g.astype(x.dtype),) + got[i + 1:]
        return got


class _FunctionNode(Node):
    """The node of one Function call: releasing it (backward without ``retain_graph``)
    also drops the Function's ``saved_tensors``, so their buffers are freed while the
    outputs live on, as the saved inputs and outputs of built-in ops are."""
    __slots__ = ('function',)

    def __init__(self, op, inputs, outputs, attrs):
        Node.__init__(self, op, inputs, outputs, attrs)
        self.function = op.backward.__self__      # (the Function whose _backward_rule it is)

    def release(self):
        Node.release(self)
        fn = self.function
        if fn is not None:
            fn.saved_tensors = ()
            fn._raw_outputs = None
            self.function = None
