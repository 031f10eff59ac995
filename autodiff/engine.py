"""Reverse-mode backward over the tape.

Kahn's algorithm from the heads: count each node's consumers inside the subgraph,
then process a node once all its consumers have handed it their gradients.  No
recursion, so graph depth is unbounded.  Gradients are summed with the library's
``add``; under ``create_graph`` the whole pass is recorded.

Who receives a gradient: a ``Variable`` (always a leaf: ``attach_grad()`` on an
intermediate cuts its history, as in MXNet 1.9.1) when it is processed.  A node of a
non-differentiable op (``tape.NondiffNode``: comparisons, ``argmax``...) is traversed but
never handed a gradient: its consumers' ``needs`` are False toward it, and the variables
behind it are reached without one (so 'write' writes zeros, as MXNet does).

Gradients straight into ``.grad``: in a pass that writes ``.grad`` and is not recorded, a
'write' leaf's contributions are summed into its ``.grad`` buffer (``_accumulate``), and
a rule whose op takes destinations (``ops.core.destination``: matmul's) is offered the
leaf's ``.grad`` to compute its gradient into (``_offer``) when that gradient is the
leaf's whole gradient and no buffer of the graph shares memory with ``.grad``; the
delivery then has nothing to copy.  ``.grad`` stays the same array (MXNet semantics).

Unrecorded passes (no ``create_graph``, no ``autograd.compile`` tracer): a two-input node
whose op has a fused rule (``Op.fused``: the rows with ``vjp_exprs``, e.g. multiply,
sin_grad) gets both gradients from one kernel call instead of its composed rule's ops.
The pass keeps the ids of the gradient arrays only it holds (``owned``: made by a fused
rule or by a sum of two contributions, while a slot of ``grads`` holds them; dropped when
their node is taken, since its rule may hand them on); a later contribution is summed
into such an array in place -- by the fused kernel itself (``acc_a`` / ``acc_b``) or by
the add kernel (``_accumulate``) -- instead of by a new ``add``.  Same sums in the same
order as the recorded pass's ``add`` ops (tests/autograd/test_fused_vjp.py).

Kept gradients: with ``retain_graph`` each op node traversed keeps the gradients of the
heads with respect to its outputs in ``Node.out_grads`` (the list the rule received; the
graph view shows them).  They live as long as the graph does -- about one extra array per
op output, the size of the forward values the graph already keeps -- and are replaced by
the next backward through the node or dropped when it is freed; without ``retain_graph``
nothing is kept.

Freeing: without ``retain_graph`` the nodes a pass traversed are released, and a later
pass through them raises ``FREED_MESSAGE`` (naming ``retain_graph=True``).  A pass with
``create_graph`` that retains its graph marks the nodes ``retained``: the gradient graph
it recorded reuses them, so a backward through that gradient graph does not free them
(e.g. the shared ``w.T`` of ``x @ w.T`` when both d/dx and d/dw are differentiated again).
"""
import gc as _gc

import numpy as _onp

from . import dtypes
from ._state import state
from .errors import GraphError, ShapeError, DTypeError, FREED_MESSAGE, typename
from .ndarray import ndarray, wrap
from .ops.core import Op, Offer
from .tape import Node, Variable
from . import versions as _versions
from .ops import binary as _binary
from .ops import methods as _methods  # noqa: F401  (attaches ndarray's operators and methods)
from .ops.shape import copy as _copy
from . import scalar_pass as _scalar_pass
from .anomaly import check_backward

_NO_HISTORY = ("cannot differentiate: this array has no recorded history. Call "
               "attach_grad() on the inputs and compute it inside autograd.record()")
_UNMARKED = ("it was computed outside autograd.record() (or under pause()), or only from "
             "arrays without history (unmarked inputs)")


def no_history(i, head):
    """The error for head ``i`` that has no history, naming the reason found: ``head._why``
    (set where history is knowingly dropped, e.g. ``np.array`` copying the values),
    ``detach()``, or else unmarked inputs / no recording."""
    why = getattr(head, '_why', None)
    if why is None:
        why = ("it came from detach(), which cuts the history"
               if getattr(head, '_detached', False) else _UNMARKED)
    return (f"head {i}: cannot differentiate: this array has no recorded history: {why}. "
            "Call attach_grad() on the inputs and compute it inside autograd.record()")


