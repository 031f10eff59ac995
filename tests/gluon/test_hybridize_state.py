"""hybridize() with Dropout and BatchNorm: they compile (``compiled_fallback_reason`` is None)
and N hybridized training steps give what N eager steps give — outputs, gradients, updated
weights and BatchNorm's running statistics — from the same seeds (dropout's masks are drawn
from ``np.random`` on every call, compiled or not)."""
import numpy as onp

from autodiff import np, autograd
from autodiff.gluon import nn, Trainer


def _net():
    net = nn.HybridSequential()
    net.add(nn.Dense(6, in_units=4, activation='relu'), nn.Dropout(0.4),
            nn.BatchNorm(in_channels=6), nn.Dense(3, in_units=6))
    net.initialize()
    return net


def _twins():
    eager, hyb = _net(), _net()
    for pe, ph in zip(eager.collect_params().values(), hyb.collect_params().values()):
        ph.set_data(pe.data().asnumpy())
    hyb.hybridize()
    return eager, hyb


def _step(net, trainer, x, seed):
    np.random.seed(seed)
    with autograd.record():
        y = net(x)
        loss = (y * y).sum()
    loss.backward()
    grads = [p.grad().asnumpy().copy() for p in net.collect_params().values()
             if p.grad_req != 'null']
    trainer.step(x.shape[0])
    return y.asnumpy(), grads


def _state(net):
    """Every parameter's value by structural name ('2.running_mean'), as save_parameters."""
    return {k: p.data().asnumpy() for k, p in net._collect_params_with_prefix().items()}


def test_training_steps_match_eager_with_dropout_and_batchnorm():
    eager, hyb = _twins()
    te = Trainer(eager.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
    th = Trainer(hyb.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
    x = np.random.uniform(-1, 1, (8, 4))
    outs = []
    for k in range(4):
        ye, ge = _step(eager, te, x, seed=k)
        yh, gh = _step(hyb, th, x, seed=k)
        assert hyb.compiled_fallback_reason is None
        assert hyb.compiled_program.compiled
        onp.testing.assert_allclose(yh, ye, rtol=1e-5, atol=1e-6)
        for a, b in zip(gh, ge):
            onp.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
        outs.append(yh)
    assert not onp.allclose(outs[0], outs[1])          # (another mask, other weights)
    se, sh = _state(eager), _state(hyb)
    assert set(se) == set(sh)
    for name in se:             # weights, and the running statistics updated in backward
        onp.testing.assert_allclose(sh[name], se[name], rtol=1e-4, atol=1e-6, err_msg=name)
    assert len(se) == 8                 # two Dense layers, BatchNorm (4)
    assert se['2.running_mean'].any() and not onp.allclose(se['2.running_var'], 1)


def test_hybridized_dropout_draws_a_fresh_mask_each_call():
    net = nn.HybridSequential()
    net.add(nn.Dense(50, in_units=3), nn.Dropout(0.5))
    net.initialize()
    net.hybridize()
    x = np.random.uniform(0.5, 1, (4, 3))
    with autograd.record():
        a = net(x)
    with autograd.record():
        b = net(x)
    assert net.compiled_fallback_reason is None and net.compiled_program.compiled
    a, b = a.asnumpy(), b.asnumpy()
    assert (a == 0).any() and (b == 0).any() and not onp.array_equal(a == 0, b == 0)
    np.random.seed(3)
    with autograd.record():
        c = net(x).asnumpy()
    np.random.seed(3)
    net.hybridize(active=False)
    with autograd.record():
        d = net(x).asnumpy()
    onp.testing.assert_allclose(c, d, rtol=1e-6)       # seeded: the eager mask


def test_backward_uses_the_mask_of_its_own_forward():
    """A compiled call's backward recomputes its forward: it must draw the same mask again,
    and leave the generator where the forward left it."""
    net = nn.HybridSequential()
    net.add(nn.Dropout(0.5))
    net.hybridize()
    x = np.random.uniform(1, 2, (6, 5))
    x.attach_grad()
    for _ in range(2):
        with autograd.record():
            y = net(x)
        np.random.uniform(size=3)                      # the stream moves on before backward
        y.backward()
        assert net.compiled_fallback_reason is None
        # y = x * mask, so the gradient is the mask: zero exactly where y is, y / x elsewhere
        ym, g = y.asnumpy(), x.grad.asnumpy()
        assert (g == 0).any()
        onp.testing.assert_array_equal(g == 0, ym == 0)
        onp.testing.assert_allclose(g[g != 0], (ym / x.asnumpy())[g != 0], rtol=1e-6)
    # the backward's redraw leaves the stream alone: seeded, draw, backward, draw == two draws
    np.random.seed(5)
    with autograd.record():
        y = net(x)
    y.backward()
    got = np.random.uniform(size=4).asnumpy()
    np.random.seed(5)
    with autograd.record():
        net(x)
    want = np.random.uniform(size=4).asnumpy()
    onp.testing.assert_array_equal(got, want)


def test_prediction_and_predict_mode_record_compile_and_read_the_running_statistics():
    eager, hyb = _twins()
    rm = onp.linspace(-0.5, 0.5, 6).astype('float32')
    rv = onp.linspace(0.5, 2.0, 6).astype('float32')
    for net in (eager, hyb):
        net[2].running_mean.set_data(rm)
        net[2].running_var.set_data(rv)
    x = np.random.uniform(-1, 1, (5, 4))
    want = eager(x).asnumpy()                          # predict mode: no dropout
    for _ in range(2):
        onp.testing.assert_allclose(hyb(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    assert hyb.compiled_fallback_reason is None and hyb.compiled_program.compiled
    hyb[2].running_mean.set_data(rm + 1)               # a new value is read on the next call
    eager[2].running_mean.set_data(rm + 1)
    onp.testing.assert_allclose(hyb(x).asnumpy(), eager(x).asnumpy(), rtol=1e-5, atol=1e-6)
    for net in (eager, hyb):                           # inside record(train_mode=False)
        with autograd.record(train_mode=False):
            loss = (net(x) ** 2).sum()
        loss.backward()
    assert hyb.compiled_fallback_reason is None
    for pe, ph in zip(eager.collect_params().values(), hyb.collect_params().values()):
        if pe.grad_req != 'null':
            onp.testing.assert_allclose(ph.grad().asnumpy(), pe.grad().asnumpy(),
                                        rtol=1e-5, atol=1e-6)
    onp.testing.assert_array_equal(hyb[2].running_mean.data().asnumpy(), rm + 1)
