"""``Compiled``: a function recorded per input signature and control-flow path, then replayed.

Contract: ``compiled(*arrays)`` does what ``with autograd.record(): y = fn(*arrays)``
followed by ``y.backward()`` does (a non-scalar ``y`` gets a head gradient of ones; a tuple
of results is ``autograd.backward`` of all of them): it returns ``y``'s value (arrays
without recorded history; eager mode's graph would be freed by that backward anyway) and
fills ``.grad`` of the marked inputs by their ``grad_req``.

Inside ``autograd.record()`` a call is one differentiable tape node instead (``_node_call``:
the program's forward half, which keeps the call's residuals, and a backward rule running
its backward half from them with the head gradients); ``Compiled(fn, backward=False)`` replays forward-only programs.

Keyword arguments are bound to ``fn``'s parameters: those that can be passed by position
are, the others follow by sorted name (the names are part of the signature).

Per signature (shapes, dtypes, marks and grad_req of the arguments) it keeps up to
``MAX_PATHS`` recorded paths.  A call replays the last path that ran; if one of its guards
sees another branch, the other paths are tried, and if none fits, the function is
recorded again (that call runs eagerly) and the new path is compiled.
"""
import inspect
import threading
import time
import warnings

import numpy as _onp

from .. import engine
from .._state import state
from ..graph import graph_maker
from ..errors import GraphError
from ..ndarray import ndarray, wrap
from ..ops.core import Offer, Op
from ..tape import Node, Variable
from . import check, lower, opaque, program, tier, trace
from .graph import RecordedGraph, program_graph
from .ir import Unsupported

MAX_PATHS = 8


class Fallback:
    """A signature that runs eagerly on every call, and why."""
    __slots__ = ('reason', 'graph')

    def __init__(self, reason, graph=None):
        self.reason = reason
        self.graph = graph