def _head_grad(i, head, g):
    if g is None:
        d = _onp.empty(head._data.shape, head._data.dtype)     # (numpy.ones: 2x the cost)
        d.fill(1)
        return wrap(d)
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
    """Consumer counts of every node reachable from the heads (iterative DFS).

    A node freed by an earlier backward raises ``FREED_MESSAGE`` — unless only
    non-differentiable nodes consume it (a mask such as ``h > 0`` reused in a later
    graph after ``h``'s graph was freed): no gradient would pass there, so it stays
    in the counts as an empty node (no edges, no gradient) and the pass goes on.
    """
    deps = {}
    stack = []
    freed = []
    for h in heads:
        n = h._node
        if n not in deps:
            deps[n] = 0
            stack.append(n)
    while stack:
        n = stack.pop()
        if type(n) is not Variable and n.outputs is None:      # (Node.freed, inlined)
            freed.append(n)                     # (checked below; a freed node has no edges)
            continue
        if n._one:                              # one input, stored inline (tape.Node)
            p = n._ed
            if p is not None:
                if p in deps:
                    deps[p] += 1
                else:
                    deps[p] = 1
                    stack.append(p)
            continue
        if n._two:                              # two inputs, stored inline (tape.Node)
            for p in (n._ed, n._pb):
                if p is not None:
                    if p in deps:
                        deps[p] += 1
                    else:
                        deps[p] = 1
                        stack.append(p)
            continue
        for e in n.edges:
            if e is not None:
                p = e[0]
                if p in deps:
                    deps[p] += 1
                else:
                    deps[p] = 1
                    stack.append(p)
    if freed:
        _check_freed(freed, deps, heads)
    return deps


def _check_freed(freed, deps, heads):
    """Raise ``FREED_MESSAGE`` unless every freed node reached is consumed only by
    non-differentiable nodes (rare: this scans the collected graph)."""
    for f in freed:
        if any(h._node is f for h in heads):
            raise GraphError(FREED_MESSAGE)
        for m in deps:
            if type(m) is Variable or m.nondiff or m.freed:
                continue
            if any(e is not None and e[0] is f for e in m.edges):
                raise GraphError(FREED_MESSAGE)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True,
             create_graph=False, variables=None, rule_of=None):
    """Back-propagate from ``heads``.

    Writes ``.grad`` of the marked variables (by their ``grad_req``), or, when
    ``variables`` is given, returns their gradients and leaves ``.grad`` alone.
    With ``create_graph`` the pass is recorded, and every returned gradient has
    history (one that does not depend on the variables is tied to its variable by a
    ``constant_gradient`` node, so it can be differentiated again, giving zeros).

    ``rule_of(node) -> rule`` (internal: ``autograd.compile``'s traced backward) picks the
    backward rule to run for each node instead of ``node.op.backward``.
    """
    if head_grads is None:
        head_grads = [None] * len(heads)
    if len(head_grads) != len(heads):
        raise ValueError(f"heads and head_grads must have the same length: {len(heads)} heads, "
                         f"{len(head_grads)} head gradients")
    for i, h in enumerate(heads):
        if not isinstance(h, ndarray):
            raise TypeError(f"head {i} is a {typename(h)}, not an autodiff array")
        if h._node is None:
            raise GraphError(no_history(i, h))
    wanted = None
    if variables is not None:
        wanted = {}
        for i, v in enumerate(variables):
            if not isinstance(v, ndarray):
                raise TypeError(f"variable {i} is a {typename(v)}, not an autodiff array")
            if type(v._node) is not Variable:
                raise GraphError(f"cannot differentiate with respect to the {i + 1}-th variable "
                                 f"(variables[{i}]) because it does not require gradient: "
                                 "call attach_grad() on it before computing the heads")
            wanted[v._node] = None
    hgs = [_head_grad(i, h, g) for i, (h, g) in enumerate(zip(heads, head_grads))]

    st = state
    prev = st.recording, st.training, st.views
    st.recording, st.training, st.views = create_graph, train_mode, True
    # Python's cyclic collector is paused for the pass: the pass allocates thousands of
    # objects that live until it ends (gradients, their slots, under create_graph the
    # nodes of the gradient graph), which no collection during it could free, yet every
    # 700 allocations one ran over them, and a full one over the whole heap (~1 us per
    # live object here: over half of W10b's time went to it).  Collection resumes after it.
    paused = _gc.isenabled()
    if paused:
        _gc.disable()
    try:
        deps = _collect(heads)
        leaves = None
        if not create_graph and not retain_graph and rule_of is None and st.tracer is None \
                and not st.anomaly and not hgs[0]._data.shape:
            # a graph of 0-d arrays: the whole pass in one kernel when every node is of its
            # case (scalar_pass.py), else None and the pass below
            leaves = _scalar_pass.run(deps, heads, hgs)
        if leaves is not None:
            for var, d in leaves:
                _deliver(var, wrap(d) if d is not None else None, wanted)
        else:
            grads = {}
            # a leaf with grad_req 'write' may get its contributions summed straight into .grad
            into_leaves = wanted is None and not create_graph
            for h, g in zip(heads, hgs):
                _accumulate(grads, h._node, h._idx, g)
            _pass(deps, grads, [n for n in grads if deps[n] == 0], wanted, retain_graph,
                  into_leaves, st.anomaly, rule_of, hgs)
        out = _results(variables, wanted, create_graph, hgs) if wanted is not None else None
    finally:
        st.recording, st.training, st.views = prev
        if paused:
            _gc.enable()
    if not retain_graph:
        for n in deps:
            if type(n) is not Variable and not n.retained:
                n.release()
    elif create_graph:
        # The recorded gradient graph reuses these nodes (their outputs and inputs): a later
        # backward through it must not free them under the forward graph's other users.
        for n in deps:
            if type(n) is not Variable:
                n.retained = True
    return out


