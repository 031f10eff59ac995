"""Anomaly mode: raise at the first op whose forward result or backward gradient holds NaN/inf.

Without it, NaN and inf propagate as in NumPy (``log(-1)`` is NaN, ``log(0)`` is -inf).
With ``detect_anomaly()`` (or ``set_detect_anomaly(True)``; per thread) every *recorded*
op -- built-in, multi-output (``split``) or a custom ``Function`` -- checks its outputs
when it runs, and every backward rule checks the gradients it returns; the
``AnomalyError`` (a ``FloatingPointError``) names the op and the node.  Ops that are not
recorded (no input has history, or outside ``record()``) are not checked: they cannot
affect a gradient.
"""
import contextlib

import numpy as _onp

from ._state import state
from .errors import AnomalyError


@contextlib.contextmanager
def detect_anomaly(enabled=True):
    """Inside this block every recorded op checks its results for NaN and inf and raises
    ``AnomalyError`` naming the op that first produced one (forward or backward)."""
    prev = state.anomaly
    state.anomaly = enabled
    try:
        yield
    finally:
        state.anomaly = prev


def set_detect_anomaly(enabled):
    """Turn anomaly mode on or off for this thread; returns the previous setting."""
    prev, state.anomaly = state.anomaly, bool(enabled)
    return prev


def _bad(d):
    return d.dtype.kind == 'f' and d.size and not _onp.isfinite(d).all()


def check_forward(node):
    """Raise if an output of ``node`` holds NaN or inf."""
    for i, d in enumerate(node.outputs):
        if _bad(d):
            raise AnomalyError(f"op {node.op.name!r} (node n{node.id}) produced NaN or inf in "
                               f"output {i} of shape {d.shape} during forward")


def check_backward(node, in_grads):
    """Raise if a gradient that ``node``'s backward rule produced holds NaN or inf."""
    for i, g in enumerate(in_grads):
        if g is not None and _bad(g._data):
            raise AnomalyError(f"backward of op {node.op.name!r} (node n{node.id}) produced "
                               f"NaN or inf in the gradient of input {i} (shape {g.shape})")
