"""gluon.Trainer (MXNet 1.9.1 semantics) and an end-to-end MLP whose loss curve matches
PyTorch's from the same initial weights."""
import numpy as onp
import pytest

from autodiff import np, autograd, init, optimizer
from autodiff.gluon import nn, Trainer, Parameter
from autodiff.gluon import loss as gloss


def _dense():
    d = nn.Dense(2, in_units=3)
    d.initialize(init.One())
    return d


def _backward(net, x, y=None):
    with autograd.record():
        out = net(x)
        loss = (out * out).sum() if y is None else y(out)
    loss.backward()


def test_step_rescales_by_batch_size():
    d = _dense()
    tr = Trainer(d.collect_params(), 'sgd', {'learning_rate': 0.5})
    x = np.ones((4, 3))
    _backward(d, x)
    g = d.weight.grad().asnumpy().copy()
    w = d.weight.data().asnumpy().copy()
    tr.step(4)
    onp.testing.assert_allclose(d.weight.data().asnumpy(), w - 0.5 * g / 4, rtol=1e-6)
    assert tr.optimizer.rescale_grad == 0.25


def test_update_and_allreduce_grads():
    d = _dense()
    tr = Trainer(d.collect_params(), 'sgd', {'learning_rate': 1.0})
    _backward(d, np.ones((2, 3)))
    g = d.bias.grad().asnumpy().copy()
    b = d.bias.data().asnumpy().copy()
    tr.allreduce_grads()
    tr.update(2)
    onp.testing.assert_allclose(d.bias.data().asnumpy(), b - g / 2, rtol=1e-6)


def test_stale_gradient_is_mxnets_error_unless_ignored():
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=3), nn.Dense(2, in_units=3))
    net.initialize()
    tr = Trainer(net.collect_params(), 'sgd')
    _backward(net[0], np.ones((1, 3)))         # only the first layer is used
    with pytest.raises(UserWarning, match=r"Gradient of Parameter `dense1_bias` on context "
                                          r"cpu\(0\) has not been updated by backward"):
        tr.step(1)
    w1 = net[1].weight.data().asnumpy().copy()
    w0 = net[0].weight.data().asnumpy().copy()
    _backward(net[0], np.ones((1, 3)))
    tr.step(1, ignore_stale_grad=True)
    onp.testing.assert_array_equal(net[1].weight.data().asnumpy(), w1)   # skipped
    assert not onp.array_equal(net[0].weight.data().asnumpy(), w0)


def test_learning_rate_and_optimizer_instance():
    d = _dense()
    tr = Trainer(d.collect_params(), optimizer.Adam(learning_rate=0.01))
    assert tr.learning_rate == 0.01
    tr.set_learning_rate(0.2)
    assert tr.learning_rate == 0.2
    with pytest.raises(ValueError, match="optimizer_params must be None"):
        Trainer(d.collect_params(), optimizer.Adam(), {'learning_rate': 1})
    with pytest.raises(ValueError, match="First argument must be a list or dict of Parameters"):
        Trainer([1, 2], 'sgd')


def test_parameters_sorted_by_name_and_wd_mult():
    d = _dense()
    d.bias.wd_mult = 0.0
    tr = Trainer(d.collect_params(), 'sgd', {'learning_rate': 1.0, 'wd': 0.1})
    assert [p.name for p in tr._params] == ['dense0_bias', 'dense0_weight']
    with autograd.record():
        y = d(np.zeros((1, 3))).sum() * 0
    y.backward()
    tr.step(1)
    onp.testing.assert_allclose(d.weight.data().asnumpy(), 0.9 * onp.ones((2, 3)), rtol=1e-6)
    onp.testing.assert_allclose(d.bias.data().asnumpy(), onp.zeros(2))


def test_grad_req_null_parameters_are_not_updated():
    d = _dense()
    d.weight.grad_req = 'null'
    tr = Trainer(d.collect_params(), 'sgd', {'learning_rate': 1.0})
    _backward(d, np.ones((1, 3)))
    tr.step(1)
    onp.testing.assert_array_equal(d.weight.data().asnumpy(), onp.ones((2, 3)))


def test_save_and_load_states(tmp_path):
    d = _dense()
    tr = Trainer(d.collect_params(), 'adam', {'learning_rate': 0.1})
    _backward(d, np.ones((1, 3)))
    tr.step(1)
    f = str(tmp_path / 'trainer.states')
    tr.save_states(f)
    d2 = _dense()
    d2.weight.set_data(d.weight.data())
    d2.bias.set_data(d.bias.data())
    tr2 = Trainer(d2.collect_params(), 'adam', {'learning_rate': 0.5})
    tr2.load_states(f)
    assert tr2.learning_rate == 0.1
    for net, t in ((d, tr), (d2, tr2)):
        _backward(net, np.ones((1, 3)))
        t.step(1)
    onp.testing.assert_array_equal(d.weight.data().asnumpy(), d2.weight.data().asnumpy())


