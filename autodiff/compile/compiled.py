"""``Compiled``: a function recorded once per input signature and replayed as one fused kernel.

Contract: ``compiled(*arrays)`` does what ``with autograd.record(): y = fn(*arrays)``
followed by ``y.backward()`` does (a non-scalar ``y`` gets a head gradient of ones): it
returns ``y``'s value (an array without recorded history; eager mode's graph would be
freed by that backward anyway) and fills ``.grad`` of the marked inputs by their
``grad_req`` ('write' overwrites, 'add' adds, 'null' leaves alone).
"""
import time
import warnings

import numpy as _onp
from numba.core.errors import NumbaIRAssumptionWarning

from .. import autograd, engine
from ..errors import GraphError
from ..ndarray import ndarray, wrap
from ..ops.launch import PARALLEL_MIN, THREADS, run_split
from ..tape import Variable
from . import cache, codegen, trace


class Fallback:
    """A signature that runs eagerly on every call, and why."""
    __slots__ = ('reason', 'graph')

    def __init__(self, reason, graph=None):
        self.reason = reason
        self.graph = graph


class Program:
    """A compiled signature: the fused kernel and how to feed it."""
    __slots__ = ('plan', 'kernel', 'path', 'graph', 'compile_seconds', 'n', 'gh', 'grad_leaves')

    def run(self, args):
        """Result array, or None when a buffer cannot be handed to the kernel (eager then)."""
        plan = self.plan
        bufs, grads = [], []
        for lf in plan.leaves:
            a = args[lf.pos] if lf.pos is not None else lf.obj
            if lf.obj is not None and lf.var is not None and (
                    a._node is not lf.var or lf.var.grad_req != lf.req):
                return None                    # a closed-over array was re-marked
            d = a._data
            if not (d.flags.c_contiguous and d.flags.writeable):
                d = _onp.array(d, order='C')
            bufs.append(d.reshape(-1))
            if lf.grad:
                g = a._node.grad._data
                if not g.flags.c_contiguous:
                    return None
                grads.append(g.reshape(-1))
        bufs += grads
        out = None
        if plan.head is None:
            out = _onp.empty(plan.shape, plan.dtype)
            bufs.append(out.reshape(-1))
        n = self.n
        k = self.kernel
        if n >= PARALLEL_MIN and THREADS > 1:
            total = sum(run_split(k, n, self.gh, *bufs))
        else:
            total = k(0, n, self.gh, *bufs)
        if out is not None:
            return wrap(out)
        dt = plan.dtype.type
        v = dt(total)
        if plan.head == 'mean':
            v = v / dt(n)
        return wrap(_onp.full(plan.out_shape, v, plan.dtype))


class Compiled:
    """``fn`` compiled per input signature (see ``autodiff.autograd.compile``)."""

    def __init__(self, fn):
        self.fn = fn
        self._entries = {}
        self._last = None
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, '__name__', 'compiled')
        self.__doc__ = getattr(fn, '__doc__', None)

    # ---- introspection ------------------------------------------------------------------
    @property
    def fallback_reason(self):
        """Why the last call's signature runs eagerly, or None when it runs compiled."""
        e = self._last
        return e.reason if isinstance(e, Fallback) else None

    @property
    def compiled(self):
        """Whether the last call's signature runs as a fused kernel."""
        return isinstance(self._last, Program)

    @property
    def compile_seconds(self):
        """Code generation + Numba compile (or cache load) time of the last call's program."""
        return self._last.compile_seconds if isinstance(self._last, Program) else None

    @property
    def source_path(self):
        """The generated ``.py`` file of the last call's program (None for a fallback)."""
        return self._last.path if isinstance(self._last, Program) else None

    @property
    def kernel(self):
        """The Numba dispatcher of the last call's program (None for a fallback)."""
        return self._last.kernel if isinstance(self._last, Program) else None

    @property
    def signatures(self):
        """Number of input signatures recorded so far."""
        return len(self._entries)

    def graph(self):
        """The DAG recorded for the last call's signature (``autograd.get_graph`` of the head).

        Op nodes fused into the kernel carry ``fused_group=0`` and the graph attribute
        ``fused_groups`` lists them (``[]`` when the signature runs eagerly);
        ``G.graph['fallback_reason']`` says why when it does.
        """
        e = self._last
        if e is None:
            raise GraphError("nothing recorded yet: call the compiled function first")
        if e.graph is None:
            raise GraphError(f"no graph was recorded for this signature ({e.reason})")
        return e.graph

    # ---- calls --------------------------------------------------------------------------
    def __call__(self, *args):
        key = self._key(args)
        if key is None:
            self._last = Fallback("arguments that are not autodiff arrays, or arrays with "
                                  "recorded history")
            return self._eager(args)
        entry = self._entries.get(key)
        if entry is None:
            return self._first_call(key, args)
        self._last = entry
        if isinstance(entry, Fallback):
            return self._eager(args)
        out = entry.run(args)
        if out is None:                       # a closed-over input changed: record again
            del self._entries[key]
            return self._first_call(key, args)
        return out

    @staticmethod
    def _key(args):
        """The guard: shapes, dtypes and marks of the inputs (None: do not compile)."""
        key = []
        for a in args:
            if not isinstance(a, ndarray):
                return None
            node = a._node
            if node is None:
                req = None
            elif type(node) is Variable and not node.edges:
                req = node.grad_req
            else:
                return None
            key.append((a._data.shape, a._data.dtype.str, req))
        return tuple(key)

    def _eager(self, args):
        with autograd.record():
            y = self.fn(*args)
        y.backward()
        return y

    def _first_call(self, key, args):
        """Record fn, run its backward eagerly (this call's result), then compile."""
        tr = trace.record_call(self.fn, args)
        out = tr.out
        if not isinstance(out, ndarray):
            raise TypeError(f"compile: the function must return one autodiff array, got "
                            f"{type(out).__name__}")
        deps = engine._collect([out]) if out._node is not None else {}
        if not any(type(n) is Variable and n not in tr.proxy_vars for n in deps):
            # only the stand-ins of unmarked arguments: eager mode's result has no history
            raise GraphError(f"head 0: {engine._NO_HISTORY}")
        graph = autograd.get_graph(out)
        reason = None
        plan = None
        draws = sorted({r for r in tr.reads if r.startswith('np.random.')})
        if draws:
            reason = ("random draws inside the function: a replay would repeat the recorded "
                      f"draws ({', '.join(draws)}); pass them in as arguments instead")
        elif tr.reads:
            reason = ("data-dependent control flow: the function read array values into "
                      f"Python ({', '.join(sorted(set(tr.reads)))})")
        else:
            try:
                plan = codegen.lower(out, deps, tr.call_args, tr.proxies, tr.start)
            except codegen.Unsupported as err:
                reason = f"not compiled: {err}"
        before = None
        if plan is not None:
            before = {id(lf): lf.var.grad._data.copy() for lf in plan.leaves if lf.grad}
        out.backward()
        result = wrap(out._data)
        if plan is None:
            graph.graph['fused_groups'] = []
            graph.graph['fallback_reason'] = reason
            entry = self._entries[key] = self._last = Fallback(reason, graph)
            return result
        prog, reason = _build(plan, tr.call_args, result, before)
        _mark_graph(graph, plan, reason)
        if prog is None:
            entry = Fallback(reason, graph)
        else:
            entry = prog
            prog.graph = graph
        self._entries[key] = self._last = entry
        return result


