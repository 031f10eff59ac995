"""Lower a recorded tape (plus what the tracer saw) to the compiler's program form (``ir``).

Each tape node becomes one or a few primitive values (``log_softmax`` becomes max, subtract,
exp, sum, log, subtract), by the forward templates of ``rules`` and the structural code
below.  The backward is lowered the same way: the eager backward ran under the tracer with
``create_graph=True`` (``trace.record_backward``), so its rules' ops are tape nodes like the
forward ones, starting from stand-in head gradients (``seeds``: ones, or inputs of the
program holding the incoming head gradients); the marked inputs' gradients are then ordinary
values of the program.  The compiler differentiates nothing itself.

Arrays without history that the function computed outside the
tape (a comparison such as ``x > 0``, ``detach()``, anything computed from a closed-over
array) are lowered from the tracer's notes, so a replay recomputes them instead of reusing
the recorded data; an array without history and without such a note (a closed-over array,
one created from no array) is an input, read on every call.
An op outside the table that ``opaque`` takes becomes one opaque step (its eager code), and
its backward (a ``trace.OPAQUE_GRAD`` node) the op's eager backward rule as one step.
Anything else raises ``Unsupported`` with the reason; the caller then runs eagerly.
Last, a relu read only by a max pooling is fused into it, and a convolution read only by
that relu too (``window_fusion``).
"""
import math
import numbers

import numpy as _onp

from ..ndarray import ndarray
from ..ops.core import Op
from ..tape import Variable
from . import opaque, rules, window_fusion
from .trace import OPAQUE_GRAD
from .ir import BOOL, FLOATS, Builder, Unsupported, Value


class Leaf:
    """An input of the program: a function argument (``pos``) or an array it closed over.

    ``grad`` is True for a marked array whose gradient the program produces; ``reached``
    says whether the recorded backward reaches it (one it does not reach keeps its
    gradient; set by the caller, see ``compiled``).
    """
    __slots__ = ('pos', 'obj', 'var', 'grad', 'req', 'reached')

    def __init__(self, pos, obj, var, grad, req):
        self.pos, self.obj, self.var, self.grad, self.req = pos, obj, var, grad, req
        self.reached = True


class _OffTape:
    """An op applied to arrays without history, shaped like a tape node for ``_lower_node``."""
    __slots__ = ('op', 'inputs', 'attrs', 'outputs')
    nout = 1

    def __init__(self, op, inputs, attrs, out):
        self.op, self.inputs, self.attrs, self.outputs = op, tuple(inputs), attrs, (out._data,)


class Lowered:
    """The program: heads, guards (value, expected truth), inputs (``leaves``) and, when a
    traced backward was lowered, ``grads``: ``{input value id: gradient Value}`` of the
    marked inputs it differentiates."""
    __slots__ = ('builder', 'heads', 'guards', 'leaves', 'grads')


def _tape_nodes(arrays, start, derived, seen):
    """Tape nodes behind ``arrays`` (through the operands of derived arrays too), in
    recording order; ``seen`` (a set) gets the ids of the derived arrays met too."""
    nodes = []
    stack = list(arrays)
    while stack:
        x = stack.pop()
        if isinstance(x, ndarray):
            if x._node is None:
                rec = derived.get(id(x))
                if rec is not None and id(x) not in seen:
                    seen.add(id(x))
                    for a in rec[1]:               # its operands
                        stack.extend(a if isinstance(a, (tuple, list)) else (a,))
                continue
            x = x._node
        if x is None or id(x) in seen or type(x) is Variable or not hasattr(x, 'op'):
            continue
        n = x
        seen.add(id(n))
        if n.freed:
            raise Unsupported("the graph was freed by a backward inside the function")
        if n.id < start:
            raise Unsupported(f"an array recorded outside the function (by op {n.op.name!r}) "
                              "is used inside it")
        nodes.append(n)
        stack.extend(e[0] for e in n.edges if e is not None)
        stack.extend(a for a, e in zip(n.inputs, n.edges) if e is None)
    return sorted(nodes, key=lambda n: n.id)


