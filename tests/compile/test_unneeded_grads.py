"""A compiled program computes only the gradients someone reads.

An unmarked argument (the images of a network) gets no gradient: the convolution's eager
backward rule is asked only for its weight and bias (``needs``), in a program replayed
outside ``record()`` ('fill') and inside it (a tape node whose backward half skips the
steps of the gradients the engine did not ask for).  The gradients that are computed
still equal eager mode's.
"""
import numpy as onp

from autodiff import np, npx, autograd
from autodiff.compile import opaque
from .helpers import marked, assert_close


def _net(x, w, b):
    h = npx.convolution(x, w, b, kernel=(3, 3), num_filter=2)
    return (np.tanh(h) * (h + 1.0)).sum()


def _data(rng):
    return (rng.uniform(-1, 1, (2, 3, 5, 5)), rng.uniform(-1, 1, (2, 3, 3, 3)),
            rng.uniform(-1, 1, (2,)))


def _spy(monkeypatch):
    asked = []
    real = opaque.run_backward

    def spy(op, datas, out, attrs, g, needs):
        asked.append((op.name, tuple(needs)))
        return real(op, datas, out, attrs, g, needs)
    monkeypatch.setattr(opaque, 'run_backward', spy)
    return asked


def _eager(xd, wd, bd):
    x, w, b = np.array(xd.astype('float32')), marked(wd), marked(bd)
    with autograd.record():
        y = _net(x, w, b)
    y.backward()
    return y.asnumpy(), w.grad.asnumpy(), b.grad.asnumpy()


def test_fill_program_skips_the_data_gradient_of_an_unmarked_argument(monkeypatch):
    rng = onp.random.default_rng(3)
    cf = autograd.compile(_net)
    xd, wd, bd = _data(rng)
    cf(np.array(xd.astype('float32')), marked(wd), marked(bd))      # records
    asked = _spy(monkeypatch)
    xd, wd, bd = _data(rng)
    w, b = marked(wd), marked(bd)
    y = cf(np.array(xd.astype('float32')), w, b)
    assert cf.compiled, cf.fallback_reason
    assert asked == [('convolution', (False, True, True))]
    ev, ew, eb = _eager(xd, wd, bd)
    assert_close(y.asnumpy(), ev, what='value')
    assert_close(w.grad.asnumpy(), ew, what='weight gradient')
    assert_close(b.grad.asnumpy(), eb, what='bias gradient')


def test_call_inside_record_skips_the_gradients_the_engine_did_not_ask_for(monkeypatch):
    rng = onp.random.default_rng(4)
    cf = autograd.compile(_net)
    for k in range(3):                  # record, then replay twice (with and without x)
        xd, wd, bd = _data(rng)
        x = marked(xd) if k == 1 else np.array(xd.astype('float32'))
        w, b = marked(wd), marked(bd)
        if k == 2:
            asked = _spy(monkeypatch)
        with autograd.record():
            y = cf(x, w, b)
        y.backward()
        assert cf.compiled, cf.fallback_reason
        if k == 1:                      # the data gradient, when asked for, is right too
            xe, we, be = marked(xd), marked(wd), marked(bd)
            with autograd.record():
                ye = _net(xe, we, be)
            ye.backward()
            assert_close(x.grad.asnumpy(), xe.grad.asnumpy(), what='data gradient')
    assert asked == [('convolution', (False, True, True))]
    ev, ew, eb = _eager(xd, wd, bd)
    assert_close(y.asnumpy(), ev, what='value')
    assert_close(w.grad.asnumpy(), ew, what='weight gradient')
    assert_close(b.grad.asnumpy(), eb, what='bias gradient')
