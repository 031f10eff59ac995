"""SGLD, DCASGD, FTML, LARS, LBSGD, ccSGD against MXNet 1.9.1 (three updates each, values
written down by ``data/make_breadth_oracle.py`` in ``data/breadth_oracle.json``); SGLD's
noise by its statistics."""
import json
import os

import numpy as onp
import pytest

from autodiff import np, optimizer

with open(os.path.join(os.path.dirname(__file__), 'data', 'breadth_oracle.json')) as _f:
    ORACLE = json.load(_f)['optimizers']


def _replay(opt):
    w = np.array(onp.array(ORACLE['w0'], dtype=onp.float32))
    state = opt.create_state(0, w)
    steps = []
    for g in ORACLE['grads']:
        opt.update(0, w, np.array(onp.array(g, dtype=onp.float32)), state)
        steps.append(w.asnumpy().copy())
    return steps


@pytest.mark.parametrize('case', sorted(ORACLE['cases']))
def test_update_matches_mxnet_1_9_1(case):
    spec = ORACLE['cases'][case]
    if spec['name'] == 'ccSGD':
        opt = optimizer.ccSGD(**spec['kwargs'])
    else:
        opt = optimizer.create(spec['name'], **spec['kwargs'])
    for got, want in zip(_replay(opt), spec['steps']):
        onp.testing.assert_allclose(got, onp.array(want, dtype=onp.float32), rtol=2e-5,
                                    atol=2e-6)


def test_sgld_noise_has_the_langevin_variance():
    lr, wd = 0.01, 0.1
    opt = optimizer.create('sgld', learning_rate=lr, wd=wd, rescale_grad=0.5)
    rng = onp.random.default_rng(0)
    w0 = rng.uniform(-1, 1, 200_000).astype(onp.float32)
    g = rng.uniform(-1, 1, 200_000).astype(onp.float32)
    w = np.array(w0)
    np.random.seed(1)
    opt.update(0, w, np.array(g), opt.create_state(0, w))
    noise = w.asnumpy().astype(onp.float64) - (w0 - lr / 2 * (0.5 * g + wd * w0))
    assert abs(noise.mean()) < 4 * onp.sqrt(lr) / onp.sqrt(noise.size)
    assert abs(noise.std() - onp.sqrt(lr)) < 0.01 * onp.sqrt(lr)


def test_dcasgd_momentum_follows_the_formula():
    # MXNet 1.9.1 fails here ("if mom:" on a multi-element array): the formula by hand
    w0 = onp.array([[0.5, -0.2], [0.1, 0.3]], onp.float32)
    g1 = onp.array([[0.2, 0.1], [-0.3, 0.4]], onp.float32)
    g2 = onp.array([[-0.1, 0.2], [0.1, -0.2]], onp.float32)
    opt = optimizer.DCASGD(learning_rate=0.1, momentum=0.9, lamda=0.5, wd=0.01)
    w = np.array(w0)
    state = opt.create_state(0, w)
    m, prev, ref = onp.zeros_like(w0), w0.copy(), w0.copy()
    for g in (g1, g2):
        opt.update(0, w, np.array(g), state)
        m = 0.9 * m - 0.1 * (g + 0.01 * ref + 0.5 * g * g * (ref - prev))
        prev = ref.copy()
        ref = ref + m
    onp.testing.assert_allclose(w.asnumpy(), ref, rtol=1e-6)


def test_lars_leaves_bias_learning_rate_alone_and_ccsgd_is_sgd():
    opt = optimizer.LARS(learning_rate=0.1, eta=0.01, param_idx2name={0: 'fc_bias'})
    w = np.array([1.0, 2.0])
    opt.update(0, w, np.array([0.5, 0.5]), opt.create_state(0, w))
    onp.testing.assert_allclose(w.asnumpy(), [0.95, 1.95], rtol=1e-6)
    assert issubclass(optimizer.ccSGD, optimizer.SGD)
    with pytest.raises(ValueError, match='warmup_strategy'):
        optimizer.LBSGD(warmup_strategy='cosine')
