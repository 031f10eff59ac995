"""Order a program's values into steps: fused loops, BLAS calls, views, guards.

Fusion: each elementwise value gets a loop shape — its own, or the one shape all its
users run in when it broadcasts to it (a small value such as a head gradient or a row's
log-sum is then recomputed inside the bigger loop instead of stored).  A reduction runs in
the loop of its argument, as a sink.  Walking the values in order, a value joins the
latest group of its loop shape when everything it reads is ready before that group runs
(a register of the group, or made by an earlier step); otherwise it opens a new group.
So forward and backward elementwise work on one shape share one pass over memory.
A value is stored (materialized) only when another step, a guard or the caller needs it.
"""
import math

from .ir import Unsupported

_SINKS = ('sum', 'max', 'min')


class Group:
    """A fused loop over ``shape``: register ``members`` (ew), reduction ``sinks``, the
    outside ``inputs`` it reads, and the ``outputs`` it stores as ``(value, mode)``."""
    __slots__ = ('index', 'shape', 'members', 'sinks', 'inputs', 'outputs', 'loop', 'view',
                 'split')
    kind = 'group'

    def __init__(self, index, shape):
        self.index, self.shape = index, shape
        self.members, self.sinks, self.inputs, self.outputs = [], [], [], []
        self.loop, self.view = None, {}
        self.split = False          # run by two threads (set by ``program``)

    def collapse(self):
        """Merge neighbouring loop axes that every array reads alike (all full or all
        broadcast), and drop axes of length 1, as NumPy's iterator does: ``loop`` is the
        loop shape the kernel runs and ``view[value id]`` the shape each array is given.
        A (2000, 2000) elementwise program then runs as one flat loop."""
        full_shape = self.shape or (1,)
        d = len(full_shape)
        arrays = self.inputs + [v for v, _ in self.outputs] + self.sinks

        def reads(shape):
            k = len(shape)
            return [(shape[ax - d + k] if ax - d + k >= 0 else 1) == full_shape[ax]
                    for ax in range(d)]
        mode = {v.id: reads(v.shape) for v in arrays}
        axes = [ax for ax in range(d) if full_shape[ax] != 1] or [d - 1]
        runs = []
        for ax in axes:
            if runs and all(m[runs[-1][-1]] == m[ax] for m in mode.values()):
                runs[-1].append(ax)
            else:
                runs.append([ax])
        self.loop = tuple(math.prod(full_shape[a] for a in r) for r in runs)
        self.view = {vid: tuple(n if m[r[0]] else 1 for n, r in zip(self.loop, runs))
                     for vid, m in mode.items()}


class Single:
    """One value made by a step of its own: ``matmul``, ``scatter``, ``concat``, a view, or
    an op's eager code (``opaque``, ``opaque_grad``: bound per call, like a view)."""
    __slots__ = ('index', 'value')

    def __init__(self, index, value):
        self.index, self.value = index, value

    @property
    def kind(self):
        return self.value.kind


class Guard:
    """Check that a value's truth is what it was when the function was recorded."""
    __slots__ = ('value', 'expect')
    kind = 'guard'

    def __init__(self, value, expect):
        self.value, self.expect = value, expect


def _broadcasts(small, big):
    if len(small) > len(big):
        return False
    return all(s == 1 or s == b for s, b in zip(small[::-1], big[::-1]))


def live_values(values, roots):
    """The values the roots depend on, in order (dead code removed)."""
    live = {v.id for v in roots}
    for v in reversed(values):
        if v.id in live:
            live.update(a.id for a in v.args)
    return [v for v in values if v.id in live]


def schedule(values, roots, guards, given=frozenset()):
    """(steps, stored): the ordered steps and the ids of values kept in memory.

    ``roots``: values the caller reads (heads, gradients); ``guards``: (value, expect);
    ``given``: ids of values made before these steps run (a backward half's residuals),
    read like inputs.
    """
    keep = {v.id for v in roots} | {v.id for v, _ in guards}
    users = {v.id: [] for v in values}
    for v in values:
        for a in v.args:
            users[a.id].append(v)

    loop = {}
    for v in reversed(values):
        if v.id in given:
            continue
        if v.kind in _SINKS:
            loop[v.id] = v.args[0].shape
        elif v.kind == 'ew':
            shape = v.shape
            us = users[v.id]
            if v.id not in keep and us and all(u.kind == 'ew' or u.kind in _SINKS for u in us):
                shapes = {loop[u.id] for u in us}
                if len(shapes) == 1:
                    (big,) = shapes
                    if big != shape and _broadcasts(shape, big):
                        shape = big
            loop[v.id] = shape

    steps, latest, ready, group_of = [], {}, {}, {}

    def available(a, g):
        if a.kind == 'input' or a.id in given:
            return True
        if group_of.get(a.id) is g:
            return a.kind == 'ew'          # a register; a sink's result is not ready inside
        return ready[a.id] < g.index

    for v in values:
        if v.kind == 'input' or v.id in given:
            ready[v.id] = -1
            continue
        if v.kind == 'ew' or v.kind in _SINKS:
            shape = loop[v.id]
            g = latest.get(shape)
            if g is None or not all(available(a, g) for a in v.args):
                g = Group(len(steps), shape)
                steps.append(g)
                latest[shape] = g
            (g.sinks if v.kind in _SINKS else g.members).append(v)
            group_of[v.id] = g
            ready[v.id] = g.index
        elif v.kind in ('matmul', 'scatter', 'concat', 'reshape', 'transpose', 'getitem',
                        'opaque', 'opaque_grad'):
            steps.append(Single(len(steps), v))
            ready[v.id] = len(steps) - 1
        else:
            raise Unsupported(f"a value of kind {v.kind!r}")

    # what each group reads from outside and must store
    stored = set()
    for v in values:
        if v.id in given:
            continue
        if v.kind in ('matmul', 'scatter', 'concat') or v.kind in _SINKS:
            stored.add(v.id)
        elif v.kind == 'ew':
            g = group_of[v.id]
            if v.id in keep or any(group_of.get(u.id) is not g for u in users[v.id]):
                stored.add(v.id)
    for g in steps:
        if g.kind != 'group':
            continue
        seen = set()
        for v in g.members + g.sinks:
            for a in v.args:
                inside = group_of.get(a.id) is g and a.kind == 'ew'
                if not inside and a.id not in seen:
                    seen.add(a.id)
                    g.inputs.append(a)
        g.outputs = [(v, 'write') for v in g.members if v.id in stored]
        g.collapse()

    # guards run right after the step that makes their value
    order = []
    after = {}
    for v, expect in guards:
        after.setdefault(ready[v.id], []).append(Guard(v, expect))
    order += after.get(-1, [])
    for st in steps:
        order.append(st)
        order += after.get(st.index, [])
    return order, stored
