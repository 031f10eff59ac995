"""State-writing and random opaque steps (``opaque.WRITES``, ``opaque.RANDOM``) through
``autograd.compile`` itself: a training-mode ``batch_norm`` updates its running statistics
(closed over or passed in) exactly when and as often as eager mode does — once per backward,
with the biased batch variance — and dropout's replays draw fresh masks from the seedable
generator, each backward using its own forward's mask."""
import numpy as onp

from autodiff import np, npx, autograd
from .helpers import marked, assert_close


def _data(seed):
    rng = onp.random.default_rng(seed)
    return rng.uniform(-1, 1, (6, 3)), rng.uniform(0.5, 1.5, 3), rng.uniform(-1, 1, 3)


def test_closed_over_running_statistics_update_as_eagerly_in_fill_mode():
    stats = {k: (np.zeros(3), np.ones(3)) for k in ('compiled', 'eager')}

    def make(which):
        mm, mv = stats[which]
        return lambda x, g, b: (npx.batch_norm(x, g, b, mm, mv, fix_gamma=False,
                                               momentum=0.8) ** 2).sum()
    cf = autograd.compile(make('compiled'))
    ef = make('eager')
    for k in range(3):
        datas = _data(k)
        xs = [marked(d) for d in datas]
        v = cf(*xs)
        es = [marked(d) for d in datas]
        with autograd.record():
            ev = ef(*es)
        ev.backward()
        assert_close(v.asnumpy(), ev.asnumpy(), what='value')
        for a, b in zip(xs, es):
            assert_close(a.grad.asnumpy(), b.grad.asnumpy(), what='gradient')
    assert cf.compiled, cf.fallback_reason
    (cm, cv), (em, ev_) = stats['compiled'], stats['eager']
    assert_close(cm.asnumpy(), em.asnumpy(), what='running mean')
    assert_close(cv.asnumpy(), ev_.asnumpy(), what='running var')
    # and they are the running averages of the batches' means and biased variances
    want_m, want_v = onp.zeros(3), onp.ones(3)
    for k in range(3):
        x = _data(k)[0].astype('float32')
        want_m = want_m * 0.8 + x.mean(axis=0) * 0.2
        want_v = want_v * 0.8 + x.var(axis=0) * 0.2
    assert_close(cm.asnumpy(), want_m, rtol=1e-5, what='running mean vs NumPy')
    assert_close(cv.asnumpy(), want_v, rtol=1e-5, what='running var vs NumPy')


def test_inside_record_the_update_waits_for_backward():
    def f(x, g, b, mm, mv):
        return (npx.batch_norm(x, g, b, mm, mv, fix_gamma=False) * x).sum()
    cf = autograd.compile(f)
    mm, mv = np.zeros(3), np.ones(3)
    for k in range(3):
        x, g, b = (marked(d) for d in _data(k))
        with autograd.record():
            y = cf(x, g, b, mm, mv)
        if k == 1:                    # a forward without backward: no update
            continue
        before = mm.asnumpy().copy()
        y.backward()
        want = before * 0.9 + x.asnumpy().mean(axis=0) * 0.1
        assert_close(mm.asnumpy(), want, rtol=1e-5, what=f'running mean after call {k}')
    assert cf.compiled, cf.fallback_reason
    assert y._node.op.name.startswith('compiled:')


def test_inference_mode_reads_the_running_statistics_of_each_call():
    def f(x, g, b, mm, mv):
        return (npx.batch_norm(x, g, b, mm, mv, fix_gamma=False) ** 2).sum()
    cf = autograd.compile(f, backward=False)
    x, g, b = (np.array(d) for d in _data(0))
    for k in range(3):
        mm, mv = np.array([0.1 * k, 0.2, -0.3]), np.array([1.0 + k, 0.5, 2.0])
        want = f(x, g, b, mm, mv).asnumpy()
        assert_close(cf(x, g, b, mm, mv).asnumpy(), want, what=f'call {k}')
    assert cf.compiled, cf.fallback_reason


def test_compiled_dropout_masks_are_fresh_and_seeded():
    cf = autograd.compile(lambda x: (npx.dropout(x, p=0.5) * x).sum())
    d = onp.random.default_rng(1).uniform(1, 2, (8, 8))
    grads = []
    for seed in (3, 3, 4):
        x = marked(d)
        np.random.seed(seed)
        cf(x)
        grads.append(x.grad.asnumpy())
    assert cf.compiled, cf.fallback_reason
    onp.testing.assert_array_equal(grads[0], grads[1])           # the same seed
    assert not onp.array_equal(grads[1], grads[2])               # another seed
    x = marked(d)
    np.random.seed(4)
    with autograd.record():
        y = (npx.dropout(x, p=0.5) * x).sum()
    y.backward()
    assert_close(grads[2], x.grad.asnumpy(), what='eager gradient, same seed')