def lower(heads, guards, tr, bw=None, seed_inputs=None):
    """The ``Lowered`` program of ``heads`` (arrays) given the trace ``tr``.

    ``bw`` (a ``trace.Backward``): lower its gradients too (``low.grads``).  Its seeds are
    constants of ones, or with ``seed_inputs`` (``{head index: input position}``) inputs of
    the program at those positions (for a tape node's backward: the head gradients).
    """
    b = Builder()
    low = Lowered()
    low.builder, low.leaves, low.grads = b, [], {}
    seeds = {}                                # seed Variable -> (head index, seed array)
    if bw is not None:
        for k, s in enumerate(bw.seeds):
            seeds[s._node] = (k, s)
    seed_values = {}
    leaf_values = {}                          # Variable (or ('const', id)) -> input Value
    arg_pos = {id(a): i for i, a in reversed(list(enumerate(tr.call_args)))}
    values = {}                               # (tape node, output index) -> Value
    off_tape = {}                             # id(derived array) -> Value

    def leaf(arr, var):
        key = var if var is not None else ('const', id(arr))
        v = leaf_values.get(key)
        if v is not None:
            return v
        if arr.dtype not in FLOATS and arr.dtype != BOOL and arr.dtype.kind not in 'iu':
            raise Unsupported(f"an input of dtype {arr.dtype} (only float32, float64, bool "
                              "and integer arrays are compiled)")
        pos = arg_pos.get(id(arr))
        if var is None:
            if b.backward and pos is None and _reads_forward(arr._data, nodes, bstart):
                raise Unsupported("a backward rule used a forward value without its history "
                                  "(a replay would reuse the recorded data)")
            lf = Leaf(pos, arr if pos is None else None, None, False, None)
        elif id(arr) in tr.proxies:
            lf = Leaf(pos, None, var, False, None)
        else:
            lf = Leaf(pos, arr if pos is None else None, var, var.grad_req != 'null',
                      var.grad_req)
        low.leaves.append(lf)
        v = leaf_values[key] = b.input(len(low.leaves) - 1, arr.shape, arr.dtype)
        return v

    def seed(p):
        v = seed_values.get(p)
        if v is None:
            k, s = seeds[p]
            if seed_inputs is None:
                b.origin = None
                v = b.full(1, s.shape, s.dtype)
            else:
                low.leaves.append(Leaf(seed_inputs[k], None, None, False, None))
                v = b.input(len(low.leaves) - 1, s.shape, s.dtype)
            v.backward = True
            seed_values[p] = v
        return v

    def value(arr, edge):
        if edge is not None:
            p = edge[0]
            if type(p) is Variable:
                if p in seeds:
                    return seed(p)
                if p.edges or p.id > tr.start:
                    raise Unsupported("a marked intermediate (attach_grad inside the function)")
                return leaf(arr, p)
            return values[(p, edge[1])]
        rec = tr.derived.get(id(arr))
        if rec is None:
            return leaf(arr, None)
        v = off_tape.get(id(arr))
        if v is None:
            v = off_tape[id(arr)] = derived(*rec)
        return v

    def operand(x):
        """A Value for an array operand of a derived record (history, derived or constant)."""
        if not isinstance(x, ndarray):
            raise Unsupported(f"an operand of type {type(x).__name__}")
        if x._node is not None:
            return value(x, (x._node, x._idx))
        return value(x, None)

    def derived(name, operands, attrs, out):
        b.origin = None
        if isinstance(name, Op):   # an op applied to off-tape arrays, or under pause()
            ins = [operand(x) for x in operands]
            v = _lower_node(b, _OffTape(name, operands, attrs, out), ins)[0]
            if any(x._node is not None for x in operands):
                v = b.stop(v)                  # (paused: no gradient flows through it)
            return v
        if name in ('detach', 'stop_gradient'):
            return b.stop(operand(operands[0]))
        if name == 'array':                    # np.array(x): a copy, cast to its dtype
            if out.dtype not in FLOATS and out.dtype != BOOL:
                raise Unsupported(f"np.array(..., dtype={out.dtype}) of an input")
            return b.cast(b.stop(operand(operands[0])), out.dtype)
        if name == 'reshape':                  # reshape to the same shape (shape.reshape)
            return b.reshape(operand(operands[0]), out.shape)
        logical = name in rules.LOGICAL
        if (name in rules.COMPARE or logical) and len(operands) == 2:
            named = {}
            for key, x in zip('ab', operands):
                scalar = isinstance(x, numbers.Real) and not isinstance(x, bool)
                named[key] = x if scalar else operand(x)
            cdt = _onp.result_type(*[v.dtype if isinstance(v, Value) else v
                                     for v in named.values()])
            if cdt not in FLOATS and not (logical and cdt == BOOL):
                raise Unsupported(f"{name} in dtype {cdt}")
            for key, x in named.items():
                if not isinstance(x, Value):
                    named[key] = b.scalar(x, cdt)
            tmpl = rules.LOGICAL[name] if logical else rules.COMPARE[name]
            return b.template(tmpl, BOOL, cdtype=cdt, shape=out.shape, **named)
        label = name if isinstance(name, str) else name.name
        raise Unsupported(f"{label}() of an array computed from the inputs (arguments or "
                          "arrays the function reads; its result is not recorded, so a "
                          "replay could not recompute it)")

    grads = [g for g in bw.grads if g is not None] if bw is not None else []
    reached = set()
    nodes = _tape_nodes(list(heads) + [a for a, _ in guards] + grads, tr.start, tr.derived,
                        reached)
    bstart = bw.start if bw is not None else None
    # off-tape draws are lowered when the tape reaches their time, so a replay's generator
    # gives the draws in the recording's order (on-tape draws are nodes, in order already)
    draws = [(clk, arr) for clk, arr in tr.draws if id(arr) in reached][::-1]

    def draws_until(t):
        while draws and draws[-1][0] < t:
            clk, arr = draws.pop()
            b.backward = bstart is not None and clk >= bstart
            value(arr, None)

    for n in nodes:
        draws_until(n.id)
        b.backward = bstart is not None and n.id >= bstart
        ins = [value(a, e) for a, e in zip(n.inputs, n.edges)]
        b.origin = n
        if n.op is OPAQUE_GRAD:
            outs = _opaque_grads(b, n, ins)
        else:
            outs = _lower_node(b, n, ins)
        for i, v in enumerate(outs):
            values[(n, i)] = v
    draws_until(float('inf'))
    b.origin = None
    if bw is not None:
        b.backward = True
        inputs = {lf.var: v for v in b.values if v.kind == 'input'
                  for lf in (low.leaves[v.attrs],) if lf.grad}
        for arr, g in zip(bw.marked, bw.grads):
            iv = inputs.get(arr._node)
            if iv is None or g is None:
                continue
            gv = value(g, (g._node, g._idx)) if g._node is not None else operand(g)
            if gv.shape != iv.shape:
                raise Unsupported(f"a gradient of shape {gv.shape} for an input of shape "
                                  f"{iv.shape}")
            low.grads[iv.id] = gv
        b.backward = False
    low.heads = [value(h, (h._node, h._idx)) if h._node is not None else operand(h)
                 for h in heads]
    low.guards = [(operand(a), bool(expect)) for a, expect in guards]
    roots = low.heads + list(low.grads.values()) + [v for v, _ in low.guards]
    window_fusion.fuse_relu_pool(b, roots)
    window_fusion.fuse_conv_relu_pool(b, roots)
    opaque_only = _read_by_opaque_steps_only(b.values)
    for v in b.values:
        if v.dtype not in FLOATS and v.dtype != BOOL and v.id not in opaque_only:
            raise Unsupported(f"a value of dtype {v.dtype}" + (
                " read by a compiled loop (integer arrays are taken as inputs of opaque "
                "steps only, e.g. embedding's indices)" if v.kind == 'input' else ""))
        if v.size == 0:
            raise Unsupported("an empty array")
    return low


