"""Threads: recording, training and anomaly flags are per thread (as MXNet keeps them), and
two threads recording and differentiating at the same time get their own gradients."""
import threading

import numpy as onp

from autodiff import np, autograd


def _in_thread(fn):
    out, errors = [], []

    def run():
        try:
            out.append(fn())
        except BaseException as e:       # surface it in the main thread
            errors.append(e)
    t = threading.Thread(target=run)
    t.start()
    t.join()
    if errors:
        raise errors[0]
    return out[0]


def _flags():
    return autograd.is_recording(), autograd.is_training()


def test_flags_are_per_thread():
    with autograd.record():
        assert _flags() == (True, True)
        assert _in_thread(_flags) == (False, False)
    with autograd.train_mode():
        assert _in_thread(_flags) == (False, False)


def test_a_thread_setting_flags_does_not_touch_another():
    def set_all():
        autograd.set_recording(True)
        autograd.set_training(True)
        autograd.set_detect_anomaly(True)
        return _flags()
    assert _in_thread(set_all) == (True, True)
    assert _flags() == (False, False)
    x = np.array([-1.0])
    x.attach_grad()
    with autograd.record():
        np.log(x)                         # anomaly mode stayed off here: no error


def test_ops_in_another_thread_are_not_recorded_into_ours():
    x = np.array([1.0, 2.0])
    x.attach_grad()

    def other():
        return x * 3                      # not recording in this thread
    with autograd.record():
        y = _in_thread(other)
    assert y._node is None


def _worker(kind, seed, iters, barrier, results):
    """Each iteration records f(x, w), runs backward and checks against a closed form."""
    rng = onp.random.default_rng(seed)
    barrier.wait()
    bad = 0
    for _ in range(iters):
        xv = rng.uniform(0.5, 2.0, size=(4, 3))
        wv = rng.uniform(-1.0, 1.0, size=(3,))
        x = np.array(xv, dtype='float64')
        w = np.array(wv, dtype='float64')
        x.attach_grad()
        w.attach_grad()
        with autograd.record():
            if kind == 'tanh':
                y = np.tanh(x * w).sum()
            else:
                y = (np.log(x) * np.exp(w)).sum()
        assert autograd.is_recording() is False
        y.backward()
        if kind == 'tanh':
            s = 1 - onp.tanh(xv * wv) ** 2
            gx, gw = s * wv, (s * xv).sum(0)
        else:
            gx, gw = onp.exp(wv) / xv, (onp.log(xv) * onp.exp(wv)).sum(0)
        if not (onp.allclose(x.grad.asnumpy(), gx, rtol=1e-12, atol=0)
                and onp.allclose(w.grad.asnumpy(), gw, rtol=1e-12, atol=0)):
            bad += 1
    results[kind] = bad


def test_two_threads_record_and_backward_concurrently():
    iters = 300
    barrier = threading.Barrier(2)
    results = {}
    errors = []

    def run(kind, seed):
        try:
            _worker(kind, seed, iters, barrier, results)
        except BaseException as e:
            errors.append(e)
    threads = [threading.Thread(target=run, args=('tanh', 1)),
               threading.Thread(target=run, args=('logexp', 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {'tanh': 0, 'logexp': 0}


def test_concurrent_threads_with_big_arrays_and_shared_leaf():
    """Arrays above the 2-thread launch threshold, and one leaf read by both threads
    (each thread differentiates with autograd.grad, which does not write .grad)."""
    n = 200_000
    shared = np.array(onp.linspace(0.5, 1.5, n), dtype='float64')
    shared.attach_grad()
    out = {}
    barrier = threading.Barrier(2)

    def run(k):
        barrier.wait()
        for _ in range(5):
            with autograd.record():
                y = (shared ** k).sum()
            g, = autograd.grad(y, [shared])
            out.setdefault(k, []).append(g.asnumpy())
    threads = [threading.Thread(target=run, args=(k,)) for k in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = shared.asnumpy()
    for g in out[2]:
        onp.testing.assert_allclose(g, 2 * s, rtol=1e-12)
    for g in out[3]:
        onp.testing.assert_allclose(g, 3 * s ** 2, rtol=1e-12)
    assert len(out[2]) == len(out[3]) == 5