def _results(variables, wanted, create_graph, head_grads=()):
    """The gradient of each variable: zeros when unreached, in the variable's dtype, each in
    a buffer of its own (as MXNet gives them): never a read-only broadcast view, a view of a
    head gradient or of another variable's gradient (``grad(a + b, [a, b])``)."""
    out = []
    taken = [h._data for h in head_grads]
    for v in variables:
        var = v._node
        g = wanted[var]
        if g is None:
            g = wrap(_onp.zeros(var.shape, var.dtype))
        elif g.dtype != var.dtype:
            g = g.astype(var.dtype)
        d = g._data
        if not d.flags.writeable or any(_onp.may_share_memory(d, t) for t in taken):
            g = _copy(g)                       # (recorded under create_graph)
        taken.append(g._data)
        if create_graph and g._node is None:
            g = _tie(g, v)
        out.append(g)
    return out


def _constant_gradient_rule(node, grads, needs):
    return (None,)


# A gradient that does not depend on the variable (e.g. of x * 2, or relu's g * (x > 0))
# has no history of its own; under create_graph it is tied to the variable by this node so
# that it can be differentiated again (its derivative is zero).
_CONSTANT_GRADIENT = Op('constant_gradient', _constant_gradient_rule)


def _tie(g, v):
    node = Node(_CONSTANT_GRADIENT, (v,), (g._data,), None)
    out = wrap(g._data)
    out._node = node
    return out


def _accumulate(grads, node, idx, g, into_leaves=False, owned=None):
    """Add gradient ``g`` to ``node``'s output ``idx`` in ``grads``.  ``owned`` (an
    unrecorded pass's): the ids of the gradient arrays in ``grads`` that only the pass holds
    (made by it); such an array is summed into in place, and a sum made here joins them."""
    slot = grads.get(node)
    if slot is None:
        slot = grads[node] = [None] * (1 if type(node) is Variable else len(node.outputs))
    old = slot[idx]
    if old is None:
        slot[idx] = g
        return
    was_owned = False
    if owned:
        was_owned = id(old) in owned
        if was_owned:
            owned.discard(id(old))          # (kept only while a slot holds it: ids are reused)
    if into_leaves and type(node) is Variable and not node.edges \
            and node.grad_req == 'write' and _binary.add_into(old._data, g._data,
                                                              node.grad._data):
        # summed in place into the leaf's .grad (no temporary, no copy at delivery);
        # the slot now holds .grad itself, which _deliver recognizes
        slot[idx] = node.grad
    elif owned is not None:                            # an unrecorded pass
        s = slot[idx] = _binary.add_unrecorded(old, g, was_owned)
        owned.add(id(s))
    else:
        slot[idx] = old + g