def _read_by_opaque_steps_only(values):
    """Ids of the integer inputs that only opaque steps read (an op's own eager code takes
    them as they are; the generated loops compute in float and bool only)."""
    ints = {v.id for v in values if v.kind == 'input' and v.dtype.kind in 'iu'}
    for v in values:
        if v.kind not in ('opaque', 'opaque_grad'):
            ints.difference_update(a.id for a in v.args)
    return ints


# ---- one tape node ------------------------------------------------------------------------
def _constants(b, template, dt):
    """The module constants of a row template's literals (``rules.CONSTANTS``), in ``dt``."""
    return {k: b.scalar(v, dt) for k, v in rules.CONSTANTS.get(template, {}).items()}


def unary(b, name, x, dt):
    forward = rules.UNARY[name]
    v = b.template(forward, dt, x=x, **_constants(b, forward, dt))
    v.label = name
    return v


def binary(b, name, x, y, dt, shape=None):
    forward = rules.BINARY[name]
    v = b.template(forward, dt, shape=shape, a=x, b=y, **_constants(b, forward, dt))
    v.label = name
    return v


def _opaque_grads(b, n, ins):
    """The ``opaque_grad`` values of a ``trace.OPAQUE_GRAD`` node (inputs: the opaque op's
    output, its incoming gradient, its inputs): one per input its eager rule gave a
    gradient."""
    fwd_node, needs, which = n.attrs
    v = ins[0]
    if v.kind != 'opaque':
        raise Unsupported(f"the backward of {fwd_node.op.name!r} without its opaque forward")
    g = b.cast(ins[1], v.dtype)
    return [b.opaque_grad(v, g, i, needs) for i in which]


