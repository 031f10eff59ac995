"""How many objects Python's cyclic GC tracks per recorded op (W5: a long recording's full
collections walk every one of them, so their number is the per-op GC cost).  A count, not a
time: a one- or two-input op keeps its result array and its node (``tape.Node`` stores one
or two inputs inline, without the inputs and edges tuples: a two-input op kept six)."""
import gc
import statistics

import numpy as onp

from autodiff import autograd, np


def _tracked_per_op(op):
    """Tracked objects per op, the median of 5 counts: other threads (pytest-xdist's I/O
    thread runs while a nogil kernel holds no GIL) may make or free a few objects in one."""
    return statistics.median(_count(op) for _ in range(5))


def _count(op, n=200):
    x = np.array(onp.full((2, 3), 0.5, onp.float32))
    x.attach_grad()
    with autograd.record():
        y = op(x, x)
        gc.collect()
        before = len(gc.get_objects())
        for _ in range(n):
            y = op(y, x)
        gc.collect()
        after = len(gc.get_objects())
    return (after - before) / n


def test_a_recorded_one_input_op_keeps_two_tracked_objects():
    assert _tracked_per_op(lambda y, x: y * 1.0001) == 2      # the array and its node
    assert _tracked_per_op(lambda y, x: np.sin(y)) == 2


def test_a_recorded_two_input_op_keeps_two_tracked_objects():
    assert _tracked_per_op(lambda y, x: y * x) == 2


def test_the_inline_forms_still_show_inputs_and_edges():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2.0
        z = y * x
    n = z._node
    assert n.inputs == (y, x) and n.inputs[0] is y
    assert n.edges == ((y._node, 0), (x._node, 0))
    assert y._node.inputs[0] is x and y._node.edges == ((x._node, 0),)