_NEED_ONE = (True,)
_NEED_TWO = {(a, b): (a, b) for a in (False, True) for b in (False, True)}


def _pass(deps, grads, ready, wanted, retain_graph, into_leaves, anomaly, rule_of=None,
          head_grads=()):
    """Process nodes in Kahn order: run each node's rule once its consumers are done.

    The per-node work is kept in this one loop (no helper call per node or per edge in
    the common cases): a one-input node (``tape.Node``'s inline form) and a parent's
    first gradient take short paths; the general ones go through ``_accumulate`` and
    ``_run_rule``.  What is checked per node: the rule returned one gradient per input,
    each of its input's shape (a wrong shape would otherwise broadcast silently further
    down); ``versions`` in-place writes only for nodes older than the newest write.
    ``rule_of(node)``, when given, picks the rule to run instead of the op's own
    (``autograd.compile``'s traced backward runs opaque ops' rules behind a stand-in).

    With ``into_leaves`` (an unrecorded pass writing ``.grad``) a node whose op takes
    destinations (``Op.into``) is offered its 'write' leaves' ``.grad`` arrays (``_offer``).
    """
    variable = Variable
    reads = []                             # (``_Reads`` of the graph, made at the first offer)
    pop, push = ready.pop, ready.append
    get = grads.get
    # an unrecorded pass: two-input rules fused into one kernel (``Op.fused``), and the
    # ids of the gradients only the pass holds (made by a fused rule or a sum), which a
    # later contribution is summed into in place (``_accumulate``, ``Op.fused``'s acc_*).
    # A gradient leaves the set when its node is taken: its rule may hand it on.
    plain = not state.recording and state.tracer is None and rule_of is None and not anomaly
    owned = set() if plain else None
    discard = owned.discard if plain else None
    while ready:
        n = pop()
        gs = grads.pop(n, None)
        if owned and gs is not None:
            for g in gs:
                discard(id(g))
        if type(n) is variable:                # a leaf: hand it its gradient
            _deliver(n, gs[0] if gs is not None else None, wanted)
            continue
        if retain_graph:                       # kept for the graph view (get_graph 'grad')
            n.out_grads = gs
        if n._one:                             # the common case, without tuples
            p = n._ed
            if p is None:
                continue
            if gs is not None and not p.nondiff:
                if len(gs) > 1:
                    gs = _fill(n, gs)
                if _versions.last_write > n.id:
                    _versions.check_node(n)
                in_grads = (n.op.backward if rule_of is None else rule_of(n))(n, gs, _NEED_ONE)
                if len(in_grads) != 1:
                    raise GraphError(f"backward of op {n.op.name!r} returned "
                                     f"{len(in_grads)} gradients for 1 inputs")
                if anomaly:
                    check_backward(n, in_grads)
                g = in_grads[0]
                if g is not None:
                    if g._data.shape != n._in._data.shape:
                        raise GraphError(f"backward of op {n.op.name!r} produced a gradient of "
                                         f"shape {g.shape} for an input of shape "
                                         f"{n._in.shape}")
                    slot = get(p)
                    if slot is None and (type(p) is variable or p.outputs is not None
                                         and len(p.outputs) == 1):
                        grads[p] = [g]             # a parent's first (only) gradient
                    else:
                        _accumulate(grads, p, n._ix, g, into_leaves, owned)
            c = deps[p] - 1
            deps[p] = c
            if c == 0:
                push(p)
            continue
        if n._two and gs is not None and len(gs) == 1 and rule_of is None and not anomaly:
            # two inputs, one output (most of the rest: binary arithmetic, matmul), stored
            # inline (tape.Node): the rule run and both edges handled here, without
            # _run_rule's general loops
            if _versions.last_write > n.id:
                _versions.check_node(n)
            p0, p1 = n._ed, n._pb
            n0 = p0 is not None and not p0.nondiff
            n1 = p1 is not None and not p1.nondiff
            op = n.op
            in_grads = None
            acc0 = acc1 = None
            if plain and n0 and n1 and op.fused is not None:
                # one kernel for both gradients, summed into a gradient a parent holds
                # already when the pass alone holds it
                if owned and p0 is not p1:
                    s0 = get(p0)
                    if s0 is not None and id(s0[n._ix]) in owned:
                        acc0 = s0[n._ix]
                    s1 = get(p1)
                    if s1 is not None and id(s1[n._ib]) in owned:
                        acc1 = s1[n._ib]
                in_grads = op.fused(n, gs[0], acc0, acc1)
            if in_grads is None:
                fresh = False
                needs = _NEED_TWO[n0, n1]
                if into_leaves and op.into:
                    into = _offer(n, n.edges, deps, grads, reads, head_grads)
                    if into is not None:
                        needs = Offer(needs, tuple(into))
                in_grads = op.backward(n, gs, needs)
                if len(in_grads) != 2:
                    raise GraphError(f"backward of op {op.name!r} returned {len(in_grads)} "
                                     "gradients for 2 inputs")
            else:
                fresh = True                       # (Op.fused: new arrays or acc0 / acc1)
            g0, g1 = in_grads
            if p0 is not None:
                if g0 is not None and g0 is not acc0:      # (acc0: summed in its slot)
                    if n0 and g0._data.shape != n._in._data.shape:
                        raise _bad_shape(n, g0, n._in)
                    if get(p0) is None and (type(p0) is variable or p0.outputs is not None
                                            and len(p0.outputs) == 1):
                        grads[p0] = [g0]           # a parent's first (only) gradient
                        if fresh:
                            owned.add(id(g0))
                    else:
                        _accumulate(grads, p0, n._ix, g0, into_leaves, owned)
                c = deps[p0] - 1
                deps[p0] = c
                if c == 0:
                    push(p0)
            if p1 is not None:
                if g1 is not None and g1 is not acc1:
                    if n1 and g1._data.shape != n._b._data.shape:
                        raise _bad_shape(n, g1, n._b)
                    if get(p1) is None and (type(p1) is variable or p1.outputs is not None
                                            and len(p1.outputs) == 1):
                        grads[p1] = [g1]
                        if fresh:
                            owned.add(id(g1))
                    else:
                        _accumulate(grads, p1, n._ib, g1, into_leaves, owned)
                c = deps[p1] - 1
                deps[p1] = c
                if c == 0:
                    push(p1)
            continue
        edges = n.edges
        if gs is None:
            in_grads = None
        else:
            into = (_offer(n, edges, deps, grads, reads, head_grads)
                    if into_leaves and n.op.into and rule_of is None else None)
            in_grads = _run_rule(n, gs, anomaly, rule_of, into)
        for i, e in enumerate(edges):
            if e is None:
                continue
            p = e[0]
            if in_grads is not None:
                g = in_grads[i]
                if g is not None:
                    if get(p) is None and (type(p) is variable or p.outputs is not None
                                           and len(p.outputs) == 1):
                        grads[p] = [g]             # a parent's first (only) gradient
                    else:
                        _accumulate(grads, p, e[1], g, into_leaves, owned)
            c = deps[p] - 1
            deps[p] = c
            if c == 0:
                push(p)