class Compiled:
    """``fn`` compiled per input signature and path (see ``autodiff.autograd.compile``)."""

    def __init__(self, fn, backward=True):
        self.fn = fn
        self.backward = bool(backward)   # False: forward-only programs (see ``compile``)
        self._entries = {}          # signature -> Fallback or list of Programs (paths)
        self._last = None
        self._signature = None      # inspect.Signature of fn, on the first keyword call
        self._pending = []          # Programs whose background compile runs (``tier``)
        self._lock = threading.Lock()   # (adopting them: calls may come from several threads)
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, '__name__', 'compiled')
        self.__doc__ = getattr(fn, '__doc__', None)

    # ---- introspection ------------------------------------------------------------------
    # (what depends on a background compile's verdict waits for it: ``_settled``)
    def _settled(self):
        """The last call's entry once its background compile, if one runs, has finished."""
        e = self._last
        if isinstance(e, program.Program) and e.pending is not None:
            e.pending.wait()
            self._adopt()
        return self._last

    def _program(self):
        e = self._settled()
        return e if isinstance(e, program.Program) else None

    @property
    def fallback_reason(self):
        """Why the last call's signature runs eagerly, or None when it runs compiled (waits
        for its background compile to finish)."""
        e = self._settled()
        return e.reason if isinstance(e, Fallback) else None

    @property
    def compiled(self):
        """Whether the last call's signature runs as a compiled program (waits for its
        background compile to finish: the calls until then ran eagerly)."""
        return self._program() is not None

    @property
    def tier(self):
        """How the last call's signature runs now, without waiting: 'compiled', 'compiling'
        (its background compile runs: calls run eagerly until it has finished), 'eager' (a
        fallback: ``fallback_reason`` says why), or None before the first call."""
        e = self._last
        if e is None:
            return None
        if isinstance(e, Fallback):
            return 'eager'
        if e.pending is not None and not e.pending.done.is_set():
            return 'compiling'
        self._adopt()
        return 'compiled' if isinstance(self._last, program.Program) else 'eager'

    def wait(self, timeout=None):
        """Wait until every background compile of this function has finished (at most
        ``timeout`` seconds; None: as long as it takes) and take their verdicts in; returns
        whether none is left running.  The next call of a signature whose compile passed
        runs compiled."""
        deadline = None if timeout is None else time.perf_counter() + timeout
        for prog in list(self._pending):
            job = prog.pending
            left = None if deadline is None else max(0.0, deadline - time.perf_counter())
            if job is not None and not job.wait(left):
                break
        self._adopt()
        return not self._pending

    def _adopt(self):
        """Take in the background compiles that have finished (see ``tier``): a program that
        passed its check replays from the next call on; one that failed (or raised) is
        dropped, and a signature left without a path becomes a ``Fallback`` giving why."""
        with self._lock:
            for prog in [p for p in self._pending if p.pending.done.is_set()]:
                self._pending.remove(prog)
                job, prog.pending = prog.pending, None
                reason = job.reason
                paths = self._entries.get(prog.key)
                prog.graph.mark(None if reason else prog, reason)
                if reason is None:
                    continue
                fb = Fallback(reason, prog.graph)
                if isinstance(paths, list) and prog in paths:
                    paths.remove(prog)
                    if not paths:
                        self._entries[prog.key] = fb
                if self._last is prog:
                    self._last = fb

    @property
    def compile_seconds(self):
        """Code generation + Numba compile (or cache load) time of the last call's program."""
        p = self._program()
        return p.compile_seconds if p else None

    @property
    def source_path(self):
        """The generated ``.py`` file of the last call's program (None for a fallback)."""
        p = self._program()
        return p.path if p else None

    @property
    def kernels(self):
        """The Numba dispatchers of the last call's fused loops (empty for a fallback)."""
        p = self._program()
        return list(p.kernels) if p else []

    @property
    def program(self):
        """The last call's ``Program`` (steps, memory plan, source), or None."""
        return self._program()

    @property
    def signatures(self):
        """Number of input signatures recorded so far."""
        return len(self._entries)

    @property
    def paths(self):
        """Number of control-flow paths compiled for the last call's signature."""
        self._settled()
        for e in self._entries.values():
            if isinstance(e, list) and self._last in e:
                return len(e)
        return 0

    def program_graph(self):
        """The last call's compiled program — forward and backward values, each fused loop a
        ``fused_group`` — as a DiGraph ``viz.draw`` can draw (see ``compile.graph``)."""
        p = self._program()
        if p is None:
            reason = self._last.reason if self._last is not None else "nothing recorded yet"
            raise GraphError(f"no compiled program for the last call ({reason})")
        return program_graph(p)

    def graph(self):
        """The DAG recorded for the last call's path (``autograd.get_graph`` of the heads).

        Op nodes carry ``fused_group=k`` for the fused loop ``k`` that computes them and
        ``compiled_step`` ('loop', 'blas', 'view', 'copy' or 'scatter'); ``G.graph['fused_groups']``
        lists each loop's nodes (``[]`` when the signature runs eagerly) and
        ``G.graph['fallback_reason']`` says why it does.
        """
        e = self._settled()
        if e is None:
            raise GraphError("nothing recorded yet: call the compiled function first")
        if e.graph is None:
            raise GraphError(f"no graph was recorded for this signature ({e.reason})")
        return e.graph.get()

    # ---- calls --------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """``fn(*args, **kwargs)`` with its backward: replayed, recorded, or run eagerly."""
        names = ()
        if kwargs:
            args, names = self._bind(args, kwargs)
        recording = state.recording and state.tracer is None
        if not self.backward:
            if recording:
                # no backward program to give the tape: run eagerly, recorded, so that a
                # backward through the result is exact
                self._last = Fallback("a forward-only compiled function called inside "
                                      "autograd.record() runs eagerly (recorded)")
                return trace.call(self.fn, args, names)
            mode = 'forward'
        else:
            mode = 'return' if recording else 'fill'
        key = self._key(args, names, mode)
        if key is None:
            self._last = Fallback(self._refusal(args, names))
            return self._eager(args, names, mode)
        if mode == 'forward':      # stand-ins: nothing the program or the recording does
            args = tuple(wrap(a._data) for a in args)          # reaches their .grad
        entry = self._entries.get(key)
        if entry is None:
            return self._record(key, args, names, mode=mode)
        if self._pending:
            self._adopt()
            entry = self._entries[key]
            if isinstance(entry, list):
                waiting = [p for p in entry if p.pending is not None]
                if waiting:             # the eager tier, until the compile has finished
                    self._last = waiting[-1]
                    return self._eager(args, names, mode)
        if isinstance(entry, Fallback):
            self._last = entry
            return self._eager(args, names, mode)
        for k in range(len(entry) - 1, -1, -1):      # the most recent path first
            prog = entry[k]
            out = prog.run(args)
            if out is program.STALE:
                del self._entries[key]
                return self._record(key, args, names, mode=mode)
            if out is not program.GUARD_FAILED:
                if k != len(entry) - 1:
                    entry.append(entry.pop(k))
                self._last = prog
                if mode == 'return':
                    return _node_call(prog, args, names, out)
                return self._wrap(out)
        if len(entry) >= MAX_PATHS:
            self._entries[key] = self._last = Fallback(
                f"more than {MAX_PATHS} control-flow paths for one signature")
            return self._eager(args, names, mode)
        return self._record(key, args, names, entry, mode=mode)

    def _bind(self, args, kwargs):
        """Keyword arguments as inputs: ``(flat arguments, keyword names)``.

        Parameters that can be passed by position are (so ``f(x, w=w)`` and ``f(x, w)`` are
        one signature); keyword-only ones and ``**kwargs`` follow, sorted by name.  A call
        ``fn`` does not accept raises ``TypeError`` naming the function.
        """
        sig = self._sig()
        if sig is not False:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as err:
                raise TypeError(f"compiled function {self.__name__!r}: {err}") from None
            args, kwargs = bound.args, bound.kwargs
        names = tuple(sorted(kwargs))
        return tuple(args) + tuple(kwargs[n] for n in names), names

    @staticmethod
    def _key(args, names=(), mode='fill'):
        """The signature: shapes, dtypes and marks of the inputs, and the keyword names
        (None: do not compile).  Forward-only calls and calls inside ``record()`` key on
        shapes, dtypes and the training flag (any array is taken: its history, if any,
        is the tape node's business)."""
        key = []
        if mode != 'fill':
            for a in args:
                if not isinstance(a, ndarray):
                    return None
                key.append((a._data.shape, a._data.dtype.str))
            return (mode, state.training, tuple(key), names)
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
        if names:
            key.append(names)
        return tuple(key)

    def _refusal(self, args, names):
        """Why ``_key`` refused these arguments (the first one it cannot take, by name)."""
        npos = len(args) - len(names)
        params = [p.name for p in (self._sig().parameters.values() if self._sig() else ())
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        for i, a in enumerate(args):
            what = (f"keyword argument {names[i - npos]!r}" if i >= npos else
                    f"argument {params[i]!r}" if i < len(params) else f"argument {i}")
            if not isinstance(a, ndarray):
                return (f"{what} is a {type(a).__name__}, not an autodiff array (only arrays "
                        "are taken: bind other values with a closure or functools.partial)")
            node = a._node
            if node is not None and (type(node) is not Variable or node.edges):
                return (f"{what} has recorded history (only arrays without history and "
                        "marked leaves are taken)")
        return "arguments that cannot be compiled"

    def _sig(self):
        """``inspect.Signature`` of fn (False when it has none), computed once."""
        if self._signature is None:
            try:
                self._signature = inspect.signature(self.fn)
            except (TypeError, ValueError):          # (a builtin without a signature)
                self._signature = False
        return self._signature

    @staticmethod
    def _wrap(out):
        return wrap(out[0]) if len(out) == 1 else tuple(wrap(o) for o in out)

    def _eager(self, args, names=(), mode='fill'):
        if mode != 'fill':          # as the plain call would: recorded when recording
            return trace.call(self.fn, args, names)
        with trace.recording():
            y = trace.call(self.fn, args, names)
        heads = list(y) if isinstance(y, (tuple, list)) else [y]
        engine.backward(heads)
        return y

    def _record(self, key, args, names, paths=None, mode='fill'):
        """Record fn, run its backward eagerly (this call's result), then compile the path.

        ``mode`` 'forward': no backward at all; 'return' (a call inside ``record()``): the
        result is one tape node (``_node_call``) and nothing is written into ``.grad``.
        """
        if mode != 'fill':
            return self._record_mode(key, args, names, paths, mode)
        rng = opaque.generator_state()       # (the check run repeats the recording's draws)
        tr = trace.record_call(self.fn, args, names)
        out = tr.out
        many = isinstance(out, (tuple, list))
        heads = list(out) if many else [out]
        if not heads or not all(isinstance(h, ndarray) for h in heads):
            raise TypeError(f"compile: the function must return an autodiff array or a tuple "
                            f"of them, got {type(out).__name__}")
        deps = engine._collect([h for h in heads if h._node is not None])
        if not any(type(n) is Variable and n not in tr.proxy_vars for n in deps):
            if any(getattr(h, '_why', None) for h in heads):
                # a non-differentiable result (argmax, a comparison): eager mode records it
                # and its backward gives the inputs zero gradients; this signature runs so
                self._entries[key] = self._last = Fallback(
                    "the result is not differentiable (eager mode gives zero gradients)")
                return self._eager(args, names)
            # only the stand-ins of unmarked arguments: eager mode's result has no history
            raise GraphError(engine.no_history(0, heads[0]))
        graph = RecordedGraph(graph_maker(heads if many else out))
        reason = _refusal_of(tr)
        low, results, prog = None, [h._data for h in heads], None
        if reason is None:
            marked = trace.marked_arrays(tr, heads)
            if not marked:
                reason = "not compiled: no marked input reaches the result"
        done = False                              # the backward ran (this call's .grad)
        if reason is None:
            try:
                bw = trace.record_backward(tr, heads, marked)
            except Exception as err:          # (e.g. a rule that refuses create_graph)
                reason = (_forward_refusal(heads, tr) or
                          f"not compiled: the backward could not be recorded ({err})")
            else:
                done = True
                reason = _refusal_of(tr)          # (a rule read values or branched)
                if reason is None:
                    try:
                        low = lower.lower(heads, tr.guards, tr, bw)
                        for lf in low.leaves:
                            lf.reached = lf.var in deps
                    except Unsupported as err:
                        reason, low = f"not compiled: {err}", None
                before = None
                if low is not None:
                    before = {id(lf): lf.var.grad._data.copy() for lf in low.leaves if lf.grad}
                _deliver(bw)
                if low is not None:
                    prog, reason = _build(low, low.grads, tr.call_args, results, before, rng,
                                          background=tier.enabled())
        if not done:
            engine.backward(heads)
        value = tuple(wrap(r) for r in results) if many else wrap(results[0])
        if prog is None or prog.pending is None:     # (else marked when it is adopted)
            graph.mark(prog, reason)
        self._keep(key, paths, prog, reason, graph)
        return value

    def _keep(self, key, paths, prog, reason, graph):
        """Store what a recording call produced: a new compiled path of signature ``key``, or
        a ``Fallback`` (kept for the signature only when no other path of it compiled)."""
        if prog is None:
            self._last = entry = Fallback(reason, graph)
            if not paths:
                self._entries[key] = entry
            return
        prog.graph, prog.key = graph, key
        if paths is None:
            paths = self._entries[key] = []
        paths.append(prog)
        self._last = prog
        if prog.pending is not None:
            with self._lock:
                self._pending.append(prog)

    def _record_mode(self, key, args, names, paths, mode):
        """``_record`` for forward-only calls and calls inside ``record()``."""
        rng = opaque.generator_state()       # (check runs repeat the recording's draws)
        tr = trace.record_call(self.fn, args, names, mark_args=(mode == 'return'),
                               train_mode=state.training)
        out = tr.out
        many = isinstance(out, (tuple, list))
        heads = list(out) if many else [out]
        if not heads or not all(isinstance(h, ndarray) for h in heads):
            raise TypeError(f"compile: the function must return an autodiff array or a tuple "
                            f"of them, got {type(out).__name__}")
        taped = [h for h in heads if h._node is not None]
        graph = (RecordedGraph(graph_maker(heads if many else out, from_caller=False))
                 if taped else None)
        reason = _refusal_of(tr)
        progs = None
        if reason is None:
            try:
                progs = _build_mode(self.__name__, tr, heads, mode, rng)
            except Unsupported as err:
                reason = f"not compiled: {err}"
        results = [h._data for h in heads]
        if progs is not None and isinstance(progs, str):
            reason, progs = progs, None
        if graph is not None:
            graph.mark(progs, reason)
        if mode == 'forward':
            value = tuple(wrap(r) for r in results) if many else wrap(results[0])
        elif progs is not None:
            saved, progs.first_saved = progs.first_saved, None
            value = _node_call(progs, args, names, (results, saved))
        else:
            value = _traced_node(self.__name__, tr, heads, args, many)
        self._keep(key, paths, progs, reason, graph)
        return value


def _forward_refusal(heads, tr):
    """Why the forward alone does not lower (the reason to give when the traced backward
    failed: an op outside the table usually explains both), or None."""
    try:
        lower.lower(heads, tr.guards, tr)
    except Unsupported as err:
        return f"not compiled: {err}"
    return None


def _deliver(bw):
    """Write the traced backward's gradients into the marked arrays' ``.grad`` by their
    ``grad_req``, as ``backward()`` does ('write' overwrites, 'add' adds)."""
    for a, g in zip(bw.marked, bw.grads):
        var = a._node
        buf = var.grad._data
        if var.grad_req == 'add':
            buf += g._data.astype(buf.dtype, copy=False)
        else:
            _onp.copyto(buf, g._data, casting='unsafe')


def _refusal_of(tr):
    """Why a recording cannot be replayed (random draws, in-place writes, value reads)."""
    draws = sorted({r for r in tr.reads if r.startswith('np.random.')})
    if draws:
        return ("random draws inside the function: a replay would repeat the recorded "
                f"draws ({', '.join(draws)}); pass them in as arguments instead")
    if tr.wrote:
        return ("an in-place write inside the function (x[...] = v, x += y, a layer's "
                "running statistics): a replay would not repeat it")
    if tr.reads:
        return ("data-dependent control flow: the function read array values into "
                f"Python ({', '.join(sorted(set(tr.reads)))})")
    return None


def _build_mode(name, tr, heads, mode, rng=None):
    """The checked program of a forward-only or in-``record()`` recording, or the reason
    (a string) it disagrees with eager mode.

    'forward': one forward-only Program.  'return': one Program cut in two halves
    (``program.build``): ``run`` on the arguments gives the results and this call's
    residuals, ``run_backward`` on the residuals and one head gradient per result gives
    every marked input's gradient.  The residuals of the check run are kept as
    ``first_saved`` for the recording call's own tape node.  The check runs repeat the
    recording's random draws (``rng``: the generator's state before it) and write no state
    (``opaque.replay_draws``): the recording call's own backward does that later.
    """
    t0 = time.perf_counter()
    results = [h._data for h in heads]
    if mode == 'forward':
        low = lower.lower(heads, tr.guards, tr)
        prog = program.build(low, {}, mode='forward')
        with opaque.replay_draws(rng, write_state=False):
            got = _quiet_run(prog, list(tr.call_args))
        if got is program.GUARD_FAILED or got is program.STALE:
            return "not compiled: the program did not replay its own recording"
        if not _same(got, results):
            return "not compiled: the compiled program disagreed with eager mode"
        prog.compile_seconds = time.perf_counter() - t0
        return prog
    # the forward must lower before its backward is traced: a rule may write state
    # (batch_norm's running statistics), which only the eager fallback may do
    lower.lower(heads, tr.guards, tr)
    taped = [k for k, h in enumerate(heads) if h._node is not None]
    marked = trace.marked_arrays(tr, [heads[k] for k in taped]) if taped else []
    if not marked:
        raise Unsupported("no input reaches the result")
    try:
        # (not this call's backward, which the tape node runs later: no state written)
        with opaque.replay_draws(None, write_state=False):
            bw = trace.record_backward(tr, [heads[k] for k in taped], marked)
    except Exception as err:              # (e.g. a rule that refuses create_graph)
        return (_forward_refusal(heads, tr) or
                f"not compiled: the backward could not be recorded ({err})")
    why = _refusal_of(tr)
    if why is not None:
        return why
    nargs = len(tr.call_args)
    low = lower.lower(heads, tr.guards, tr, bw,
                      seed_inputs={j: nargs + k for j, k in enumerate(taped)})
    prog = program.build(low, low.grads, mode='return', nargs=nargs)
    with opaque.replay_draws(rng, write_state=False):
        got = _quiet_run(prog, list(tr.call_args))
    if got is program.GUARD_FAILED or got is program.STALE:
        return "not compiled: the program did not replay its own recording"
    got_heads, saved = got
    if not _same(got_heads, results):
        return "not compiled: the compiled program disagreed with eager mode"
    with opaque.replay_draws(None, write_state=False):
        grads = _quiet_backward(prog, saved, [_onp.ones(h.shape, h.dtype) for h in heads])
    if grads is program.GUARD_FAILED:
        return "not compiled: the program did not replay its own recording"
    eager = {a._node: g._data for a, g in zip(bw.marked, bw.grads)}
    noise = check.rounding_noise(results)
    for lf, g in zip(prog.grad_leaves, grads):
        e = eager.get(lf.var)
        if e is None:
            e = _onp.zeros(lf.var.shape, lf.var.dtype)
        if (g is None and e.any()) or (g is not None and not check.close(g, e, noise)):
            return "not compiled: the compiled gradient disagreed with eager mode"
    prog.op = Op(f"compiled:{name}", _compiled_rule, into=True)
    prog.first_saved = saved
    prog.compile_seconds = time.perf_counter() - t0
    return prog


def _quiet_backward(prog, saved, head_grads):
    """``prog.run_backward`` with Numba's pedantic SSA warning silenced (as ``_quiet_run``;
    the warning class is imported here, where it is used)."""
    from numba.core.errors import NumbaIRAssumptionWarning
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', NumbaIRAssumptionWarning)
        return prog.run_backward(saved, head_grads)


def _same(got, results):
    """Whether a program's heads equal the eager results (shape, and up to rounding)."""
    return all(g.shape == r.shape and check.close(g, r) for g, r in zip(got, results))


def _quiet_run(prog, args):
    from numba.core.errors import NumbaIRAssumptionWarning  # (here: no Numba at import)
    with warnings.catch_warnings():
        # Numba's pedantic SSA check warns about the inlined float32 tanh; harmless
        warnings.simplefilter('ignore', NumbaIRAssumptionWarning)
        return prog.run(args)


def _node_inputs(prog, args):
    """A 'return' program's tape-node inputs: the arguments, then the closed-over marked
    arrays it differentiates; and where each of its gradients goes among them."""
    inputs, where = list(args), []
    for lf in prog.grad_leaves:
        if lf.pos is not None:
            where.append(lf.pos)
        else:
            where.append(len(inputs))
            inputs.append(lf.obj)
    return inputs, where


class _CompiledNode(Node):
    """The tape node of a compiled call inside ``record()``: releasing it (a backward
    without ``retain_graph``) also drops the residuals its forward kept, so they are
    freed while the results live on."""
    __slots__ = ()

    def release(self):
        Node.release(self)
        self.attrs = None


def _node_call(prog, args, names, out):
    """The results of a replayed call inside ``record()``: one tape node whose backward
    runs the backward half of ``prog`` on this call's residuals (``_compiled_rule``).
    ``out``: ``(results, residuals)`` as ``prog.run`` gives them."""
    results, saved = out
    inputs, where = _node_inputs(prog, args)
    outs = [wrap(o) for o in results]
    if any(a._node is not None for a in inputs):
        node = _CompiledNode(prog.op, inputs, tuple(results), (prog, where, saved))
        for i, o in enumerate(outs):
            o._node, o._idx = node, i
    return outs[0] if len(outs) == 1 else tuple(outs)


def _compiled_rule(node, grads, needs):
    """Backward of a compiled call: the program's backward half on the residuals its
    forward kept for this call, with the incoming head gradients (the forward is not
    evaluated again)."""
    prog, where, saved = node.attrs
    if state.recording:
        raise GraphError(
            f"create_graph=True through {node.op.name!r}: a compiled function's backward is "
            "not recorded, so it has no higher-order gradients; call the function uncompiled "
            "(or hybridize(active=False)) inside record() to differentiate twice")
    hg = []
    for g, o in zip(grads, node.outputs):
        hg.append(_onp.zeros_like(o) if g is None else
                  _onp.ascontiguousarray(g._data, dtype=o.dtype))
    # the engine's offer (a 'write' leaf's .grad, ``engine._offer``): the gradients the
    # program stores whole are written straight into it, and handed back as that array
    offered = needs.into if type(needs) is Offer else None
    into = None if offered is None else [
        None if offered[k] is None else offered[k]._data for k in where]
    out = prog.run_backward(saved, hg, [needs[k] for k in where], into)
    if out is program.GUARD_FAILED:
        raise GraphError(f"backward of {node.op.name!r}: a branch of its backward went "
                         "another way than when it was recorded; call it uncompiled")
    ins = node.inputs
    res = [None] * len(ins)
    for j, (k, g) in enumerate(zip(where, out)):
        if g is not None:
            if into is not None and into[j] is g:
                res[k] = offered[k]
            else:
                res[k] = wrap(g.astype(ins[k].dtype, copy=False))
    return tuple(res)


def _traced_node(name, tr, heads, args, many):
    """The results of the recording call inside ``record()``: one tape node over the
    arguments (and the closed-over marked arrays) whose backward runs the recording's own
    tape (eagerly) with the incoming head gradients."""
    deps = engine._collect([h for h in heads if h._node is not None])
    stand = {id(a) for a in tr.call_args}
    inputs = list(args)
    found = {}
    for n in deps:
        if type(n) is Variable:
            continue
        for a in n.inputs:
            v = a._node
            if (type(v) is Variable and not v.edges and id(a) not in stand
                    and v.grad_req != 'null' and v not in found):
                found[v] = a
    inputs += list(found.values())
    variables = [tr.call_args[i] if isinstance(tr.call_args[i], ndarray)
                 and tr.call_args[i]._data.dtype.kind == 'f' and tr.call_args[i] is not args[i]
                 else None for i in range(len(args))] + list(found.values())
    outs = [wrap(h._data) for h in heads]
    taped = [h for h in heads if h._node is not None]
    if taped and any(a._node is not None for a in inputs):
        def rule(node, grads, needs):
            if state.recording:
                raise GraphError(f"create_graph=True through {node.op.name!r}: a compiled "
                                 "function's backward is not recorded (call it uncompiled "
                                 "to differentiate twice)")
            keep = [i for i, v in enumerate(variables) if v is not None]
            hs = [h for h in heads if h._node is not None]
            hg = [g for g, h in zip(grads, heads) if h._node is not None]
            got = engine.backward(hs, head_grads=hg, variables=[variables[i] for i in keep],
                                  retain_graph=True)
            res = [None] * len(inputs)
            for i, g in zip(keep, got):
                res[i] = g
            return tuple(res)
        node = Node(Op(f"compiled:{name}", rule), inputs, tuple(h._data for h in heads), None)
        for i, o in enumerate(outs):
            o._node, o._idx = node, i
    return tuple(outs) if many else outs[0]


def _build(low, grads, call_args, results, before, rng=None, background=False):
    """Build the program and check it once against the eager results of the recording call
    (``check``): now, or on a thread of its own (``tier``) when ``background`` and the
    program allows it (the program then carries its ``pending`` job).

    Returns (Program, None), or (None, reason) when it disagrees with eager mode (a safety
    net: a fallback is slower, never wrong).
    """
    t0 = time.perf_counter()
    try:
        prog = program.build(low, grads)
    except Unsupported as err:
        return None, f"not compiled: {err}"
    eager = []                 # each marked input's contribution of the recording call
    for lf in prog.grad_leaves:
        g = lf.var.grad._data
        if lf.req == 'add' or not lf.reached:     # (unreached: eager mode kept it)
            g = g - before[id(lf)]
        eager.append(g)
    background = background and not tier.needs_foreground(prog)
    chk = check.snapshot(prog, call_args, results, eager, rng if not background else None,
                         copy=background)
    if background:
        prog.pending = tier.Pending(prog, chk, t0)
        return prog, None
    from numba.core.errors import NumbaIRAssumptionWarning  # (here: no Numba at import)
    with warnings.catch_warnings():
        # Numba's pedantic SSA check warns about the inlined float32 tanh; harmless
        warnings.simplefilter('ignore', NumbaIRAssumptionWarning)
        reason = check.check_run(prog, chk)   # compiles (or loads from the disk cache) here
    prog.compile_seconds = time.perf_counter() - t0
    return (None, reason) if reason else (prog, None)
