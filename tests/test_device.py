"""Devices as objects (``autodiff/device.py``): printing, equality, hashing, the ``with``
scope, arrays' ``ctx``, ``ctx=`` / ``device=`` on creation, ``as_in_ctx`` / ``copyto``, and
the errors for a GPU.  Expected behaviour measured on MXNet 1.9.1 (CPU build, 2026-12):
``repr(npx.cpu())`` is ``cpu(0)``, ``npx.cpu_pinned()`` prints ``cpu_pinned(0)``,
``device_typeid`` is 1 / 2 / 3 for cpu / gpu / cpu_pinned, ``cpu(0) != cpu_pinned(0)``,
``Context(cpu(0))`` copies, ``with npx.cpu(1):`` makes ``np.zeros`` land on ``cpu(1)``,
``x.as_in_ctx(x.ctx) is x``, ``copyto(ctx)`` makes a new array, ``copyto(array)`` casts
into it, and a gradient flows through ``as_in_ctx`` / ``copyto``."""
import threading

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import DeviceError, ShapeError


def test_contexts_print_and_compare_as_mxnet():
    c, g, p = npx.cpu(), npx.gpu(1), npx.cpu_pinned()
    assert (repr(c), str(c), repr(g), repr(p)) == ('cpu(0)', 'cpu(0)', 'gpu(1)', 'cpu_pinned(0)')
    assert (c.device_type, c.device_id, g.device_type, g.device_id) == ('cpu', 0, 'gpu', 1)
    assert (c.device_typeid, g.device_typeid, p.device_typeid) == (1, 2, 3)
    assert c == npx.cpu(0) and c != npx.cpu(1) and c != g and c != npx.cpu_pinned(0)
    assert c != 'cpu(0)'                      # MXNet: a Context never equals a string
    assert hash(c) == hash(npx.cpu(0)) and {npx.cpu(): 1}[npx.cpu(0)] == 1
    assert npx.Context('cpu', 1) == npx.cpu(1) and npx.Context(g) == g
    assert repr(npx.Context('gpu')) == 'gpu(0)' and repr(npx.Context('cpu_shared')) == 'cpu_shared(0)'
    assert npx.Device is npx.Context and npx.num_gpus() == 0


def test_bad_contexts_are_refused_naming_the_argument():
    with pytest.raises(DeviceError, match="device_type must be one of"):
        npx.Context('tpu')
    with pytest.raises(DeviceError, match="device_id must be a non-negative integer"):
        npx.cpu(-1)
    with pytest.raises(DeviceError, match="device_id"):
        npx.cpu(1.5)


def test_with_scope_sets_and_restores_the_default_device():
    assert npx.current_context() == npx.cpu(0)
    with npx.cpu(1) as c:
        assert c == npx.cpu(1) and npx.current_context() == npx.cpu(1)
        assert np.zeros(2).ctx == npx.cpu(1) and np.arange(3).ctx == npx.cpu(1)
        with npx.cpu_pinned():
            assert np.ones(1).ctx == npx.cpu_pinned(0)
        assert npx.current_context() == npx.cpu(1)
    assert npx.current_context() == npx.cpu(0) and np.zeros(2).ctx == npx.cpu(0)


def test_default_device_is_per_thread():
    seen = []
    with npx.cpu(3):
        t = threading.Thread(target=lambda: seen.append(npx.current_context()))
        t.start()
        t.join()
    assert seen == [npx.cpu(0)]


def test_arrays_carry_their_device_object():
    x = np.ones(3)
    assert isinstance(x.ctx, npx.Context) and x.ctx == npx.cpu(0)
    assert x.context == x.ctx and x.device == x.ctx and str(x.ctx) == 'cpu(0)'


CREATORS = [
    lambda **k: np.array([1, 2], **k), lambda **k: np.zeros(2, **k), lambda **k: np.ones(2, **k),
    lambda **k: np.empty(2, **k), lambda **k: np.full(2, 3.0, **k), lambda **k: np.arange(3, **k),
    lambda **k: np.linspace(0, 1, 3, **k), lambda **k: np.eye(2, **k),
    lambda **k: np.identity(2, **k), lambda **k: np.zeros_like(np.ones(2), **k),
    lambda **k: np.ones_like(np.ones(2), **k), lambda **k: np.full_like(np.ones(2), 2, **k),
    lambda **k: np.random.uniform(size=2, **k), lambda **k: np.random.normal(size=2, **k),
    lambda **k: np.random.randint(0, 5, size=2, **k),
]