def _offer(n, edges, deps, grads, reads, head_grads):
    """Per input of ``n`` the ``.grad`` array its rule may write the input's gradient into,
    or None for all when there is none to offer.

    Offered: the ``.grad`` of a 'write' leaf for which ``n`` is the last consumer left and
    none has handed it a gradient yet (so this gradient is its whole gradient), when no
    buffer of the graph (a node's inputs or outputs, a head gradient) shares memory with
    that ``.grad``: the old values are then read by nobody (``_Reads``).
    """
    into = None
    for i, e in enumerate(edges):
        if e is None:
            continue
        p = e[0]
        if type(p) is Variable and p.grad_req == 'write' and deps[p] == 1 \
                and p.grad is not None and p not in grads:
            if not reads:
                reads.append(_Reads(deps, head_grads))
            if reads[0].free(p.grad._data):
                if into is None:
                    into = [None] * len(edges)
                into[i] = p.grad
    return into


class _Reads:
    """The buffers a backward pass may read: every node's saved inputs and outputs and the
    head gradients, as the ids of the arrays owning their memory (``odd`` keeps the few whose
    owner is not a plain NumPy array, checked with ``may_share_memory``)."""

    def __init__(self, deps, head_grads):
        owners = self.owners = set()
        odd = self.odd = []

        def add(d):
            b = d.base
            if b is None:
                owners.add(id(d))
            elif type(b) is _onp.ndarray and b.base is None:
                owners.add(id(b))
            else:
                odd.append(d)

        for n in deps:
            if type(n) is Variable or n.outputs is None:
                continue
            for x in n.inputs:
                add(x._data)
            for d in n.outputs:
                add(d)
        for g in head_grads:
            add(g._data)

    def free(self, buf):
        """True when no buffer of the pass shares memory with ``buf``."""
        b = buf.base
        if b is None or (type(b) is _onp.ndarray and b.base is None):
            if id(buf if b is None else b) in self.owners:
                return False
            return not any(_onp.may_share_memory(d, buf) for d in self.odd)
        return False                       # (a .grad that is itself an odd view: not offered)


