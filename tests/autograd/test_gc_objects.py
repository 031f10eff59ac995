"""How many objects Python's cyclic GC tracks per recorded op (W5: a long recording's full
collections walk every one of them, so their number is the per-op GC cost).  A count, not a
time: a one-input op keeps its result array and its node (``tape.Node`` stores one input
inline, without tuples); a two-input op adds its inputs and edges tuples."""
import gc

import numpy as onp

from autodiff import autograd, np


def _tracked_per_op(op, n=200):
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


def test_a_recorded_two_input_op_keeps_at_most_six():
    # array, node, inputs tuple, edges tuple and one (parent, index) tuple per input
    assert _tracked_per_op(lambda y, x: y * x) <= 6