def test_mlp_training_curve_matches_pytorch():
    torch = pytest.importorskip('torch')
    rng = onp.random.default_rng(0)
    X = rng.standard_normal((64, 6)).astype(onp.float32)
    Y = rng.integers(0, 3, 64)
    np.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'), nn.Dense(3))
    net.initialize(init.Xavier())
    net(np.array(X[:1]))
    tnet = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    with torch.no_grad():
        for k, layer in ((0, 0), (2, 1)):
            tnet[k].weight.copy_(torch.tensor(net[layer].weight.data().asnumpy()))
            tnet[k].bias.copy_(torch.tensor(net[layer].bias.data().asnumpy()))
    trainer = Trainer(net.collect_params(), 'sgd',
                      {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 1e-3})
    topt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    ce = gloss.SoftmaxCrossEntropyLoss()
    ours, theirs = [], []
    for step in range(12):
        sl = slice((step % 4) * 16, (step % 4 + 1) * 16)
        xb, yb = X[sl], Y[sl]
        with autograd.record():
            loss = ce(net(np.array(xb)), np.array(yb.astype(onp.float32)))
        loss.backward()
        trainer.step(16)
        ours.append(float(loss.mean()))
        topt.zero_grad()
        tl = torch.nn.functional.cross_entropy(tnet(torch.tensor(xb)), torch.tensor(yb))
        tl.backward()
        topt.step()
        theirs.append(float(tl.detach()))
    onp.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    assert ours[8] < ours[4] < ours[0]          # the same batch, epochs 1, 2, 3


def test_trainer_on_a_plain_parameter():
    p = Parameter('w', shape=(2,), init=init.One())
    p.initialize()
    tr = Trainer([p], 'sgd', {'learning_rate': 1.0})
    with autograd.record():
        y = (p.data() * np.array([1.0, 2.0])).sum()
    y.backward()
    tr.step(1)
    onp.testing.assert_allclose(p.data().asnumpy(), [0.0, -1.0])


def test_a_stale_gradient_raises_before_any_parameter_is_updated():
    """MXNet 1.9.1's Trainer checks every parameter before it updates any: the error leaves
    the fresh parameters as they were (and still fresh: the retry with
    ``ignore_stale_grad`` updates them)."""
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=3), nn.Dense(2, in_units=3))
    net.initialize()
    tr = Trainer(net.collect_params(), 'sgd', {'learning_rate': 1.0})
    _backward(net[1], np.ones((1, 3)))          # only the second layer is used
    before = {k: p.data().asnumpy().copy() for k, p in net.collect_params().items()}
    with pytest.raises(UserWarning, match="dense0_bias"):
        tr.step(1)
    for k, p in net.collect_params().items():
        onp.testing.assert_array_equal(p.data().asnumpy(), before[k])
    tr.step(1, ignore_stale_grad=True)
    assert not onp.array_equal(net[1].weight.data().asnumpy(), before['dense1_weight'])
    onp.testing.assert_array_equal(net[0].weight.data().asnumpy(), before['dense0_weight'])


def test_step_updates_momentum_sgd_in_one_group_call():
    """Trainer.step hands the updater every fresh parameter in one call (lists, as MXNet's
    ``Trainer._update``); SGD with momentum then runs its fused group kernel, and each
    weight gets the update of the torch SGD step (same arithmetic) from the same start."""
    torch = pytest.importorskip('torch')
    rng = onp.random.default_rng(5)
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=3, activation='relu'), nn.Dense(2, in_units=4))
    net.initialize()
    calls = []
    tr = Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
    real = tr._updater

    def spy(index, grad, weight):
        calls.append(list(index))
        return real(index, grad, weight)
    tr._updater = spy
    tparams = {k: torch.tensor(p.data().asnumpy(), requires_grad=True)
               for k, p in net.collect_params().items()}
    topt = torch.optim.SGD(list(tparams.values()), lr=0.1, momentum=0.9)
    for _ in range(3):
        x = rng.standard_normal((5, 3)).astype(onp.float32)
        with autograd.record():
            loss = (net(np.array(x)) ** 2).sum()
        loss.backward()
        tr.step(5)
        tx = torch.tensor(x)
        h = torch.relu(tx @ tparams['dense0_weight'].T + tparams['dense0_bias'])
        tl = ((h @ tparams['dense1_weight'].T + tparams['dense1_bias']) ** 2).sum() / 5
        topt.zero_grad()
        tl.backward()
        topt.step()
    assert calls == [[0, 1, 2, 3]] * 3
    for k, p in net.collect_params().items():
        onp.testing.assert_allclose(p.data().asnumpy(), tparams[k].detach().numpy(),
                                    rtol=1e-5, atol=1e-6, err_msg=k)