def _fill(n, gs):
    """The output gradients of a multi-output node, zeros where none flowed."""
    return [g if g is not None else wrap(_onp.zeros_like(o)) for g, o in zip(gs, n.outputs)]


def _run_rule(n, gs, anomaly=False, rule_of=None, into=None):
    """Run the backward rule of multi-input node ``n`` on its output gradients ``gs``
    (``rule_of(n)``'s instead of the op's own when given); ``into``: the destinations
    offered (``_offer``), handed to the rule as ``needs.into``."""
    if len(gs) > 1:
        gs = _fill(n, gs)
    if _versions.last_write > n.id:
        _versions.check_node(n)
    edges = n.edges
    if len(edges) == 2:
        e0, e1 = edges
        needs = _NEED_TWO[e0 is not None and not e0[0].nondiff,
                          e1 is not None and not e1[0].nondiff]
    else:
        needs = tuple([e is not None and not e[0].nondiff for e in edges])
    if into is not None:
        needs = Offer(needs, tuple(into))
    in_grads = (n.op.backward if rule_of is None else rule_of(n))(n, gs, needs)
    if len(in_grads) != len(edges):
        raise GraphError(f"backward of op {n.op.name!r} returned {len(in_grads)} gradients "
                         f"for {len(edges)} inputs")
    for x, g, need in zip(n.inputs, in_grads, needs):
        if need and g is not None and g._data.shape != x._data.shape:
            raise _bad_shape(n, g, x)
    if anomaly:
        check_backward(n, in_grads)
    return in_grads


def _bad_shape(n, g, x):
    return GraphError(f"backward of op {n.op.name!r} produced a gradient of shape "
                      f"{g.shape} for an input of shape {x.shape}")


def _deliver(var, g, wanted):
    """Hand a variable its gradient: capture it (autograd.grad) or write/add into ``.grad``.

    ``g`` is None when the variable was reached but nothing flowed into it (e.g. through a
    ``constant_gradient`` node): 'write' then writes zeros, as MXNet does.
    """
    if wanted is not None:
        if var in wanted and g is not None:
            old = wanted[var]
            wanted[var] = g if old is None else old + g
        return
    req = var.grad_req
    if req == 'null':
        return
    buf = var.grad._data
    if g is var.grad and req == 'write':     # already summed into it by _accumulate
        return
    if g is None:
        if req == 'write':
            buf.fill(0)
    elif req == 'write':
        _onp.copyto(buf, g._data, casting='unsafe')
    else:
        buf += g._data.astype(buf.dtype, copy=False)


def _array_backward(self, out_grad=None, retain_graph=False, train_mode=True):
    """Compute gradients of this array with respect to the marked variables.

    A missing ``out_grad`` means ones of this array's shape.
    """
    backward([self], [out_grad], retain_graph=retain_graph, train_mode=train_mode)


_array_backward.__name__ = 'backward'
_array_backward.__qualname__ = 'ndarray.backward'
ndarray.backward = _array_backward     # (the engine sits above ndarray: it attaches the method)
