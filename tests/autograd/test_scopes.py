"""record / pause / train_mode / predict_mode and the recording and training flags.

Expected values are MXNet 1.9.1's (checked with the oracle): both flags default to
False; record() turns training on unless train_mode=False; pause() turns it off unless
train_mode=True; predict_mode()/train_mode() leave recording alone; every scope
restores both flags on exit; set_recording/set_training return the previous value;
the flags are per thread.
"""
import threading

import numpy as onp
import pytest

from autodiff import np, autograd


def flags():
    return autograd.is_recording(), autograd.is_training()


def test_defaults_are_off():
    assert flags() == (False, False)


@pytest.mark.parametrize('scope, inside', [
    (lambda: autograd.record(), (True, True)),
    (lambda: autograd.record(train_mode=False), (True, False)),
    (lambda: autograd.pause(), (False, False)),
    (lambda: autograd.pause(train_mode=True), (False, True)),
    (lambda: autograd.train_mode(), (False, True)),
    (lambda: autograd.predict_mode(), (False, False)),
])
def test_scope_sets_flags_and_restores_them(scope, inside):
    with scope():
        assert flags() == inside
    assert flags() == (False, False)


def test_nesting_restores_each_level():
    """MXNet 1.9.1: record > pause > (restore) > predict_mode > (restore) > exit."""
    with autograd.record():
        assert flags() == (True, True)
        with autograd.pause():
            assert flags() == (False, False)
            with autograd.record(train_mode=False):
                assert flags() == (True, False)
            assert flags() == (False, False)
        assert flags() == (True, True)
        with autograd.predict_mode():
            assert flags() == (True, False)
            with autograd.train_mode():
                assert flags() == (True, True)
            assert flags() == (True, False)
        assert flags() == (True, True)
    with autograd.record(train_mode=False):
        with autograd.train_mode():
            assert flags() == (True, True)
        assert flags() == (True, False)
    assert flags() == (False, False)


def test_scope_restores_after_an_exception():
    with pytest.raises(KeyError):
        with autograd.record():
            with autograd.pause(train_mode=True):
                raise KeyError('boom')
    assert flags() == (False, False)


def test_set_recording_and_set_training_return_previous_value():
    assert autograd.set_recording(True) is False
    assert autograd.set_recording(True) is True
    assert autograd.is_recording()
    assert autograd.set_recording(False) is True
    assert autograd.set_training(True) is False
    assert autograd.is_training()
    assert autograd.set_training(False) is True
    assert flags() == (False, False)


def test_set_recording_records_like_a_scope():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    prev = autograd.set_recording(True)
    try:
        y = x * x
    finally:
        autograd.set_recording(prev)
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 4.0])


def test_flags_are_per_thread():
    seen = {}

    def worker():
        seen['before'] = flags()
        with autograd.record(train_mode=False):
            seen['inside'] = flags()
            go.wait(5)
        seen['after'] = flags()

    go = threading.Event()
    with autograd.record():
        t = threading.Thread(target=worker)
        t.start()
        while 'inside' not in seen and t.is_alive():
            t.join(0.01)
        assert flags() == (True, True)       # the worker's record(train_mode=False) is its own
        go.set()
        t.join()
    assert seen == {'before': (False, False), 'inside': (True, False), 'after': (False, False)}
    assert flags() == (False, False)


def test_a_thread_does_not_record_for_another():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    out = {}
    with autograd.record():
        t = threading.Thread(target=lambda: out.update(y=x * 3))
        t.start()
        t.join()
        z = x * 2
    assert out['y']._node is None              # computed in a thread that is not recording
    with pytest.raises(autograd_error()):
        out['y'].backward()
    z.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 2.0])


def test_threads_record_and_differentiate_independently():
    results, errors = {}, []

    def worker(k):
        try:
            x = np.array([1.0, 2.0, 3.0])
            x.attach_grad()
            for _ in range(20):
                with autograd.record():
                    y = (x ** k).sum()
                y.backward()
            results[k] = x.grad.asnumpy()
        except Exception as e:            # surfaced below
            errors.append(e)

    ts = [threading.Thread(target=worker, args=(k,)) for k in (2, 3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    onp.testing.assert_allclose(results[2], [2, 4, 6])
    onp.testing.assert_allclose(results[3], [3, 12, 27])


def autograd_error():
    from autodiff.errors import GraphError
    return GraphError
