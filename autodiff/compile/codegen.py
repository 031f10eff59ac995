"""Lower a recorded tape to the Python source of one fused Numba kernel.

The tape must be a chain (or DAG) of elementwise ops on arrays of one shape and one float
dtype (array-array operands of equal shape, or a Python scalar operand), optionally ended
by a full ``sum``/``mean``.  The kernel makes one pass over the elements: per element it
computes every forward value in registers, then walks the ops in reverse applying the
local derivatives of ``rules`` (the chain rule), and writes (or adds) the gradient of each
marked input.  The head gradient of a full reduction is one number for every element,
so forward and backward share the loop; the sum is accumulated in float64 per block of
elements, as eager ``sum`` does, by a helper allowed to reassociate (so it vectorizes).

``lower`` raises ``Unsupported`` (with a reason) for anything else; the caller then runs
the function eagerly.
"""
import numpy as _onp

from ..tape import Variable
from . import rules

BLOCK = 1024          # elements per block of the fused loop (the float64 sum's granularity)
_DTYPES = {_onp.dtype(_onp.float32): 'np.float32', _onp.dtype(_onp.float64): 'np.float64'}


class Unsupported(Exception):
    """The tape holds something the compiler does not fuse (the message says what)."""


class Leaf:
    """An input of the kernel: a function argument (``pos``) or an array object it closed over.

    ``grad`` is True for a marked array whose gradient the kernel produces.
    """
    __slots__ = ('pos', 'obj', 'var', 'grad', 'req')

    def __init__(self, pos, obj, var, grad, req):
        self.pos, self.obj, self.var, self.grad, self.req = pos, obj, var, grad, req


class Plan:
    """The lowered program: its source, inputs, and how to read its result."""
    __slots__ = ('source', 'leaves', 'shape', 'dtype', 'head', 'out_shape', 'nodes')

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def _order(deps):
    """Tape nodes in recording order (ids grow with creation, so inputs come first)."""
    return sorted((n for n in deps if type(n) is not Variable), key=lambda n: n.id)


def _check_op(n):
    op = n.op
    if op.custom or n.nout != 1:
        raise Unsupported(f"op {op.name!r} (custom or several outputs)")
    if op.name in rules.REDUCTIONS and op.scalar_arg is None:
        raise Unsupported(f"op {op.name!r} inside the program (only a full sum or mean "
                          "giving the result is fused)")
    if op.scalar_arg is not None:
        if (op.name, op.scalar_arg) not in rules.SCALAR:
            raise Unsupported(f"op {op.name!r} with a scalar operand")
    elif not ((op.name in rules.UNARY and len(n.inputs) == 1)
              or (op.name in rules.BINARY and len(n.inputs) == 2)):
        raise Unsupported(f"op {op.name!r} (not in the compiler's table: "
                          f"{', '.join(rules.supported_names())})")