def _gemm_operand(x):
    """``(base, transposed)``: a 2-D transpose folded into the GEMM call (no copy)."""
    if x.kind == 'transpose' and x.attrs == (1, 0):
        return x.args[0], True
    return x, False


_BOOL_ARITH = {'multiply': 'logical_and', 'add': 'logical_or'}


def _lower_node(b, n, ins):
    op = n.op
    name = op.name
    if op.custom:
        raise Unsupported(f"custom Function {name!r}")
    if name == 'split':               # several outputs: slices along the axis (views)
        ax = n.attrs[1]
        start, outs = 0, []
        for o in n.outputs:
            stop = start + o.shape[ax]
            key = (slice(None),) * ax + (slice(start, stop), Ellipsis)
            outs.append(b.getitem(ins[0], key, o.shape))
            start = stop
        return outs
    if n.nout != 1:
        raise Unsupported(f"op {name!r} with several outputs")
    out = n.outputs[0]
    dt = out.dtype
    if (dt == BOOL and name in _BOOL_ARITH and len(ins) == 2
            and all(v.dtype == BOOL for v in ins)):
        # arithmetic on two masks stays a mask (NumPy): ``m1 * m2`` is and, ``m1 + m2`` or
        return [b.template(rules.LOGICAL[_BOOL_ARITH[name]], BOOL, shape=out.shape,
                           a=ins[0], b=ins[1])]
    if dt not in FLOATS:
        raise Unsupported(f"op {name!r} giving dtype {dt}")
    if op.scalar_arg is not None:
        s = n.attrs[0]
        rule = rules.scalar_rule(name, op.scalar_arg, s)
        if rule is None or isinstance(s, complex):
            raise Unsupported(f"op {name!r} with a scalar operand")
        return [b.template(rule, dt, x=ins[0], s=b.scalar(s, dt), **_constants(b, rule, dt))]
    if name in rules.UNARY and len(ins) == 1:
        return [unary(b, name, ins[0], dt)]
    if name in rules.BINARY and len(ins) == 2:
        return [binary(b, name, ins[0], ins[1], dt)]
    if name in rules.REDUCTIONS:
        axes, _keepdims = n.attrs
        x = ins[0]
        r = b.reduce(rules.REDUCTIONS[name], x, axes)
        if name == 'mean':
            count = math.prod(x.shape[i] for i in axes)
            r = b.template('{x} / {s}', dt, x=r, s=b.scalar(count, dt))
        return [b.reshape(r, out.shape)]
    if name == 'matmul':
        x, y = ins
        if len(x.shape) > 2 and len(y.shape) == 2:
            # (..., K) @ (K, M): one GEMM over the leading axes merged (a Dense layer with
            # flatten=False), viewed back
            x2 = b.reshape(b.cast(x, dt), (math.prod(x.shape[:-1]), x.shape[-1]))
            (y, tb) = _gemm_operand(b.cast(y, dt))
            return [b.reshape(b.matmul(x2, y, False, tb), out.shape)]
        if len(x.shape) > 2 and x.shape[:-2] == y.shape[:-2]:
            # a stack of products (a batched layer's weight gradient, batch_dot)
            return [b.matmul(b.cast(x, dt), b.cast(y, dt))]
        if len(x.shape) != 2 or len(y.shape) != 2:
            raise Unsupported(f"matmul of shapes {x.shape} and {y.shape} (2-D @ 2-D, "
                              "(..., K) @ (K, M) and stacks of the same batch are compiled)")
        (x, ta), (y, tb) = _gemm_operand(b.cast(x, dt)), _gemm_operand(b.cast(y, dt))
        return [b.matmul(x, y, ta, tb)]    # (eager mode promotes too)
    if name in ('reshape', 'expand_dims', 'squeeze'):
        return [b.reshape(ins[0], out.shape)]
    if name == 'transpose':
        return [b.transpose(ins[0], n.attrs[0])]
    if name == 'broadcast_to':
        return [b.broadcast(ins[0], out.shape)]
    if name == 'astype':
        return [b.cast(ins[0], dt)]
    if name == 'getitem':
        key = n.attrs[0]
        items = key if isinstance(key, tuple) else (key,)
        if not _basic(items):
            raise Unsupported("getitem with an array index (only basic indexing is compiled)")
        if not any(k is Ellipsis for k in items):
            key = items + (Ellipsis,)   # (a full integer index then gives a 0-d view)
        return [b.getitem(ins[0], key, out.shape)]
    if name == 'flip':                # a view with negative steps
        axes = n.attrs[0]
        key = tuple(slice(None, None, -1) if i in axes else slice(None)
                    for i in range(len(ins[0].shape))) + (Ellipsis,)
        return [b.getitem(ins[0], key, out.shape)]
    if name == 'tile':
        return [_tile(b, ins[0], n.attrs[0])]
    if name == 'repeat':
        return [_repeat(b, ins[0], *n.attrs)]
    if name == 'concatenate':
        return [b.concat([b.cast(x, dt) for x in ins], n.attrs[0], out.shape)]
    if name in ('softmax', 'log_softmax'):
        ax = n.attrs[0]
        if ax is None:
            raise Unsupported(f"{name} of a 0-d array")
        x = b.cast(ins[0], dt)
        m = b.reduce('max', x, (ax,))
        # (eager's kernel shifts by 0 when a row's max is infinite)
        shift = b.template('({zero} if ({x} == np.inf or {x} == -np.inf) else {x})', dt, x=m)
        z = binary(b, 'subtract', x, shift, dt)
        e = unary(b, 'exp', z, dt)
        s = b.reduce('sum', e, (ax,))
        if name == 'softmax':
            return [binary(b, 'divide', e, s, dt)]
        return [binary(b, 'subtract', z, unary(b, 'log', s, dt), dt)]
    if name == 'where':
        c, x, y = ins
        return [b.template('({a} if {c} else {b})', dt, shape=out.shape, c=c, a=x, b=y)]
    if name == 'clip':
        lo, hi = n.attrs
        lo = -_onp.inf if lo is None else lo
        hi = _onp.inf if hi is None else hi
        return [b.template('np.minimum(np.maximum({x}, {lo}), {hi})', dt,
                           x=ins[0], lo=b.scalar(lo, dt), hi=b.scalar(hi, dt))]
    if name == 'scatter_add':          # getitem's adjoint: zeros with g written at the key
        key, shape = n.attrs
        items = key if isinstance(key, tuple) else (key,)
        if not _basic(items):
            raise Unsupported("scatter_add with an array index (only basic indexing is "
                              "compiled)")
        if not any(k is Ellipsis for k in items):
            key = items + (Ellipsis,)
        return [b.scatter(b.cast(ins[0], dt), key, tuple(shape))]
    why = opaque.refusal(n)
    if why is None:                   # the op's own eager code as one step
        for i in opaque.WRITES.get(name, ()):
            if ins[i].kind != 'input':
                raise Unsupported(f"op {name!r} writes its input {i} in place, and that input "
                                  "is computed inside the function (only an argument or a "
                                  "closed-over array can be written)")
        return [b.opaque(op, opaque.forward_of(name, out.dtype), ins, n.attrs, out.shape, dt)]
    raise Unsupported(f"op {name!r} ({why}; not in the compiler's table: "
                      f"{', '.join(rules.supported_names())})")


