"""The one check of a new program against eager mode: run it on the recording call's
inputs and compare its heads and gradients with the recording's (a safety net: a program
that disagrees is dropped and its signature runs eagerly, which is slower, never wrong).

``snapshot`` takes what the check reads at the recording call — copies when the check
runs later, on another thread (``tier``) —, ``check_run`` runs the program on it with
gradient buffers of its own (``.grad`` is never touched), and ``close`` is the comparison.
"""
import numpy as _onp

from . import opaque, program


class Check:
    """What the check run of a program reads: ``feed`` (one array per program input),
    ``results`` (the recording's heads), ``grads`` (each marked input's eager contribution,
    in ``prog.grad_leaves`` order), ``rng`` (the generator's state before the recording: the
    check repeats its draws) and ``noise`` (``rounding_noise`` of the results)."""
    __slots__ = ('feed', 'results', 'grads', 'rng', 'noise')


def snapshot(prog, call_args, results, eager_grads, rng, copy):
    """The ``Check`` of ``prog`` from the recording call: its arguments ``call_args``, its
    ``results`` and the eager gradients (one array per grad leaf); ``copy``: copies of them
    (the caller may write its arrays before a background check runs)."""
    chk = Check()
    feed = []
    for _, lf, _, _ in prog.inputs:
        d = call_args[lf.pos]._data if lf.pos is not None else lf.obj._data
        fresh = copy or not (d.flags.c_contiguous and d.flags.writeable)     # (as ``run``)
        feed.append(_onp.array(d, order='C') if fresh else d)
    chk.feed = feed
    chk.results = [_onp.array(r) for r in results] if copy else list(results)
    chk.grads = [_onp.array(g) for g in eager_grads] if copy else list(eager_grads)
    chk.rng, chk.noise = rng, rounding_noise(chk.results)
    return chk


def check_run(prog, chk):
    """Run ``prog`` once on ``chk`` (Numba compiles, or loads, its loops here) and compare
    with the eager values: None when it agrees, else why not (a string)."""
    scratch = [_onp.zeros(g.shape, g.dtype) for g in chk.grads]
    with opaque.replay_draws(chk.rng, write_state=False):     # (the recording's draws)
        got = prog.run((), feed=chk.feed, grads=scratch)
    if got is program.GUARD_FAILED or got is program.STALE:
        return "not compiled: the program did not replay its own recording"
    for g, r in zip(got, chk.results):
        if g.shape != r.shape or not close(g, r):
            return "not compiled: the compiled program disagreed with eager mode"
    for s, e in zip(scratch, chk.grads):
        if not close(s, e, chk.noise):
            return "not compiled: the compiled gradient disagreed with eager mode"
    return None


def close(got, want, noise=0.0):
    """``got`` equals ``want`` up to rounding: relative to ``want``'s largest finite value, and
    within ``noise`` (absolute) where the true value is zero and both hold rounding residue."""
    tol = 1e-4 if want.dtype == _onp.float32 else 1e-9
    fin = _onp.isfinite(want)
    scale = float(_onp.max(_onp.abs(want[fin]))) if fin.any() else 0.0
    return bool(_onp.allclose(got, want, rtol=tol, atol=max(tol * scale, noise),
                              equal_nan=True))


def rounding_noise(results):
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
