"""Regenerate mxnet_cnn-symbol.json, mxnet_cnn-0000.params and symbolblock_oracle.json with
MXNet 1.9.1 (run with ~/mxref/bin/python): a small hybridized numpy-mode network
(Conv2D + relu, BatchNorm, MaxPool2D, Flatten, Dropout, Dense + tanh, Dense) exported by
``HybridBlock.export``.  The symbol file is MXNet's own; the parameters are written as a
NumPy .npz archive (autodiff's parameter format) under MXNet's ``arg:``/``aux:`` names.
The oracle holds the prediction-mode output for a fixed input and the gradients of
``(out ** 2).sum()`` of that output (see ``main`` for how).  BatchNorm has
``use_global_stats=True``: MXNet 1.9.1's prediction-mode BatchNorm backward without it is
wrong (it is not the gradient of the output it computed, which normalizes with the running
statistics; with ``use_global_stats=True`` it is), and autodiff follows the math."""
import json
import os

import mxnet as mx
import numpy as onp
from mxnet import np, npx, autograd
from mxnet.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    npx.set_np()
    mx.random.seed(0)
    net = nn.HybridSequential()
    net.add(nn.Conv2D(3, 3, padding=1, in_channels=2, activation='relu'),
            nn.BatchNorm(in_channels=3, use_global_stats=True), nn.MaxPool2D(), nn.Flatten(), nn.Dropout(0.5),
            nn.Dense(4, in_units=12, activation='tanh'), nn.Dense(2, in_units=4))
    net.initialize(mx.init.Xavier())
    bn = net[1]
    bn.running_mean.set_data(np.array([0.1, -0.2, 0.3]))
    bn.running_var.set_data(np.array([0.5, 1.5, 2.0]))
    bn.gamma.set_data(np.array([1.2, 0.8, 1.0]))
    bn.beta.set_data(np.array([0.05, -0.1, 0.2]))
    net.hybridize()
    x_np = onp.random.default_rng(0).uniform(-1, 1, (2, 2, 4, 4)).astype('float32')
    x = np.array(x_np)
    out = net(x)
    prefix = os.path.join(HERE, 'mxnet_cnn')
    net.export(prefix)
    params = mx.nd.load(prefix + '-0000.params')
    with open(prefix + '-0000.params', 'wb') as f:       # as .npz, the same names
        onp.savez(f, **{k: v.asnumpy() for k, v in params.items()})
    # the gradients of the prediction-mode output: MXNet 1.9.1's max-pooling backward under
    # record(train_mode=False) sends the gradient to the wrong elements (under
    # train_mode=True it is right), so they are taken in training mode from the same
    # network without its Dropout (the identity in prediction mode; BatchNorm uses its
    # running statistics in both modes with use_global_stats=True)
    twin = nn.HybridSequential()
    for k, layer in enumerate(net):
        if not isinstance(layer, nn.Dropout):
            twin.add(layer)
    x.attach_grad()
    with autograd.record(train_mode=True):
        loss = (twin(x) ** 2).sum()
    loss.backward()
    oracle = {'x': x_np.tolist(), 'out': out.asnumpy().tolist(),
              'x_grad': x.grad.asnumpy().tolist(),
              'param_grads': {p.name: p.grad().asnumpy().tolist()
                              for p in net.collect_params().values() if p.grad_req != 'null'}}
    with open(os.path.join(HERE, 'symbolblock_oracle.json'), 'w') as f:
        json.dump(oracle, f, indent=1)


if __name__ == '__main__':
    main()
