"""``Compiled``: a function recorded per input signature and control-flow path, then replayed.

Contract: ``compiled(*arrays)`` does what ``with autograd.record(): y = fn(*arrays)``
followed by ``y.backward()`` does (a non-scalar ``y`` gets a head gradient of ones; a tuple
of results is ``autograd.backward`` of all of them): it returns ``y``'s value (arrays
without recorded history; eager mode's graph would be freed by that backward anyway) and
fills ``.grad`` of the marked inputs by their ``grad_req``.

Keyword arguments are bound to ``fn``'s parameters: those that can be passed by position
are, the others follow by sorted name (the names are part of the signature).

Per signature (shapes, dtypes, marks and grad_req of the arguments) it keeps up to
``MAX_PATHS`` recorded paths.  A call replays the last path that ran; if one of its guards
sees another branch, the other paths are tried, and if none fits, the function is
recorded again (that call runs eagerly) and the new path is compiled.
"""
import inspect
import time
import warnings

import numpy as _onp
from numba.core.errors import NumbaIRAssumptionWarning

from .. import engine
from ..graph import build_graph
from ..errors import GraphError
from ..ndarray import ndarray, wrap
from ..tape import Variable
from . import ad, lower, program, trace
from .graph import mark_recorded_graph, program_graph
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

    def __init__(self, fn):
        self.fn = fn
        self._entries = {}          # signature -> Fallback or list of Programs (paths)
        self._last = None
        self._signature = None      # inspect.Signature of fn, on the first keyword call
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, '__name__', 'compiled')
        self.__doc__ = getattr(fn, '__doc__', None)

    # ---- introspection ------------------------------------------------------------------
    def _program(self):
        return self._last if isinstance(self._last, program.Program) else None

    @property
    def fallback_reason(self):
        """Why the last call's signature runs eagerly, or None when it ran compiled."""
        e = self._last
        return e.reason if isinstance(e, Fallback) else None

    @property
    def compiled(self):
        """Whether the last call's signature runs as a compiled program."""
        return self._program() is not None

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
        e = self._last
        if e is None:
            raise GraphError("nothing recorded yet: call the compiled function first")
        if e.graph is None:
            raise GraphError(f"no graph was recorded for this signature ({e.reason})")
        return e.graph

    # ---- calls --------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """``fn(*args, **kwargs)`` with its backward: replayed, recorded, or run eagerly."""
        names = ()
        if kwargs:
            args, names = self._bind(args, kwargs)
        key = self._key(args, names)
        if key is None:
            self._last = Fallback(self._refusal(args, names))
            return self._eager(args, names)
        entry = self._entries.get(key)
        if entry is None:
            return self._record(key, args, names)
        if isinstance(entry, Fallback):
            self._last = entry
            return self._eager(args, names)
        for k in range(len(entry) - 1, -1, -1):      # the most recent path first
            prog = entry[k]
            out = prog.run(args)
            if out is program.STALE:
                del self._entries[key]
                return self._record(key, args, names)
            if out is not program.GUARD_FAILED:
                if k != len(entry) - 1:
                    entry.append(entry.pop(k))
                self._last = prog
                return self._wrap(out)
        if len(entry) >= MAX_PATHS:
            self._entries[key] = self._last = Fallback(
                f"more than {MAX_PATHS} control-flow paths for one signature")
            return self._eager(args, names)
        return self._record(key, args, names, entry)

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
    def _key(args, names=()):
        """The signature: shapes, dtypes and marks of the inputs, and the keyword names
        (None: do not compile)."""
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

    def _eager(self, args, names=()):
        with trace.recording():
            y = trace.call(self.fn, args, names)
        heads = list(y) if isinstance(y, (tuple, list)) else [y]
        engine.backward(heads)
        return y

    def _record(self, key, args, names, paths=None):
        """Record fn, run its backward eagerly (this call's result), then compile the path."""
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
        graph = build_graph(heads if many else out)
        reason, low, grads = None, None, None
        draws = sorted({r for r in tr.reads if r.startswith('np.random.')})
        if draws:
            reason = ("random draws inside the function: a replay would repeat the recorded "
                      f"draws ({', '.join(draws)}); pass them in as arguments instead")
        elif tr.wrote:
            reason = ("an in-place write inside the function (x[...] = v, x += y): a replay "
                      "would not repeat it")
        elif tr.reads:
            reason = ("data-dependent control flow: the function read array values into "
                      f"Python ({', '.join(sorted(set(tr.reads)))})")
        else:
            try:
                low = lower.lower(heads, tr.guards, tr)
                for lf in low.leaves:
                    lf.reached = lf.var in deps
                wanted = [v for v in low.builder.values
                          if v.kind == 'input' and low.leaves[v.attrs].grad]
                grads = ad.gradients(low.builder, low.heads, wanted)
                if not wanted:
                    raise Unsupported("no marked input reaches the result")
            except Unsupported as err:
                reason, low = f"not compiled: {err}", None
        before = None
        if low is not None:
            before = {id(lf): lf.var.grad._data.copy() for lf in low.leaves if lf.grad}
        engine.backward(heads)
        results = [h._data for h in heads]
        value = tuple(wrap(r) for r in results) if many else wrap(results[0])
        prog = None
        if low is not None:
            prog, reason = _build(low, grads, tr.call_args, results, before)
        mark_recorded_graph(graph, prog, reason)
        if prog is None:
            entry = Fallback(reason, graph)
            if paths:      # other paths compiled: keep them, this one runs eagerly
                self._last = entry
                return value
            self._entries[key] = self._last = entry
            return value
        prog.graph = graph
        if paths is None:
            paths = self._entries[key] = []
        paths.append(prog)
        self._last = prog
        return value


