"""Regenerate mxnet_embcmp-symbol.json, mxnet_embcmp-0000.params and embcmp_oracle.json with
MXNet 1.9.1 (run with ~/mxref/bin/python): a hybridized numpy-mode network of an
``Embedding`` (float32 tokens, one repeated, one out of range and one fractional: MXNet
truncates and clips them), a ``Dense(flatten=False)`` and comparisons with Python numbers on
either side (MXNet writes ``0.3 < h`` as ``_npi_greater_scalar`` too), exported by
``HybridBlock.export``.  The parameters are written as a NumPy .npz archive (autodiff's
parameter format) under MXNet's ``arg:`` names.  The oracle holds the output for the tokens
and the gradients of ``(out ** 2).sum()`` (the comparisons pass none; the embedding's
accumulates over the repeated token)."""
import json
import os

import mxnet as mx
import numpy as onp
from mxnet import np, npx, autograd, gluon

HERE = os.path.dirname(os.path.abspath(__file__))


class Net(gluon.HybridBlock):
    def __init__(self):
        super().__init__()
        self.emb = gluon.nn.Embedding(10, 4)
        self.d = gluon.nn.Dense(3, flatten=False)

    def hybrid_forward(self, F, tok):
        h = self.d(self.emb(tok))
        return (h * (h > 0.1) + (h <= -0.2) * 2.0 + (0.3 < h) - (h != 0.05)
                + (h >= 0.0) * (h == 0.5) + h * (1.0 > h))


def main():
    npx.set_np()
    mx.random.seed(0)
    net = Net()
    net.initialize(mx.init.Uniform(0.5))
    tok = np.array([[1, 3, 9], [0, 3, 11], [2.7, 5, 4]], dtype='float32')
    net.hybridize()
    out = net(tok)
    prefix = os.path.join(HERE, 'mxnet_embcmp')
    net.export(prefix)
    params = mx.nd.load(prefix + '-0000.params')
    with open(prefix + '-0000.params', 'wb') as f:       # as .npz, the same names
        onp.savez(f, **{k: v.asnumpy() for k, v in params.items()})
    with autograd.record():
        loss = (net(tok) ** 2).sum()
    loss.backward()
    oracle = {'tokens': tok.asnumpy().tolist(), 'out': out.asnumpy().tolist(),
              'param_grads': {p.name: p.grad().asnumpy().tolist()
                              for p in net.collect_params().values()}}
    with open(os.path.join(HERE, 'embcmp_oracle.json'), 'w') as f:
        json.dump(oracle, f, indent=1)


if __name__ == '__main__':
    main()