@pytest.mark.parametrize('make', CREATORS)
def test_creation_takes_ctx_and_device(make):
    assert make(ctx=npx.cpu()).ctx == npx.cpu(0)
    assert make(ctx=npx.cpu(2)).ctx == npx.cpu(2)
    assert make(device=npx.cpu_pinned(1)).ctx == npx.cpu_pinned(1)
    assert make(ctx='cpu(1)').ctx == npx.cpu(1)
    with pytest.raises(DeviceError, match="no GPU"):
        make(ctx=npx.gpu(0))


def test_gpu_memory_is_refused_clearly():
    with pytest.raises(DeviceError, match=r"gpu\(0\): there is no GPU here"):
        np.zeros((2, 2), ctx=npx.gpu(0))
    with pytest.raises(DeviceError, match="no GPU"):
        npx.gpu_memory_info(0)
    with pytest.raises(DeviceError, match="no GPU"):
        np.ones(2).as_in_ctx(npx.gpu())
    with pytest.raises(DeviceError, match="no GPU"):
        np.ones(2).copyto(npx.gpu(1))
    with pytest.raises(DeviceError, match="no GPU"), npx.gpu(0):
        np.zeros(2)
    with pytest.raises(DeviceError, match="disagree"):
        np.zeros(2, ctx=npx.cpu(0), device=npx.cpu(1))
    with pytest.raises(DeviceError, match="expected a device"):
        np.zeros(2, ctx=3)


def test_as_in_ctx_and_copyto():
    x = np.array([1.0, 2.0, 3.0])
    assert x.as_in_ctx(npx.cpu()) is x and x.as_in_context(npx.cpu(0)) is x
    y = x.as_in_ctx(npx.cpu(1))
    assert y.ctx == npx.cpu(1) and y is not x and onp.array_equal(y.asnumpy(), [1, 2, 3])
    z = x.copyto(npx.cpu())
    assert z is not x and z.ctx == npx.cpu(0) and onp.array_equal(z.asnumpy(), x.asnumpy())
    z[0] = 9
    assert x.asnumpy()[0] == 1                         # a copy, not a view
    q = np.zeros(3, dtype='int32')
    assert x.copyto(q) is q and q.dtype == onp.int32 and q.tolist() == [1, 2, 3]
    with pytest.raises(ShapeError, match=r"target has shape \(4,\)"):
        x.copyto(np.zeros(4))
    with pytest.raises(TypeError, match="array or a device"):
        x.copyto(3)


def test_gradient_flows_through_device_moves():
    # MXNet 1.9.1: x = ones(3); d/dx sum(as_in_ctx(x, cpu(1))**2) = [2, 2, 2]
    x = np.array([1.0, 2.0, -1.0])
    x.attach_grad()
    with autograd.record():
        loss = (x.as_in_ctx(npx.cpu(1)) ** 2).sum() + (x.copyto(npx.cpu()) * 3).sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy() + 3)


def test_is_np_shape_and_constraint_check():
    # MXNet 1.9.1: is_np_shape() is True after set_np(); constraint_check of an all-True
    # bool array returns array(True) (bool, shape ()); a False element raises ValueError
    # with msg (default 'Constraint violated.'); a float array is refused (bool only)
    assert npx.is_np_shape() is True
    r = npx.constraint_check(np.array([1.0, 2.0]) > 0)
    assert r.dtype == onp.bool_ and r.shape == () and bool(r)
    assert bool(npx.constraint_check(np.array(onp.array(True)), 'm'))
    with pytest.raises(ValueError, match="^bad thing$"):
        npx.constraint_check(np.array([1.0, -1.0]) > 0, 'bad thing')
    with pytest.raises(ValueError, match="Constraint violated."):
        npx.constraint_check(np.array([1.0, -1.0]) > 0)
    from autodiff.errors import DTypeError
    with pytest.raises(DTypeError, match="must be a bool array"):
        npx.constraint_check(np.array([1.0]))


def test_one_context_entered_by_two_threads_restores_each_threads_default():
    c, seen, ready, done = npx.cpu(5), [], threading.Event(), threading.Event()

    def other():
        with npx.cpu(2):
            with c:
                ready.set()
                done.wait(5)
            seen.append(npx.current_context())

    t = threading.Thread(target=other)
    t.start()
    ready.wait(5)
    with c:
        done.set()
        t.join()
    assert seen == [npx.cpu(2)] and npx.current_context() == npx.cpu(0)