def _reads_forward(d, nodes, bstart):
    """Whether buffer ``d`` (an array without history met in the backward) shares memory
    with a value or an input of the recorded forward."""
    for n in nodes:
        if n.id >= bstart:
            continue
        for o in n.outputs:
            if o is not None and _onp.may_share_memory(d, o):
                return True
        for a in n.inputs:            # (the arguments' stand-ins; a constant stays one)
            if a._node is not None and _onp.may_share_memory(d, a._data):
                return True
    return False


def _basic(items):
    """Whether index items are basic indexing (slices, integers, None, Ellipsis)."""
    return all(k is None or k is Ellipsis or isinstance(k, (slice, int, _onp.integer))
               for k in items)


def _tile(b, x, reps):
    """``tile`` as a broadcast: x (1, s0, 1, s1...) stretched to (r0, s0, r1, s1...)."""
    d = max(len(x.shape), len(reps))
    shape = (1,) * (d - len(x.shape)) + x.shape
    reps = (1,) * (d - len(reps)) + tuple(reps)
    inter = tuple(v for s, r in zip(shape, reps) for v in (1, s))
    big = tuple(v for s, r in zip(shape, reps) for v in (r, s))
    y = b.broadcast(b.reshape(x, inter), big)
    return b.reshape(y, tuple(s * r for s, r in zip(shape, reps)))


def _repeat(b, x, repeats, axis):
    """``repeat`` as a broadcast along a new axis after ``axis``, then merged into it."""
    if axis is None:
        x, axis = b.reshape(x, (x.size,)), 0
    s = x.shape
    y = b.broadcast(b.reshape(x, s[:axis + 1] + (1,) + s[axis + 1:]),
                    s[:axis + 1] + (repeats,) + s[axis + 1:])
    return b.reshape(y, s[:axis] + (s[axis] * repeats,) + s[axis + 1:])