def lower(head, deps, call_args, proxies, start=0):
    """The ``Plan`` for the tape behind ``head``; ``deps`` is ``engine._collect([head])``.

    ``call_args``: the arrays fn was called with; ``proxies``: ids of those standing in for
    unmarked arguments (``trace.record_call``); ``start``: the tape clock when fn was
    called (older nodes were recorded outside fn, e.g. an array with history it closes
    over: replaying them on every call would not be what eager mode does).
    """
    nodes = _order(deps)
    for n in nodes:
        if n.id < start:
            raise Unsupported(f"an array recorded outside the function (by op {n.op.name!r}) "
                              "is used inside it")
    if not nodes:
        raise Unsupported("the function returned an input unchanged (no recorded op)")
    last = head._node
    if type(last) is Variable or head._idx != 0:
        raise Unsupported("the result is a marked array, not an op result")
    red = None
    if last.op.name in rules.REDUCTIONS and last.op.scalar_arg is None:
        x = last.inputs[0]
        axes = last.attrs[0]
        if tuple(axes) != tuple(range(x.ndim)):
            raise Unsupported(f"{last.op.name} over axes {axes} (only full reductions are fused)")
        red = last.op.name
        body = [n for n in nodes if n is not last]
        shape, dtype = x.shape, x.dtype
    else:
        body = nodes
        shape, dtype = last.outputs[0].shape, last.outputs[0].dtype
    for n in body:                       # unsupported ops first: the most useful reason
        _check_op(n)
    if dtype not in _DTYPES:
        raise Unsupported(f"dtype {dtype} (only float32 and float64 are compiled)")
    if int(_onp.prod(shape)) == 0:
        raise Unsupported("an empty array")

    arg_pos = {id(a): i for i, a in reversed(list(enumerate(call_args)))}
    leaves, leaf_sym, consts = [], {}, {}
    lines_const = []

    def const(value):
        text = f"_DT(float({repr(float(value))!r}))"
        if text not in consts:
            consts[text] = f"K{len(consts)}"
            lines_const.append(f"{consts[text]} = {text}")
        return consts[text]

    def check_array(a, what):
        if a.shape != shape or a.dtype != dtype:
            raise Unsupported(f"{what} of shape {a.shape} and dtype {a.dtype} beside arrays of "
                              f"shape {shape} and dtype {dtype} (broadcasting and mixed dtypes "
                              "are not fused)")

    def leaf(arr, edge):
        """The symbol of a node input that is not an op result (a variable or a constant)."""
        if edge is not None:
            var = edge[0]
            if var.edges:
                raise Unsupported("a marked intermediate (attach_grad inside the function)")
            key = var
        else:
            var, key = None, ('const', id(arr))
        if key in leaf_sym:
            return leaf_sym[key]
        check_array(arr, "an input")
        pos = arg_pos.get(id(arr))
        if var is None:
            lf = Leaf(pos, arr if pos is None else None, None, False, None)
        elif id(arr) in proxies:
            lf = Leaf(pos, None, var, False, None)
        else:
            grad = var.grad_req != 'null'
            lf = Leaf(pos, arr if pos is None else None, var, grad, var.grad_req)
        leaves.append(lf)
        leaf_sym[key] = f"x{len(leaves) - 1}"
        return leaf_sym[key]

    # ---- forward: one statement per op ----------------------------------------------
    sym = {}                 # node -> value symbol
    fwd = []
    rec = []                 # per node: (node, [(input symbol, derivative template)], fmt)
    for k, n in enumerate(body):
        op = n.op
        if op.custom or n.nout != 1:
            raise Unsupported(f"op {op.name!r} (custom or several outputs)")
        out = n.outputs[0]
        if out.shape != shape or out.dtype != dtype:
            raise Unsupported(f"op {op.name!r} gives shape {out.shape}, dtype {out.dtype} "
                              f"inside a program on shape {shape}, dtype {dtype}")
        ins = []
        for arr, e in zip(n.inputs, n.edges):
            if e is not None and type(e[0]) is not Variable:
                if e[0] not in sym:
                    raise Unsupported(f"op {e[0].op.name!r} used inside the program")
                ins.append(sym[e[0]])
            else:
                ins.append(leaf(arr, e))
        v = f"v{k}"
        if op.scalar_arg is not None:
            s = n.attrs[0]
            rule = rules.scalar_rule(op.name, op.scalar_arg, s)
            if rule is None or isinstance(s, complex):
                raise Unsupported(f"op {op.name!r} with a scalar operand")
            fmt = {'x': ins[0], 's': const(s), 'ans': v}
            if (op.name, op.scalar_arg) == ('power', 0):
                fmt['logs'] = const(_onp.log(s) if s > 0 else (-_onp.inf if s == 0 else _onp.nan))
            derivs = [(ins[0], rule[1])]
            forward = rule[0]
        elif op.name in rules.UNARY and len(ins) == 1:
            forward, d = rules.UNARY[op.name]
            fmt = {'x': ins[0], 'ans': v}
            derivs = [(ins[0], d)]
        elif op.name in rules.BINARY and len(ins) == 2:
            forward, da, db = rules.BINARY[op.name]
            fmt = {'a': ins[0], 'b': ins[1], 'ans': v}
            derivs = [(ins[0], da), (ins[1], db)]
        else:
            raise Unsupported(f"op {op.name!r} (not in the compiler's table: "
                              f"{', '.join(rules.supported_names())})")
        fwd.append(f"{v} = _DT({forward.format(**fmt, g='')})")
        sym[n] = v
        rec.append((n, derivs, fmt))
    if red is not None:
        e = last.edges[0]
        value = sym[e[0]] if type(e[0]) is not Variable else leaf(last.inputs[0], e)
    else:
        value = sym[last]
    grad_syms = {f"x{i}" for i, lf in enumerate(leaves) if lf.grad}
    if not grad_syms:
        raise Unsupported("no marked input reaches the result")

    # ---- backward: reverse order, only along paths that reach a marked input ----------
    needed = set(grad_syms)
    for n, derivs, fmt in rec:
        if any(s in needed for s, _ in derivs):
            needed.add(sym[n])
    adj = {value: 'gh'}      # symbol -> adjoint expression holder
    bwd = []
    for n, derivs, fmt in reversed(rec):
        v = sym[n]
        if v not in adj or v not in needed:
            continue
        for s, d in derivs:
            if s not in needed:
                continue
            c = f"_DT({d.format(**fmt, g=adj[v])})"
            name = f"d{s}"
            if s in adj:
                bwd.append(f"{name} = _DT({name} + {c})")
            else:
                bwd.append(f"{name} = {c}")
                adj[s] = name
    grads = []
    for i, lf in enumerate(leaves):
        if lf.grad:
            s = f"x{i}"
            op = '+=' if lf.req == 'add' else '='
            grads.append(f"gs{i}[j] {op} {adj.get(s, 'ZERO')}")

    # ---- the source ------------------------------------------------------------------
    params = [f"a{i}" for i in range(len(leaves))] + \
             [f"g{i}" for i, lf in enumerate(leaves) if lf.grad]
    if red is None:
        params.append('out')
    src = [_HEADER.format(dt=_DTYPES[dtype], block=BLOCK), *lines_const, '', '',
           "@njit(nogil=True, error_model='numpy', cache=True)",
           f"def kernel(lo, hi, gh, {', '.join(params)}):",
           f'    """Forward and backward of {len(body)} fused ops over elements [lo, hi)."""',
           "    acc = 0.0"]
    if red is not None:
        src.append("    buf = np.empty(BLOCK, _DT)")
    src += ["    for start in range(lo, hi, BLOCK):",
            "        stop = min(start + BLOCK, hi)",
            "        m = stop - start"]
    for i, lf in enumerate(leaves):
        src.append(f"        as{i} = a{i}[start:stop]")
        if lf.grad:
            src.append(f"        gs{i} = g{i}[start:stop]")
    if red is None:
        src.append("        os_ = out[start:stop]")
    src.append("        for j in range(m):")
    body_lines = [f"x{i} = as{i}[j]" for i in range(len(leaves))] + fwd
    body_lines.append(f"buf[j] = {value}" if red is not None else f"os_[j] = {value}")
    body_lines += bwd + grads
    src += ["            " + ln for ln in body_lines]
    if red is not None:
        src.append("        acc = _block_sum(buf, m, acc)")
    src.append("    return acc")
    return Plan(source="\n".join(src) + "\n", leaves=leaves, shape=shape, dtype=dtype,
                head=red, out_shape=head.shape, nodes=nodes)


_HEADER = '''"""Generated by autodiff.compile: one fused forward + backward kernel. Do not edit."""
import numpy as np
from numba import njit
from autodiff.compile._scalar import _tanh, _sigmoid, _relu, _sign, _block_sum  # noqa: F401

_DT = {dt}
BLOCK = {block}
ONE = _DT(1)
TWO = _DT(2)
ZERO = _DT(0)'''
