"""A debugging aid: the thread CPU time of each step of a compiled program.

``time_steps(compiled, run, repeat)`` wraps every step call of the program the
``autograd.compile`` object ``compiled`` last ran (both halves of a program cut for
``record()``), calls ``run()`` ``repeat`` times, restores the steps and returns one
``StepTime`` per step; ``format_step_times(rows)`` lays them out one line a step, e.g.
to compare a compiled LeNet step with the eager ops it replaces.  Thread CPU time
(``time.thread_time_ns``): another thread's work (a second BLAS or convolution thread)
is not counted, so read it beside the step's wall time.
"""
import time
from collections import namedtuple

from . import program as _program

# index: step number; kind: 'group', 'matmul', 'opaque', ...; label: what it computes;
# calls: how often it ran; micros: thread CPU per call (µs)
StepTime = namedtuple('StepTime', 'index kind label calls micros')


def _label(st):
    if st.kind == 'group':
        return f"loop {st.loop} ({len(st.members)} values, {len(st.sinks)} sums)"
    if st.kind == 'guard':
        return 'guard'
    v = st.value
    if v.kind == 'opaque':
        return f"{v.attrs[0].name} -> {v.shape}"
    if v.kind == 'opaque_grad':
        return f"{v.args[0].attrs[0].name} gradient {v.attrs[0]} -> {v.shape}"
    return f"{v.kind} -> {v.shape}"


def time_steps(compiled, run, repeat=20):
    """One ``StepTime`` per step of ``compiled``'s last program (an ``autograd.compile``
    object, or a ``Program``), over ``repeat`` calls of ``run()`` (which must call it)."""
    prog = compiled if isinstance(compiled, _program.Program) else compiled.program
    if prog is None:
        raise ValueError("time_steps: the function has no compiled program (it has not "
                         "run, or it fell back: see fallback_reason)")
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
        raise ValueError(f"time_steps: repeat must be a positive int, got {repeat!r}")
    ns, counts = {}, {}

    def timed(st, call):
        key = id(st)

        def step(env):
            t0 = time.thread_time_ns()
            try:
                return call(env)
            finally:
                ns[key] = ns.get(key, 0) + time.thread_time_ns() - t0
                counts[key] = counts.get(key, 0) + 1
        return step

    split = getattr(prog, 'bcalls', None) is not None
    nf = len(prog.calls)
    saved = (prog.calls, getattr(prog, 'bcalls', None), getattr(prog, 'bcalls_for', None))
    subset = _program._backward_subset

    def timed_subset(p, needs):
        calls, slots, running = subset(p, needs)
        return [timed(st, c) for st, c in zip(running, calls)], slots, running
    try:
        prog.calls = [timed(st, c) for st, c in zip(prog.steps[:nf], prog.calls)]
        if split:
            prog.bcalls = [timed(st, c) for st, c in zip(prog.steps[nf:], prog.bcalls)]
            prog.bcalls_for = {}             # (rebuilt, timed, by the patched subset)
            _program._backward_subset = timed_subset
        for _ in range(repeat):
            run()
    finally:
        _program._backward_subset = subset
        prog.calls = saved[0]
        if split:
            prog.bcalls, prog.bcalls_for = saved[1], saved[2]
    rows = []
    for i, st in enumerate(prog.steps):
        c = counts.get(id(st), 0)
        rows.append(StepTime(i, st.kind, _label(st), c,
                             ns.get(id(st), 0) / 1e3 / c if c else 0.0))
    return rows


def format_step_times(rows):
    """The rows of ``time_steps`` as text: one line a step, then the total per call."""
    lines = [f"{r.index:4d} {r.micros:9.1f} us  x{r.calls:<4d} {r.label}" for r in rows]
    calls = max((r.calls for r in rows), default=0)
    total = sum(r.micros * r.calls for r in rows) / calls if calls else 0.0
    lines.append(f"     {total:9.1f} us  per call, all steps")
    return "\n".join(lines)
