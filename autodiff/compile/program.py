"""A compiled program: its steps as calls on an environment of buffers, and its memory plan.

``build`` schedules the lowered values (``schedule``), writes every fused loop into one
generated module (``codegen``, loaded through ``cache``), and plans memory: every stored
intermediate gets a buffer allocated once and reused on every call, and values whose
lifetimes do not overlap share buffers (greedy, by step order).  Gradients go straight
into the marked inputs' ``.grad`` buffers where a step can write them there; the rest are
copied (or added) at the end.  A program with guards keeps every gradient in its own
buffers until all guards have passed, so a failed guard leaves ``.grad`` untouched.

A 'return' program (a compiled call inside ``record()``) is cut in two: ``run`` is the
forward (what the heads need) and hands back, beside the heads, the *residuals* — the
forward values and inputs the backward steps read, and the attrs of the opaque steps their
backward rules read (pooling's argmax...) — in buffers of that call's own (never the shared
arena, so a second call before the first backward cannot overwrite them);
``run_backward(residuals, head_grads)`` runs the backward steps from them.  Each call
evaluates the forward once, as eager mode does.
"""
import math
import threading

import numpy as _onp

from ..ops import blas as _blas
from ..ops.launch import PARALLEL_MIN, THREADS, run_split
from . import cache, codegen, opaque
from .schedule import live_values, schedule

SPLIT_WORK = 1 << 21       # element-values of work below which a fused loop runs in one thread
GUARD_FAILED = object()    # run(): a guard saw another branch than the recorded one
STALE = object()           # run(): a closed-over input changed (re-marked): record again