def _build(low, grads, call_args, results, before):
    """Compile and check the program once against the eager results of the recording call.

    Returns (Program, None), or (None, reason) when it disagrees with eager mode (a safety
    net: a fallback is slower, never wrong).
    """
    t0 = time.perf_counter()
    try:
        prog = program.build(low, grads)
    except Unsupported as err:
        return None, f"not compiled: {err}"
    # check on scratch gradient buffers: zeros, so 'add' and 'write' give the contribution
    saved = []
    for lf in low.leaves:
        if lf.grad:
            saved.append(lf.var.grad)
            lf.var.grad = wrap(_onp.zeros(lf.var.grad.shape, lf.var.grad.dtype))
    scratch = [lf.var.grad for lf in low.leaves if lf.grad]
    try:
        with warnings.catch_warnings():
            # Numba's pedantic SSA check warns about the inlined float32 tanh; harmless
            warnings.simplefilter('ignore', NumbaIRAssumptionWarning)
            got = prog.run(list(call_args))      # compiles (or loads from the disk cache) here
    finally:
        k = 0
        for lf in low.leaves:
            if lf.grad:
                lf.var.grad = saved[k]
                k += 1
    prog.compile_seconds = time.perf_counter() - t0
    if got is program.GUARD_FAILED or got is program.STALE:
        return None, "not compiled: the program did not replay its own recording"
    for g, r in zip(got, results):
        if g.shape != r.shape or not _close(g, r):
            return None, "not compiled: the compiled program disagreed with eager mode"
    noise = _rounding_noise(results)
    k = 0
    for lf in low.leaves:
        if lf.grad:
            eager = lf.var.grad._data
            if lf.req == 'add' or not lf.reached:     # (unreached: eager mode kept it)
                eager = eager - before[id(lf)]
            if not _close(scratch[k]._data, eager, noise):
                return None, "not compiled: the compiled gradient disagreed with eager mode"
            k += 1
    return prog, None


def _close(got, want, noise=0.0):
    """``got`` equals ``want`` up to rounding: relative to ``want``'s largest finite value, and
    within ``noise`` (absolute) where the true value is zero and both hold rounding residue."""
    tol = 1e-4 if want.dtype == _onp.float32 else 1e-9
    fin = _onp.isfinite(want)
    scale = float(_onp.max(_onp.abs(want[fin]))) if fin.any() else 0.0
    return bool(_onp.allclose(got, want, rtol=tol, atol=max(tol * scale, noise),
                              equal_nan=True))


def _rounding_noise(results):
    """The rounding residue a gradient can hold where its true value is zero: a few ulps of
    the results' magnitude, at least of 1 (e.g. ``softmax(a).sum(axis=-1)``, whose gradient
    is zero in exact arithmetic, gives eager and compiled gradients of different ~1e-8
    residues in float32)."""
    noise = 0.0
    for r in results:
        fin = r[_onp.isfinite(r)] if r.dtype.kind == 'f' else None
        if fin is not None and fin.size:
            noise = max(noise, 16 * float(_onp.finfo(r.dtype).eps) *
                        max(1.0, float(_onp.max(_onp.abs(fin)))))
    return noise
