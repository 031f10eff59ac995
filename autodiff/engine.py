"""Reverse-mode backward over the tape.

Kahn's algorithm from the heads: count each node's consumers inside the subgraph,
then process a node once all its consumers have handed it their gradients.  No
recursion, so graph depth is unbounded.  Gradients are summed with the library's
``add``; under ``create_graph`` the whole pass is recorded.
"""
import numpy as _onp

from . import dtypes
from ._state import state
from .errors import GraphError, ShapeError, DTypeError, FREED_MESSAGE
from .ndarray import ndarray, wrap
from .tape import Variable

_NO_HISTORY = ("cannot differentiate: this array has no recorded history. Call "
               "attach_grad() on the inputs and compute it inside autograd.record()")


def _head_grad(i, head, g):
    if g is None:
        return wrap(_onp.ones(head.shape, head.dtype))
    if not isinstance(g, ndarray):
        g = wrap(dtypes.to_numpy(g, head.dtype))
    if g.shape != head.shape:
        raise ShapeError(f"head gradient {i} has shape {g.shape} but head {i} has shape "
                         f"{head.shape}; they must match")
    if g.dtype != head.dtype:
        raise DTypeError(f"head gradient {i} has dtype {g.dtype} but head {i} has dtype "
                         f"{head.dtype}; they must match")
    return g


def _collect(heads):
    """Consumer counts of every node reachable from the heads (iterative DFS)."""
    deps = {}
    stack = []
    for h in heads:
        n = h._node
        if n not in deps:
            deps[n] = 0
            stack.append(n)
    while stack:
        n = stack.pop()
        if n.freed:
            raise GraphError(FREED_MESSAGE)
        for e in n.edges:
            if e is not None:
                p = e[0]
                if p in deps:
                    deps[p] += 1
                else:
                    deps[p] = 1
                    stack.append(p)
    return deps


def backward(heads, head_grads=None, retain_graph=False, train_mode=True,
             create_graph=False, variables=None):
    """Back-propagate from ``heads``.

    Writes ``.grad`` of the marked variables (by their ``grad_req``), or, when
    ``variables`` is given, returns their gradients and leaves ``.grad`` alone.
    """
    if head_grads is None:
        head_grads = [None] * len(heads)
    if len(head_grads) != len(heads):
        raise ValueError(f"got {len(heads)} heads but {len(head_grads)} head gradients")
    for i, h in enumerate(heads):
        if not isinstance(h, ndarray):
            raise TypeError(f"head {i} is a {type(h).__name__}, not an autodiff array")
        if h._node is None:
            raise GraphError(f"head {i}: {_NO_HISTORY}")
    wanted = None
    if variables is not None:
        wanted = {}
        for i, v in enumerate(variables):
            if not isinstance(v._node, Variable):
                raise GraphError(f"cannot differentiate with respect to the {_ordinal(i)} "
                                 "variable because it does not require gradient "
                                 "(call attach_grad() on it first)")
            wanted[v._node] = None
    hgs = [_head_grad(i, h, g) for i, (h, g) in enumerate(zip(heads, head_grads))]

    prev = state.recording, state.training
    state.recording, state.training = create_graph, train_mode
    try:
        deps = _collect(heads)
        grads = {}
        for h, g in zip(heads, hgs):
            _accumulate(grads, h._node, h._idx, g)
        ready = [n for n in grads if deps[n] == 0]
        while ready:
            n = ready.pop()
            gs = grads.pop(n, None)
            if type(n) is Variable:
                if gs is not None:
                    _deliver(n, gs[0], wanted)
                in_grads = (gs[0] if gs is not None else None,) if n.edges else ()
            elif gs is not None:
                in_grads = _run_rule(n, gs)
            else:
                in_grads = None
            for i, e in enumerate(n.edges):
                if e is None:
                    continue
                p = e[0]
                if in_grads is not None:
                    g = in_grads[i]
                    if g is not None:
                        _accumulate(grads, p, e[1], g)
                deps[p] -= 1
                if deps[p] == 0:
                    ready.append(p)
    finally:
        state.recording, state.training = prev
    if not retain_graph:
        for n in deps:
            if type(n) is not Variable:
                n.release()
    if wanted is not None:
        return [wanted[v._node] if wanted[v._node] is not None
                else wrap(_onp.zeros(v.shape, v.dtype)) for v in variables]
    return None


def _accumulate(grads, node, idx, g):
    slot = grads.get(node)
    if slot is None:
        slot = grads[node] = [None] * (1 if type(node) is Variable else len(node.outputs))
    old = slot[idx]
    slot[idx] = g if old is None else old + g


def _run_rule(n, gs):
    if len(gs) > 1:
        gs = [g if g is not None else wrap(_onp.zeros_like(o)) for g, o in zip(gs, n.outputs)]
    needs = tuple(e is not None for e in n.edges)
    in_grads = n.op.backward(n, gs, needs)
    if len(in_grads) != len(n.edges):
        raise GraphError(f"backward of op {n.op.name!r} returned {len(in_grads)} gradients "
                         f"for {len(n.edges)} inputs")
    for x, g, need in zip(n.inputs, in_grads, needs):
        if need and g is not None and g.shape != x.shape:
            raise GraphError(f"backward of op {n.op.name!r} produced a gradient of shape "
                             f"{g.shape} for an input of shape {x.shape}")
    if state.anomaly:
        from .anomaly import check_backward
        check_backward(n, in_grads)
    return in_grads


def _deliver(var, g, wanted):
    """Hand a variable its gradient: capture it (autograd.grad) or write/add into ``.grad``."""
    if wanted is not None:
        if var in wanted:
            old = wanted[var]
            wanted[var] = g if old is None else old + g
        return
    req = var.grad_req
    if req == 'null':
        return
    buf = var.grad._data
    if req == 'write':
        _onp.copyto(buf, g._data, casting='unsafe')
    else:
        buf += g._data.astype(buf.dtype, copy=False)


def _ordinal(i):
    return f"{i}-th"