class Program:
    """One recorded path of a function for one input signature, ready to replay."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = None        # its background compile and check (``tier.Pending``)

    # ---- replay -------------------------------------------------------------------------
    def run(self, args, feed=None, grads=None):
        """Head arrays (NumPy), GUARD_FAILED or STALE; fills the marked inputs' gradients.

        ``feed`` (one C-contiguous array per entry of ``inputs``) and ``grads`` (one
        gradient buffer per entry of ``grad_leaves``) replace what the arguments, the
        closed-over arrays and their ``.grad`` hold: a check run on copies (``tier``)."""
        env = self.env0[:]
        if feed is not None:
            for (slot, _, _, _), d in zip(self.inputs, feed):
                env[slot] = d
        for slot, lf, shape, dtype in (self.inputs if feed is None else ()):
            if lf.pos is not None:       # an argument (the signature fixed shape and dtype)
                d = args[lf.pos]._data
            else:                        # a closed-over array: re-read, guarded
                a = lf.obj
                if lf.var is not None and (a._node is not lf.var or lf.var.grad_req != lf.req):
                    return STALE
                d = a._data
                if d.shape != shape or d.dtype != dtype:
                    return STALE
            if not (d.flags.c_contiguous and d.flags.writeable):
                d = _onp.array(d, order='C')
            env[slot] = d
        if self.mode == 'return':       # the forward half: heads and this call's residuals
            for s, shape, dtype in self.fresh:
                env[s] = _onp.empty(shape, dtype)
            with self.lock:
                for call in self.calls:
                    if call(env) is False:
                        return GUARD_FAILED
                heads = [env[s].copy() for s in self.head_slots]
            return heads, [env[s] for s in self.saved_slots]
        if grads is None:
            grads = []
            for lf in self.grad_leaves:
                a = args[lf.pos] if lf.pos is not None else lf.obj
                grads.append(a._node.grad._data)
        for slot, k in self.direct:
            g = grads[k]
            if not g.flags.c_contiguous:
                return STALE
            env[slot] = g
        with self.lock:                # the arena's buffers are shared between calls
            for call in self.calls:
                if call(env) is False:
                    return GUARD_FAILED
            for k, slot, req in self.writeback:
                g = grads[k]
                if slot is None:
                    if req == 'write':
                        g.fill(0)
                elif req == 'add':
                    _onp.add(g, env[slot], out=g)
                else:
                    _onp.copyto(g, env[slot])
            return [env[s].copy() for s in self.head_slots]

    def run_backward(self, saved, head_grads, needs=None, into=None):
        """The backward half of a 'return' program: from the residuals ``saved`` that ``run``
        returned and one head gradient (NumPy, of the head's shape and dtype) per head, one
        gradient (NumPy) or None per marked input — or GUARD_FAILED.  ``needs`` (one bool
        per marked input; None: all): the gradients wanted — the steps that only the
        others need are skipped (an argument's gradient nobody asked for, such as the
        first convolution's data gradient, is not computed) and those come back None.
        ``into`` (None, or per marked input a NumPy buffer or None): where a gradient may
        be written — the engine's offer of a 'write' leaf's ``.grad`` — instead of a buffer
        of its own (one a step stores whole, ``bfresh``) or of a copy out of the arena; it
        comes back as that buffer."""
        if needs is None or all(needs):
            bcalls, grad_slots = self.bcalls, self.grad_slots
        else:
            needs = tuple(bool(n) for n in needs)
            got = self.bcalls_for.get(needs)
            if got is None:
                got = self.bcalls_for[needs] = _backward_subset(self, needs)
            bcalls, grad_slots = got[0], got[1]
        env = self.benv0[:]
        for s, d in zip(self.saved_slots, saved):
            env[s] = d
        if into is None:
            for s, shape, dtype in self.bfresh:
                env[s] = _onp.empty(shape, dtype)
        else:
            for (s, shape, dtype), k in zip(self.bfresh, self.bfresh_grad):
                d = into[k] if k is not None else None
                if (d is None or d.shape != shape or d.dtype != dtype
                        or not (d.flags.c_contiguous and d.flags.writeable)):
                    d = _onp.empty(shape, dtype)
                env[s] = d
        for s, k in self.seed_slots:
            g = head_grads[k]
            if not (g.flags.c_contiguous and g.flags.writeable):
                g = _onp.array(g, order='C')
            env[s] = g
        with self.lock:
            for call in bcalls:
                if call(env) is False:
                    return GUARD_FAILED
            out = []
            for k, (s, c) in enumerate(zip(grad_slots, self.grad_copy)):
                if s is None:
                    out.append(None)
                    continue
                d = env[s]
                if c:                      # (out of the arena: into the offered buffer)
                    t = into[k] if into is not None else None
                    if (t is not None and t.shape == d.shape and t.dtype == d.dtype
                            and t.flags.writeable):
                        _onp.copyto(t, d)
                        d = t
                    else:
                        d = d.copy()
                out.append(d)
            return out


MODES = ('fill', 'forward', 'return')


def build(low, grad_of, mode='fill', nargs=None):
    """The ``Program`` of the lowered ``low`` with adjoints ``grad_of`` (value id -> Value).

    ``mode``: 'fill' writes the gradients into the marked inputs' ``.grad`` (by grad_req);
    'forward' has no backward steps at all (``grad_of`` is ignored) and touches no
    ``.grad``; 'return' is cut into a forward half (``run``: the heads and the residuals)
    and a backward half (``run_backward``: one gradient per marked input, None where no
    path reaches it), for a tape node's backward rule.  Its program inputs at positions
    ``nargs`` and after are the head gradients (``lower``'s ``seed_inputs``).
    """
    if mode not in MODES:
        raise ValueError(f"build: mode must be one of {MODES}, got {mode!r}")
    leaves = low.leaves
    grad_leaves = [] if mode == 'forward' else [i for i, lf in enumerate(leaves) if lf.grad]
    leaf_value = {v.attrs: v for v in low.builder.values if v.kind == 'input'}
    gvals = [grad_of.get(leaf_value[i].id) if i in leaf_value else None for i in grad_leaves]
    roots = list(low.heads) + [g for g in gvals if g is not None]
    values = live_values(low.builder.values, roots + [v for v, _ in low.guards])

    prog = Program()
    prog.mode = mode
    prog.grad_leaves = [leaves[i] for i in grad_leaves]
    prog.heads, prog.grads, prog.guards = list(low.heads), gvals, list(low.guards)
    prog.leaves = leaves
    prog.values = values
    slot = {v.id: i for i, v in enumerate(values)}
    # two more slots per opaque value: the attrs its forward returned (what its backward
    # rule reads) and, once a backward step asked, the gradients of its inputs
    extra = {}
    for v in values:
        if v.kind == 'opaque':
            extra[v.id] = (len(slot) + 2 * len(extra), len(slot) + 2 * len(extra) + 1)
    nslots = len(values) + 2 * len(extra)
    if mode == 'return':
        return _build_split(prog, low, values, gvals, slot, extra, nslots, nargs)

    steps, stored = schedule(values, roots, low.guards)
    users = {}
    for v in values:
        for a in v.args:
            users[a.id] = users.get(a.id, 0) + 1
    head_ids = {h.id for h in low.heads}
    direct = {}                                # value id -> index in grad_leaves
    if not low.guards and mode == 'fill':
        for k, g in enumerate(gvals):
            if g is None or g.id in direct or g.id in head_ids or users.get(g.id):
                continue
            req = leaves[grad_leaves[k]].req
            if g.kind == 'ew' or (req == 'write' and g.kind in ('sum', 'max', 'min', 'matmul')):
                direct[g.id] = k
    for st in steps:
        if st.kind == 'group':
            st.outputs = [(v, leaves[grad_leaves[direct[v.id]]].req if v.id in direct else 'write')
                          for v, _ in st.outputs]

    prog.inputs = [(slot[v.id], leaves[v.attrs], v.shape, v.dtype)
                   for v in values if v.kind == 'input']
    prog.direct = [(slot[vid], k) for vid, k in direct.items()]
    prog.head_slots = [slot[h.id] for h in low.heads]
    prog.writeback = []
    prog.grad_slots = [slot[g.id] if g is not None else None for g in gvals]
    for k, g in enumerate(gvals if mode == 'fill' else ()):
        if g is None:
            # reached by the tape with nothing flowing in: 'write' writes zeros (as eager
            # mode); a leaf the path does not reach keeps its gradient
            if prog.grad_leaves[k].reached:
                prog.writeback.append((k, None, prog.grad_leaves[k].req))
        elif g.id not in direct or direct[g.id] != k:
            prog.writeback.append((k, slot[g.id], prog.grad_leaves[k].req))

    mod, names = _generate(prog, low, steps)
    prog.steps = steps
    prog.env0, prog.arena_bytes, prog.naive_bytes = _plan_memory(
        values, steps, stored, slot, set(direct), roots, nslots)
    wanted = _wanted_grads(values)
    prog.calls = [_call(st, slot, mod, names, extra, wanted) for st in steps]
    return prog


def _wanted_grads(values):
    """opaque value id -> the input positions whose ``opaque_grad`` the program computes:
    its eager backward rule is asked for those only (an unmarked argument's gradient, such
    as a convolution's data gradient at the first layer, is never computed)."""
    wanted = {}
    for v in values:
        if v.kind == 'opaque_grad':
            wanted.setdefault(v.args[0].id, set()).add(v.attrs[0])
    return wanted


def _generate(prog, low, steps):
    """Write the fused loops of ``steps`` into one module and load it (``cache``);
    returns (module, {step index: kernel name}) and sets the program's source, path and
    kernels."""
    kernels, names = [], {}
    for st in steps:
        if st.kind == 'group':
            names[st.index] = f"k{st.index}"
            kernels.append(codegen.group_kernel(names[st.index], st))
    prog.source = codegen.module_source(low.builder.const_lines, kernels)
    mod, prog.path = cache.load(prog.source)
    prog.kernels = [getattr(mod, names[st.index]) for st in steps if st.kind == 'group']
    return mod, names


_VIEWS = ('reshape', 'transpose', 'getitem')
_BOUND = ('input', 'opaque') + _VIEWS      # kinds whose slot a call binds (no buffer)


def _build_split(prog, low, values, gvals, slot, extra, nslots, nargs):
    """A 'return' program cut into its forward and backward halves (see ``build``).

    Forward: every value the heads and the forward guards need.  Backward: the rest of
    what the gradients need; the forward values it reads (and every input it reads but the
    head gradients) are its residuals, kept per call.  A forward value the backward reads
    lives in a buffer allocated by each ``run`` (``fresh``: the residual, and the base of
    a residual view), so the arena, shared between calls, never holds one.
    """
    seeds = {v.id for v in values if v.kind == 'input' and low.leaves[v.attrs].pos is not None
             and low.leaves[v.attrs].pos >= nargs}
    dep = set(seeds)                           # values that depend on a head gradient
    for v in values:
        if v.id not in dep and any(a.id in dep for a in v.args):
            dep.add(v.id)
    fguards = [(v, e) for v, e in low.guards if v.id not in dep]
    bguards = [(v, e) for v, e in low.guards if v.id in dep]
    fwd = live_values(values, list(low.heads) + [v for v, _ in fguards])
    fids = {v.id for v in fwd}
    groots = [g for g in gvals if g is not None]
    bwd = live_values(values, groots + [v for v, _ in bguards])
    given = {v.id for v in bwd
             if v.id in fids or (v.kind == 'input' and v.id not in seeds)}
    saved, seen = [], set()

    def keep(a):
        if a.id not in seen:
            seen.add(a.id)
            saved.append(a)
    for v in bwd:
        if v.id in given:
            continue
        for a in v.args:
            if a.id in given:
                keep(a)
    for v in groots + [v for v, _ in bguards]:
        if v.id in given:
            keep(v)
    # a forward that reads inputs the backward reads but the forward does not: bind them too
    fin = [v for v in values if v.kind == 'input' and v.id not in seeds
           and (v.id in fids or v.id in given)]
    ffull = [v for v in values if v.id in fids or v in fin]

    fresh = set()
    by_id = {v.id: v for v in values}
    for v in saved:
        while v.kind in _VIEWS:               # a view is kept with its base
            v = v.args[0]
        if v.kind not in _BOUND:
            fresh.add(v.id)
    steps_f, stored_f = schedule(ffull, list(low.heads) + saved, fguards)
    steps_b, stored_b = schedule(bwd, groots, bguards, given=given)
    for st in steps_b:                        # one numbering: kernel names, pictures
        if st.kind != 'guard':
            st.index += len(steps_f)
    steps = steps_f + steps_b
    mod, names = _generate(prog, low, steps)
    prog.steps = steps
    prog.inputs = [(slot[v.id], low.leaves[v.attrs], v.shape, v.dtype) for v in fin]
    prog.seed_slots = [(slot[v.id], low.leaves[v.attrs].pos - nargs) for v in values
                       if v.id in seeds]
    prog.fresh = [(slot[i], by_id[i].shape, by_id[i].dtype) for i in sorted(fresh)]
    prog.saved_slots = [slot[v.id] for v in saved] + [
        extra[v.id][0] for v in saved if v.kind == 'opaque']
    prog.saved = saved
    prog.head_slots = [slot[h.id] for h in low.heads]
    prog.grad_slots = [slot[g.id] if g is not None else None for g in gvals]
    prog.direct, prog.writeback = [], []
    prog.env0, fa, fn = _plan_memory(ffull, steps_f, stored_f, slot, fresh,
                                     list(low.heads) + saved, nslots)
    # a gradient a step stores goes into a buffer of the call's own, handed out as it is
    # (no copy out of the arena); a view, a bound value or one shared by two inputs is copied
    made = {v.id for st in steps_b for v in _made_by(st)}
    seen_g, gfresh = set(), set()
    for g in groots:
        if g.id in seen_g:
            gfresh.discard(g.id)
        elif g.id in made and g.kind not in _BOUND and g.id not in given:
            gfresh.add(g.id)
        seen_g.add(g.id)
    prog.bfresh = [(slot[i], by_id[i].shape, by_id[i].dtype) for i in sorted(gfresh)]
    prog.grad_copy = [g is not None and g.id not in gfresh for g in gvals]
    # per bfresh buffer, the marked input whose gradient it is (run_backward's ``into``)
    prog.bfresh_grad = [next((k for k, g in enumerate(gvals) if g is not None and g.id == i),
                             None) for i in sorted(gfresh)]
    prog.benv0, ba, bn = _plan_memory(bwd, steps_b, stored_b, slot, given | gfresh, groots,
                                      nslots)
    prog.arena_bytes, prog.naive_bytes = fa + ba, fn + bn
    prog.saved_bytes = sum(math.prod(by_id[i].shape) * by_id[i].dtype.itemsize
                           for i in fresh)
    wanted = _wanted_grads(values)
    prog.calls = [_call(st, slot, mod, names, extra, wanted) for st in steps_f]
    prog.bcalls = [_call(st, slot, mod, names, extra, wanted) for st in steps_b]
    prog.bsteps, prog.bcalls_for = steps_b, {}
    prog.call_context = (slot, mod, names, extra)
    return prog


def _made_by(st):
    """The values a step makes (none for a guard)."""
    if st.kind == 'group':
        return st.members + st.sinks
    return [] if st.kind == 'guard' else [st.value]


def _read_by(st):
    if st.kind == 'group':
        return st.inputs
    return [st.value] if st.kind == 'guard' else st.value.args


def _backward_subset(prog, needs):
    """``(calls, grad slots, steps)`` of a 'return' program's backward half computing only the
    gradients ``needs`` marks (its guards always run): a step runs when a wanted gradient
    or a step that runs reads what it makes (one walk back over the ordered steps)."""
    want = {g.id for g, n in zip(prog.grads, needs) if n and g is not None}
    running = []
    for st in reversed(prog.bsteps):
        if st.kind == 'guard' or any(v.id in want for v in _made_by(st)):
            running.append(st)
            want.update(a.id for a in _read_by(st))
    running.reverse()
    slot, mod, names, extra = prog.call_context
    wanted = _wanted_grads([v for st in running for v in _made_by(st)])
    calls = [_call(st, slot, mod, names, extra, wanted) for st in running]
    grad_slots = [s if n else None for s, n in zip(prog.grad_slots, needs)]
    return calls, grad_slots, running


# ---- memory plan -------------------------------------------------------------------------
def _plan_memory(values, steps, stored, slot, direct, roots, nslots):
    """Environment template (``nslots`` long): a buffer view for every stored intermediate
    (shared where lifetimes allow), None for what each call binds (inputs, direct
    gradients, views, residuals: the ids in ``direct``)."""
    pos = {}
    for i, st in enumerate(steps):
        if st.kind == 'group':
            for v in st.members + st.sinks:
                pos[v.id] = i
        elif st.kind != 'guard':
            pos[st.value.id] = i
    last = {v.id: pos.get(v.id, -1) for v in values}
    for i, st in enumerate(steps):
        reads = ([v.id for v in st.inputs] if st.kind == 'group' else
                 [st.value.id] if st.kind == 'guard' else [a.id for a in st.value.args])
        for r in reads:
            if r in last:
                last[r] = max(last[r], i)
    end = len(steps)
    for v in roots:
        last[v.id] = end
    for v in reversed(values):                 # a view keeps its base alive
        if v.kind in ('reshape', 'transpose', 'getitem'):
            b = v.args[0].id
            last[b] = max(last[b], last[v.id])
    env = [None] * nslots
    free, naive, total = {}, 0, 0
    by_step = {}
    for v in values:
        if v.id in stored and v.id not in direct and v.kind != 'input':
            by_step.setdefault(pos[v.id], []).append(v)
    dying = {}
    for v in values:
        if v.id in stored and v.id not in direct and v.kind != 'input':
            dying.setdefault(last[v.id], []).append(v)
    held = {}
    for i in range(len(steps)):
        for v in by_step.get(i, []):
            key = (v.dtype.str, v.size)
            naive += v.size * v.dtype.itemsize
            pool = free.get(key)
            if pool:
                buf = pool.pop()
            else:
                buf = _onp.empty(v.size, v.dtype)
                total += buf.nbytes
            held[v.id] = buf
            env[slot[v.id]] = buf.reshape(v.shape)
        for v in dying.get(i, []):
            free.setdefault((v.dtype.str, v.size), []).append(held[v.id])
    return env, total, naive


# ---- one step as a call on the environment ----------------------------------------------
def _call(st, slot, mod, names, extra, wanted):
    """The step ``st`` as ``call(env)``; ``extra[value id]`` are the two slots of an opaque
    value beyond its output: the attrs its forward returned (what its backward reads) and
    its inputs' gradients once the first of its ``opaque_grad`` steps ran; ``wanted``
    (``_wanted_grads``) the input positions of each opaque value whose gradients the
    program reads."""
    if st.kind == 'guard':
        s, expect = slot[st.value.id], st.expect
        return lambda env: bool(env[s].reshape(-1)[0]) == expect
    if st.kind == 'group':
        return _group_call(st, slot, getattr(mod, names[st.index]))
    v = st.value
    o = slot[v.id]
    a = slot[v.args[0].id]
    k = v.kind
    if k == 'matmul':
        b = slot[v.args[1].id]
        ta, tb = v.attrs
        x0 = v.args[0].shape
        macs = math.prod(x0) * v.shape[-1]      # (2-D or a stack: ta, tb False)
        if (_blas.one_thread_available()
                and _blas.ONE_THREAD_ANYWAY < macs <= _blas.SMALL_GEMM):
            # a small product on one BLAS thread, as eager matmul runs it (ops.blas: the
            # second thread costs more than it saves at these sizes)
            def matmul(env):
                x, y = env[a], env[b]
                _blas._enter()
                try:
                    _onp.matmul(x.T if ta else x, y.T if tb else y, out=env[o])
                finally:
                    _blas._exit()
            return matmul

        def matmul(env):
            x, y = env[a], env[b]
            _onp.matmul(x.T if ta else x, y.T if tb else y, out=env[o])
        return matmul
    if k == 'concat':
        parts = [slot[x.id] for x in v.args]
        axis = v.attrs

        def concat(env):
            _onp.concatenate([env[p] for p in parts], axis=axis, out=env[o])
        return concat
    if k == 'opaque':
        op, forward, attrs = v.attrs
        ins = [slot[x.id] for x in v.args]
        at = extra[v.id][0]

        def run_opaque(env):
            env[o], env[at] = opaque.run_forward(op, forward, [env[s] for s in ins], attrs)
        return run_opaque
    if k == 'opaque_grad':
        i, needs = v.attrs
        fwd = v.args[0]
        live = wanted[fwd.id]
        needs = tuple(bool(n) and k in live for k, n in enumerate(needs))
        op, fslot, gslot = fwd.attrs[0], slot[fwd.id], slot[v.args[1].id]
        ins = [slot[x.id] for x in v.args[2:]]
        at, got = extra[fwd.id]

        def run_opaque_grad(env):
            grads = env[got]
            if grads is None:
                grads = env[got] = opaque.run_backward(op, [env[s] for s in ins], env[fslot],
                                                       env[at], env[gslot], needs)
            env[o] = grads[i]
        return run_opaque_grad
    if k == 'scatter':
        key = v.attrs

        def scatter(env):
            out = env[o]
            out.fill(0)
            out[key] = env[a]
        return scatter
    if k == 'reshape':
        shape = v.shape

        def reshape(env):
            env[o] = env[a].reshape(shape)
        return reshape
    if k == 'transpose':
        axes = v.attrs

        def transpose(env):
            env[o] = env[a].transpose(axes)
        return transpose
    key = v.attrs

    def getitem(env):
        env[o] = env[a][key]
    return getitem


def _group_call(g, slot, kernel):
    loop = g.loop
    n = loop[0]
    # two threads only when the loop's work pays for waking the second one (see ops.launch):
    # elements times the values computed per element
    size = math.prod(loop)
    split = g.split = (THREADS > 1 and n >= 2 and size >= PARALLEL_MIN // 4
                       and size * (len(g.members) + len(g.sinks)) >= SPLIT_WORK)
    arrays = g.inputs + [v for v, _ in g.outputs]
    arg_slots = [slot[v.id] for v in arrays]
    shapes = [g.view[v.id] if g.view[v.id] != v.shape else None for v in arrays]
    sinks = [(slot[v.id], v.kind, v.shape) for v in g.sinks]
    reshaped = any(s is not None for s in shapes)

    def run(env):
        if reshaped:
            args = [env[s] if sh is None else env[s].reshape(sh)
                    for s, sh in zip(arg_slots, shapes)]
        else:
            args = [env[s] for s in arg_slots]
        if split:
            parts = run_split(kernel, n, *args)
        else:
            parts = (kernel(0, n, *args),)
        for k, (s, kind, shape) in enumerate(sinks):
            r = parts[0][k]
            for p in parts[1:]:
                r = r + p[k] if kind == 'sum' else _COMBINE[kind](r, p[k])
            _onp.copyto(env[s], r.reshape(shape), casting='unsafe')
    return run


_COMBINE = {'max': _onp.maximum, 'min': _onp.minimum}