def _build(plan, call_args, result, before):
    """Compile ``plan`` and check it once against the eager results of the recording call.

    Returns (Program, None), or (None, reason) when the kernel disagrees with eager mode
    (a safety net: a fallback is slower, never wrong).
    """
    t0 = time.perf_counter()
    mod, path = cache.load(plan.source)
    prog = Program()
    prog.plan, prog.kernel, prog.path = plan, mod.kernel, path
    prog.n = int(_onp.prod(plan.shape))
    dt = plan.dtype.type
    prog.gh = dt(1) if plan.head != 'mean' else dt(1) / prog.n
    # check on scratch gradient buffers: zeros, so 'add' and 'write' give the contribution
    scratch = [wrap(_onp.zeros(plan.shape, plan.dtype)) for lf in plan.leaves if lf.grad]
    saved = []
    it = iter(scratch)
    for lf in plan.leaves:
        if lf.grad:
            saved.append(lf.var.grad)
            lf.var.grad = next(it)
    args = list(call_args)
    try:
        with warnings.catch_warnings():
            # Numba's pedantic SSA check warns about the inlined float32 tanh; harmless
            warnings.simplefilter('ignore', NumbaIRAssumptionWarning)
            value = prog.run(args)      # compiles (or loads from the disk cache) here
    finally:
        k = 0
        for lf in plan.leaves:
            if lf.grad:
                lf.var.grad = saved[k]
                k += 1
    prog.compile_seconds = time.perf_counter() - t0
    if value is None:
        return None, "not compiled: an input buffer could not be handed to the kernel"
    if not _close(value._data, result._data):
        return None, "not compiled: the fused kernel disagreed with eager mode"
    k = 0
    for lf in plan.leaves:
        if lf.grad:
            got = scratch[k]._data
            k += 1
            eager = lf.var.grad._data
            if lf.req == 'add':
                eager = eager - before[id(lf)]
            if not _close(got, eager):
                return None, "not compiled: the fused gradient disagreed with eager mode"
    return prog, None


def _close(got, want):
    tol = 1e-4 if want.dtype == _onp.float32 else 1e-9
    fin = _onp.isfinite(want)
    scale = float(_onp.max(_onp.abs(want[fin]))) if fin.any() else 0.0
    return bool(_onp.allclose(got, want, rtol=tol, atol=tol * scale, equal_nan=True))


def _mark_graph(graph, plan, reason):
    from ..graph import node_id
    group = [node_id(n) for n in plan.nodes] if reason is None else []
    for nid in group:
        graph.nodes[nid]['fused_group'] = 0
    graph.graph['fused_groups'] = [group] if group else []
    graph.graph['fallback_reason'] = reason
