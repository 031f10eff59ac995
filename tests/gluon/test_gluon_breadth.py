"""ReflectionPad2D, BatchNormReLU, SDMLLoss, FilterSampler: against MXNet 1.9.1 values
(``data/make_breadth_oracle.py``), NumPy/PyTorch references and central differences."""
import json
import os

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import ShapeError
from autodiff.gluon import nn, loss as gloss, data as gdata
from helpers import check_grads

with open(os.path.join(os.path.dirname(__file__), 'data', 'breadth_oracle.json')) as _f:
    ORACLE = json.load(_f)['layers']


def test_reflection_pad_matches_mxnet_numpy_and_torch():
    case = ORACLE['pad']
    x = onp.array(case['x'], dtype=onp.float32)
    y = nn.ReflectionPad2D(tuple(case['padding']))(np.array(x)).asnumpy()
    onp.testing.assert_array_equal(y, onp.array(case['y'], dtype=onp.float32))
    onp.testing.assert_array_equal(
        y, onp.pad(x, ((0, 0), (0, 0), (1, 3), (2, 0)), mode='reflect'))
    torch = pytest.importorskip('torch')
    want = torch.nn.ReflectionPad2d(2)(torch.tensor(x)).numpy()
    onp.testing.assert_array_equal(nn.ReflectionPad2D(2)(np.array(x)).asnumpy(), want)


def test_reflection_pad_gradient_and_errors():
    layer = nn.ReflectionPad2D((0, 0, 0, 0, 2, 1, 1, 3))
    check_grads(lambda x: layer(x), onp.random.default_rng(0).uniform(-1, 1, (1, 2, 3, 4)))
    with pytest.raises(ShapeError, match='smaller than'):
        nn.ReflectionPad2D(3)(np.ones((1, 1, 3, 3)))
    with pytest.raises(ShapeError, match='4-D'):
        nn.ReflectionPad2D(1)(np.ones((3, 3)))
    with pytest.raises(ValueError, match='padding'):
        nn.ReflectionPad2D((1, 2))


def test_batchnorm_relu_matches_mxnet():
    case = ORACLE['bnrelu']
    bn = nn.BatchNormReLU(in_channels=2)
    bn.initialize()
    bn.gamma.set_data(np.array([1.5, -0.5]))
    bn.beta.set_data(np.array([0.1, 0.2]))
    with autograd.record():
        y = bn(np.array(case['x']))
    onp.testing.assert_allclose(y.asnumpy(), case['y'], rtol=1e-5, atol=1e-6)
    assert (y.asnumpy() >= 0).all() and (y.asnumpy() == 0).any()
    assert not bn.running_mean.data().asnumpy().any()   # 1.9.1: not updated by the forward
    y.backward()                                         # ... but in backward (the oracle's run)
    onp.testing.assert_allclose(bn.running_mean.data().asnumpy(), case['running_mean'],
                                rtol=1e-5, atol=1e-7)
    onp.testing.assert_allclose(bn.running_var.data().asnumpy(), case['running_var'],
                                rtol=1e-5)


def test_sdml_loss_matches_mxnet_and_central_differences():
    case = ORACLE['sdml']
    a, b = np.array(case['x1']), np.array(case['x2'])
    a.attach_grad()
    b.attach_grad()
    fn = gloss.SDMLLoss(smoothing_parameter=0.2)
    with autograd.record():
        out = fn(a, b)
    out.backward()
    # float32 sums in another order: ~1e-6 absolute
    onp.testing.assert_allclose(out.asnumpy(), case['loss'], rtol=1e-5, atol=1e-5)
    onp.testing.assert_allclose(a.grad.asnumpy(), case['dx1'], rtol=1e-4, atol=1e-6)
    onp.testing.assert_allclose(b.grad.asnumpy(), case['dx2'], rtol=1e-4, atol=1e-6)
    rng = onp.random.default_rng(1)
    check_grads(lambda x, y: fn(x, y), rng.uniform(-1, 1, (3, 2)), rng.uniform(-1, 1, (3, 2)))
    with pytest.raises(ShapeError, match='one shape'):
        fn(np.ones((3, 2)), np.ones((2, 2)))


def test_filter_sampler():
    ds = gdata.SimpleDataset(list(range(10)))
    s = gdata.FilterSampler(lambda v: v % 3 == 0, ds)
    assert list(s) == [0, 3, 6, 9] and len(s) == 4
    loader = gdata.DataLoader(ds, batch_size=2, sampler=s)
    assert [b.asnumpy().tolist() for b in loader] == [[0, 3], [6, 9]]
