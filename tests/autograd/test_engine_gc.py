"""The engine pauses Python's cyclic collector during a backward pass and restores it."""
import gc

import numpy as onp
import pytest

from autodiff import autograd, np
from autodiff.errors import ShapeError


def _graph():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    return x, y


def test_collector_is_paused_during_the_pass_and_enabled_after():
    seen = []

    class Probe(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            seen.append(gc.isenabled())
            return dy * 3

    x = np.array([1.0, 2.0])
    x.attach_grad()
    assert gc.isenabled()
    with autograd.record():
        y = Probe()(x).sum()
    y.backward()
    assert seen == [False]
    assert gc.isenabled()
    onp.testing.assert_allclose(x.grad.asnumpy(), [3.0, 3.0])


def test_collector_is_enabled_again_when_the_pass_raises():
    x, y = _graph()
    with pytest.raises(ShapeError):
        y.backward(np.array([1.0, 2.0]))          # a head gradient of the wrong shape
    assert gc.isenabled()

    class Bad(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            raise RuntimeError("boom")

    x = np.array([1.0])
    x.attach_grad()
    with autograd.record():
        z = Bad()(x)
    with pytest.raises(RuntimeError, match="boom"):
        z.backward()
    assert gc.isenabled()


def test_a_collector_disabled_by_the_user_stays_disabled():
    x, y = _graph()
    gc.disable()
    try:
        y.backward()
        assert not gc.isenabled()
    finally:
        gc.enable()
    onp.testing.assert_allclose(x.grad.asnumpy(), [2.0, 4.0])
