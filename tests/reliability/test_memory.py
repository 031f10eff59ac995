"""Memory: graphs and saved buffers die by reference counting alone (no cycles), after a
backward without retain_graph and when no array refers to them; deep chains work.

Automatic gc is disabled inside the checks, so a buffer that dies only did so because its
last reference went away, not because the cycle collector happened to run."""
import gc
import sys
import weakref

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.ndarray import ndarray
from autodiff.tape import Node, Variable
from autodiff.function import Function

BIG = 200_000            # elements: 1.6 MB of float64 per buffer


@pytest.fixture
def no_auto_gc():
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def leaf(n=BIG):
    x = np.array(onp.linspace(0.1, 1.0, n), dtype='float64')
    x.attach_grad()
    return x


def _ours_in_garbage():
    """Collect with DEBUG_SAVEALL and return the library objects found in cycles."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        # type(), not isinstance(): the garbage may hold dead weak proxies
        found = [o for o in gc.garbage
                 if type(o) in (ndarray, Node, Variable) or issubclass(type(o), Function)
                 or (type(o) is onp.ndarray and o.size >= 1000)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


def test_intermediate_buffer_freed_after_backward(no_auto_gc):
    x = leaf()
    with autograd.record():
        h = np.exp(x)                     # exp saves its output for backward
        y = (h * h).sum()
    ref = weakref.ref(h._data)
    del h                                 # only the graph holds the buffer now
    assert ref() is not None
    y.backward()                          # frees the graph: nothing holds it
    assert ref() is None
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.exp(2 * x.asnumpy()), rtol=1e-12)


def test_graph_freed_when_no_array_refers_to_it(no_auto_gc):
    x = leaf()
    with autograd.record():
        h = np.tanh(x) * 3
        y = np.log(h * h + 1).sum()
    refs = [weakref.ref(h._data), weakref.ref(y._node)]
    del h, y                               # never differentiated
    assert all(r() is None for r in refs)
    assert x.grad is not None              # the leaf itself lives on


def test_retained_graph_kept_then_freed_by_del(no_auto_gc):
    x = leaf()
    with autograd.record():
        h = np.sin(x)
        y = (h * x).sum()
    ref = weakref.ref(h._data)
    del h
    y.backward(retain_graph=True)
    assert ref() is not None               # retained for a replay
    y.backward()
    assert ref() is None


def test_saved_constant_freed_after_backward(no_auto_gc):
    x = leaf()
    c = np.array(onp.full(BIG, 2.0))
    with autograd.record():
        y = (x * c).sum()
    ref = weakref.ref(c._data)
    del c
    assert ref() is not None               # saved by multiply
    y.backward()
    assert ref() is None


def test_outputs_outlive_the_freed_graph(no_auto_gc):
    """After backward the result array still has its data; only the saved values go."""
    x = leaf()
    with autograd.record():
        h = np.exp(x)
        y = h * 2
    saved = weakref.ref(y._node.inputs[0]._data)    # h's buffer
    del h
    y.backward()
    assert saved() is None
    onp.testing.assert_allclose(y.asnumpy(), 2 * onp.exp(x.asnumpy()))


class Scale(Function):
    def forward(self, a):
        e = np.exp(a)                     # computed in forward, kept for backward
        self.save_for_backward(e)
        return e * 2

    def backward(self, g):
        e, = self.saved_tensors
        return g * e * 2


def test_custom_function_saved_tensors_freed_after_backward(no_auto_gc):
    x = leaf()
    with autograd.record():
        y = Scale()(x)
    saved = weakref.ref(y._node.function.saved_tensors[0]._data)
    y.backward()
    assert saved() is None                 # y is alive; its Function's saved tensor is not
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.exp(x.asnumpy()), rtol=1e-12)


def test_custom_function_graph_freed_by_del(no_auto_gc):
    x = leaf()
    with autograd.record():
        y = Scale()(x).sum()
    fn = weakref.ref(y._node.inputs[0]._node.function)
    del y
    assert fn() is None


def test_no_cycles_left_by_record_backward_and_del(no_auto_gc):
    """A training-like loop (built-in ops, a custom Function, setitem, a marked
    intermediate, autograd.grad, create_graph) leaves nothing of ours for the cycle
    collector."""
    _ours_in_garbage()                     # warm up: compile kernels, flush old garbage
    for _ in range(2):
        x = leaf(1000)
        w = leaf(1000)
        with autograd.record():
            h = x * w
            h.attach_grad()
            buf = np.zeros(1000, dtype='float64')
            buf[:] = np.tanh(h)
            y = (Scale()(buf) + np.exp(x)).sum()
        y.backward()
        with autograd.record():
            z = (np.sin(x) * w).sum()
        gx, = autograd.grad(z, [x], create_graph=True)
        with autograd.record():
            s = gx.sum()
        s.backward()
        w -= 0.1 * w.grad
        del x, w, h, buf, y, z, gx, s
        assert _ours_in_garbage() == []


def test_marked_intermediate_makes_no_cycle(no_auto_gc):
    """A mark on an intermediate (a new leaf, MXNet 1.9.1) makes no reference cycle: the
    buffers of a graph through it die as soon as the arrays go."""
    x = leaf()
    with autograd.record():
        h = np.exp(x)
        h.attach_grad()
        y = (h * x).sum()
    refs = [weakref.ref(h._data), weakref.ref(h.grad._data)]
    del h, y
    assert [r() for r in refs] == [None, None]


def test_gc_collect_finds_nothing_new_after_a_step(no_auto_gc):
    """With automatic gc off, a record/backward/del step creates no cyclic garbage at all."""
    def step():
        x = leaf(1000)
        with autograd.record():
            y = (npexp(x) * Scale()(x)).sum()
        y.backward()
    npexp = np.exp
    step()
    gc.collect()
    step()
    assert gc.collect() == 0


def test_deep_chain_backward_and_del():
    """100,000 recorded ops: backward is iterative (no recursion limit) and deleting the
    unfreed chain does not overflow the C stack in chained deallocations."""
    limit = sys.getrecursionlimit()
    x = np.array([1.5], dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = x
        for _ in range(100_000):
            y = y * 1.00001
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [1.00001 ** 100_000], rtol=1e-9)
    assert sys.getrecursionlimit() == limit
    with autograd.record():
        y = x
        for _ in range(100_000):
            y = np.sin(y) + 1.0           # not differentiated: the whole chain stays
    del y                                   # must not crash
    gc.collect()


def test_autograd_grad_frees_the_graph_unless_retained(no_auto_gc):
    x = leaf()
    with autograd.record():
        h = np.cos(x)
        y = (h * h).sum()
    ref = weakref.ref(h._data)
    del h
    g, = autograd.grad(y, [x], retain_graph=True)
    assert ref() is not None
    g2, = autograd.grad(y, [x])
    assert ref() is None
    onp.testing.assert_allclose(g.asnumpy(), g2.asnumpy())


def test_asnumpy_is_a_copy_so_writing_it_cannot_corrupt_a_graph():
    x = leaf(4)
    with autograd.record():
        y = (x * x).sum()
    x.asnumpy()[:] = 100.0
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.linspace(0.1, 1.0, 4))
