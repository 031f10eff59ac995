"""``import autodiff as mx``: mx.gluon, mx.init, mx.optimizer, mx.lr_scheduler, mx.metric,
mx.cpu() load lazily; ``import autodiff`` alone does not import gluon."""
import subprocess
import sys

import pytest


def test_import_autodiff_does_not_import_gluon():
    code = ("import sys, autodiff\n"
            "bad = [m for m in ('autodiff.gluon', 'autodiff.optimizer', 'autodiff.init', "
            "'autodiff.metric', 'autodiff.lr_scheduler') if m in sys.modules]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == '[]'


def test_lazy_attributes():
    import autodiff as mx
    from autodiff import gluon, init, optimizer, lr_scheduler, metric
    assert mx.gluon is gluon and mx.init is init and mx.optimizer is optimizer
    assert mx.lr_scheduler is lr_scheduler and mx.metric is metric
    assert str(mx.cpu()) == 'cpu(0)' and mx.cpu() == mx.context.cpu(0)
    assert mx.gluon.nn.Dense and mx.gluon.loss.L2Loss and mx.gluon.Trainer
    assert str(mx.gpu()) == 'gpu(0)'                    # a device object, as in MXNet ...
    with pytest.raises(RuntimeError, match='GPU'):       # ... whose memory is not here
        mx.np.zeros(2, ctx=mx.gpu())
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        mx.nothing_here


def test_crash_course_style_program():
    import autodiff as mx
    from autodiff import np, npx, autograd
    from autodiff.gluon import nn
    npx.set_np()
    net = nn.Sequential()
    net.add(nn.Dense(4, activation='relu'), nn.Dense(1))
    net.initialize(mx.init.Normal(0.01), ctx=mx.cpu())
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})
    loss = mx.gluon.loss.L2Loss()
    X = np.random.normal(0, 1, (20, 2))
    y = X @ np.array([2.0, -3.4]) + 4.2
    ds = mx.gluon.data.ArrayDataset(X, y)
    for _ in range(2):
        for xb, yb in mx.gluon.data.DataLoader(ds, batch_size=5, shuffle=True):
            with autograd.record():
                l = loss(net(xb), yb)
            l.backward()
            trainer.step(5)
    assert net(X).shape == (20, 1)
