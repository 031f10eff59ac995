"""autodiff.init: distributions and scales (statistics over large draws with bounds that
cannot pass by accident), name-suffix dispatch, Bilinear against MXNet 1.9.1's values."""
import json

import numpy as onp
import pytest

from autodiff import np, init
from autodiff.gluon import nn


def _fill(initializer, shape, name='test_weight'):
    a = np.zeros(shape)
    initializer(init.InitDesc(name), a)
    return a.asnumpy()


def test_zero_one_constant():
    assert (_fill(init.Zero(), (3, 2)) == 0).all()
    assert (_fill(init.One(), (3, 2)) == 1).all()
    assert (_fill(init.Constant(0.5), (3, 2)) == 0.5).all()
    onp.testing.assert_array_equal(_fill(init.Constant(np.array([1., 2.])), (3, 2)),
                                   [[1, 2]] * 3)


def test_uniform_and_normal():
    onp.random.seed(0)
    u = _fill(init.Uniform(0.3), (400, 250))
    assert -0.3 <= u.min() and u.max() <= 0.3
    assert abs(u.std() - 0.3 / onp.sqrt(3)) < 0.005
    n = _fill(init.Normal(0.2), (400, 250))
    assert abs(n.std() - 0.2) < 0.003 and abs(n.mean()) < 0.003


@pytest.mark.parametrize('factor_type', ['avg', 'in', 'out'])
def test_xavier_uniform_bound(factor_type):
    shape = (64, 32, 3, 3)
    fan_in, fan_out = 32 * 9, 64 * 9
    factor = {'avg': (fan_in + fan_out) / 2, 'in': fan_in, 'out': fan_out}[factor_type]
    c = onp.sqrt(3.0 / factor)
    w = _fill(init.Xavier(factor_type=factor_type), shape)
    assert onp.abs(w).max() <= c + 1e-7 and onp.abs(w).max() > 0.98 * c
    assert abs(w.std() - c / onp.sqrt(3)) < 0.03 * c


def test_xavier_gaussian_and_msraprelu():
    shape = (300, 200)
    w = _fill(init.Xavier(rnd_type='gaussian', magnitude=2), shape)
    assert abs(w.std() - onp.sqrt(2 / 250)) < 0.02 * onp.sqrt(2 / 250)
    m = _fill(init.MSRAPrelu(slope=0.0), shape)
    assert abs(m.std() - onp.sqrt(2 / 250)) < 0.02 * onp.sqrt(2 / 250)
    with pytest.raises(ValueError, match='requires at least 2D'):
        _fill(init.Xavier(), (5,))


def test_orthogonal():
    w = _fill(init.Orthogonal(scale=2.0), (4, 6))
    onp.testing.assert_allclose(w @ w.T, 4 * onp.eye(4), atol=1e-5)
    w = _fill(init.Orthogonal(rand_type='normal'), (6, 2, 2))
    flat = w.reshape(6, 4)
    onp.testing.assert_allclose(flat.T @ flat, 1.414 ** 2 * onp.eye(4), atol=1e-5)


def test_bilinear_matches_mxnet():
    # MXNet 1.9.1: mx.init.Bilinear() on a (1, 1, 4, 4) array
    want = [[0.0625, 0.1875, 0.1875, 0.0625], [0.1875, 0.5625, 0.5625, 0.1875],
            [0.1875, 0.5625, 0.5625, 0.1875], [0.0625, 0.1875, 0.1875, 0.0625]]
    onp.testing.assert_allclose(_fill(init.Bilinear(), (1, 1, 4, 4))[0, 0], want)


def test_suffix_dispatch_and_own_init():
    assert (_fill(init.Uniform(), (3,), 'bn_gamma') == 1).all()
    assert (_fill(init.Uniform(), (3,), 'bn_beta') == 0).all()
    assert (_fill(init.Uniform(), (3,), 'fc_bias') == 0).all()
    with pytest.raises(ValueError, match=r'Unknown initialization pattern for foo\. Default '
                                         r'initialization is now limited to'):
        _fill(init.Uniform(), (2,), 'foo')
    a = np.zeros((2,))
    init.Uniform()(init.InitDesc('foo', {'__init__': 'ones'}), a)
    assert (a.asnumpy() == 1).all()


def test_mixed():
    d = nn.Dense(3, in_units=2)
    d.initialize(init.Mixed(['.*bias', '.*'], [init.One(), init.Constant(3.0)]))
    # Dense's bias has its own init ('zeros'), which wins over the global Mixed: MXNet too
    assert (d.bias.data().asnumpy() == 0).all() and (d.weight.data().asnumpy() == 3).all()
    a = np.zeros(2)
    mixed = init.Mixed(['.*_w', '.*'], [init.Constant(2.0), init.One()])
    mixed('x_weight', a)            # first match '.*_w': Constant fills a *weight
    assert (a.asnumpy() == 2).all()
    mixed('y_gamma', a)             # '.*' then One: a gamma gets 1 by its suffix
    assert (a.asnumpy() == 1).all()
    with pytest.raises(ValueError, match='did not match any pattern'):
        init.Mixed(['a'], [init.One()])('b', a)


def test_create_and_dumps():
    assert isinstance(init.create('xavier'), init.Xavier)
    assert isinstance(init.create('zeros'), init.Zero)
    x = init.Xavier(factor_type='in', magnitude=2.34)
    # MXNet 1.9.1's dumps() for the same initializer
    assert json.loads(x.dumps()) == ["xavier", {"rnd_type": "uniform", "factor_type": "in",
                                                "magnitude": 2.34}]
    assert isinstance(init.create(x.dumps()), init.Xavier)
    with pytest.raises(ValueError, match='unknown initializer'):
        init.create('nope')


def test_lstm_bias_sets_the_forget_gate_only():
    """MXNet 1.9.1 prints [0. 0. 2.5 2.5 0. 0. 0. 0.] for a Parameter of shape (8,) with
    init.LSTMBias(forget_bias=2.5), and [0. 0. 3. 3. 0. 0. 0. 0.] for an LSTMCell(2)'s
    i2h_bias with LSTMBias(forget_bias=3.0) (gates: input, forget, cell, output)."""
    from autodiff import gluon
    p = gluon.Parameter('b', shape=(8,), init=init.LSTMBias(forget_bias=2.5))
    p.initialize()
    assert p.data().asnumpy().tolist() == [0, 0, 2.5, 2.5, 0, 0, 0, 0]
    cell = gluon.rnn.LSTMCell(2, i2h_bias_initializer=init.LSTMBias(forget_bias=3.0),
                              input_size=3)
    cell.initialize()
    assert cell.i2h_bias.data().asnumpy().tolist() == [0, 0, 3, 3, 0, 0, 0, 0]
