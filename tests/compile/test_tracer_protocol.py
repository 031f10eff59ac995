"""The tracer protocol (``autodiff._state.Tracer``): ``autograd.compile``'s recording is told of
ops (``on_op``), value reads (``on_read``) and draws that are no op (``on_draw``) by the library's fixed
points, not by patching ``ndarray`` for the length of a recording; recordings in two threads
run at once, each seeing only its own thread's calls.
"""
import threading

import numpy as onp

from autodiff import np, autograd
from autodiff._state import state, Tracer
from autodiff.ndarray import ndarray
from autodiff.ops.core import registered_ops


class _Log(Tracer):
    """A tracer that writes down every call it gets."""

    def __init__(self):
        self.ops, self.reads, self.draws = [], [], []

    def on_op(self, op, inputs, attrs, outs, node):
        self.ops.append((op if isinstance(op, str) else op.name, node is not None))

    def on_read(self, name, arrays, value=None):
        self.reads.append((name, value))

    def on_draw(self, name):
        self.draws.append(name)


def _with(tracer, fn):
    prev = state.tracer
    state.tracer = tracer
    try:
        return fn()
    finally:
        state.tracer = prev


def test_every_recording_point_reports_to_the_tracer():
    log = _Log()
    x = np.array([1.0, -2.0, 3.0])
    x.attach_grad()
    k = np.array([0.5, 0.5, 0.5])                      # no history: computed off the tape

    class Twice(autograd.Function):
        def forward(self, a):
            return a * 2

        def backward(self, g):
            return g * 2

    def body():
        with autograd.record():
            y = np.sin(x)                               # result, recorded
            a, b = np.split(x, [1])                     # results, recorded
            z = Twice()(y)                              # Function, recorded
            w = np.zeros(3)
            w[:] = z                                    # setitem, recorded
            e = np.exp(k)                               # result, off the tape
            m = x > 0                                   # nondiff: off the tape under a tracer
            d = x.detach()                              # detach: off the tape
        return y, a, b, z, w, e, m, d
    _with(log, body)
    names = [n for n, _ in log.ops]
    for want in ('sin', 'split', 'Twice', 'setitem', 'exp', 'greater', 'detach'):
        assert want in names, (want, names)
    assert ('sin', True) in log.ops and ('split', True) in log.ops
    assert ('Twice', True) in log.ops and ('setitem', True) in log.ops
    assert ('exp', False) in log.ops and ('detach', False) in log.ops


def test_value_reads_and_draws_reach_the_tracer():
    log = _Log()
    x = np.array([2.5])

    def body():
        bool(x > 1)
        float(x)
        int(x)
        x.item()
        x.tolist()
        x.asnumpy()
        onp.asarray(x)
        np.array_equal(x, x)
        np.random.randint(0, 3, size=2)       # a draw that is no op application
        np.random.uniform(size=2)             # a continuous draw: an op, off the tape
    _with(log, body)
    assert ('__bool__', True) in log.reads
    got = [n for n, _ in log.reads]
    for want in ('__float__', '__int__', 'item', 'tolist', 'asnumpy', '__array__', 'array_equal'):
        assert want in got, (want, got)
    assert log.draws == ['randint']
    assert ('random_uniform', False) in log.ops


def test_without_a_tracer_nothing_is_reported_and_reads_work():
    assert state.tracer is None
    x = np.array([3.0])
    assert float(x) == 3.0 and bool(x) and x.item() == 3.0


def test_compile_patches_nothing_on_the_array_class():
    before = dict(vars(ndarray))
    seen = {}

    def f(x):
        seen.update({n: vars(ndarray)[n] for n in ('__bool__', 'item', 'asnumpy', '__array__')})
        return (np.tanh(x) * x).sum()
    x = np.array([0.1, 0.2, 0.3])
    x.attach_grad()
    cf = autograd.compile(f)
    cf(x)
    assert all(seen[n] is before[n] for n in seen)
    assert dict(vars(ndarray)) == before


def test_recordings_in_two_threads_each_see_their_own_reads():
    """Thread A's function branches on data; thread B's reads a value (runs eagerly).  Each
    recording sees only its own thread's read, so A compiles with a guard and B falls back."""
    barrier = threading.Barrier(2, timeout=60)
    out = {}

    def fa(x):
        barrier.wait()
        if (x.sum() > 0):                              # a guard, in thread A only
            y = x * 2
        else:
            y = x * 3
        barrier.wait()
        return (y * y).sum()

    def fb(x):
        barrier.wait()
        x.asnumpy()                                    # a read, in thread B only
        barrier.wait()
        return (x * x).sum()

    def run(name, fn):
        x = np.array([1.0, 2.0])
        x.attach_grad()
        cf = autograd.compile(fn)
        y = cf(x)
        out[name] = (cf, float(y), x.grad.asnumpy())

    ta = threading.Thread(target=run, args=('a', fa))
    tb = threading.Thread(target=run, args=('b', fb))
    ta.start(); tb.start(); ta.join(120); tb.join(120)
    cf_a, ya, ga = out['a']
    cf_b, yb, gb = out['b']
    assert ya == 20.0 and onp.allclose(ga, [8.0, 16.0])
    assert yb == 5.0 and onp.allclose(gb, [2.0, 4.0])
    assert cf_a.fallback_reason is None, cf_a.fallback_reason
    assert 'asnumpy' in (cf_b.fallback_reason or ''), cf_b.fallback_reason


def test_setitem_is_a_registered_op():
    ops = registered_ops()
    assert 'setitem' in ops and all(op.backward is not None for op in ops['setitem'])
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        a = np.zeros(4)
        a[1:3] = x
        loss = (a * a).sum()
    loss.backward()
    assert a._node.op.name == 'setitem'
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 4.0])
