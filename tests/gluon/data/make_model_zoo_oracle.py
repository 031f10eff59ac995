"""Regenerate model_zoo_oracle.json.gz and the zoo_*.params files from MXNet 1.9.1.

    ~/mxref/bin/python tests/gluon/data/make_model_zoo_oracle.py

Everything here comes from the mxnet==1.9.1 wheel (``gluon.model_zoo.vision``):

- ``names``: for every constructor, built with default arguments under a fresh name
  counter and called once on ones of ``SIZES[name]`` (so deferred shapes are known), the
  parameters in ``collect_params()`` order as ``[structural key, full name, shape]``
  and the total count;
- ``forward``: for a few nets, the outputs on ``zoo_weights.fixed_input`` in predict mode
  (and, for the nets saved to files, in training mode with the input's gradient for a
  fixed head gradient).  The thin nets (the model zoo's classes with few channels) keep
  MXNet's own random initialisation (default ``Uniform``, running statistics set from
  ``zoo_weights.seeded_param``) and are saved with ``save_parameters`` to
  ``zoo_<case>.params`` (MXNet's binary format); the nets whose Dense(4096) layers would
  make too large a file (vgg11_bn, alexnet, squeezenet1_1) get ``seeded_param`` weights
  on both sides instead.

MXNet 1.9.1's numpy mode cannot run the nets built from ``HybridConcurrent`` (its
``F.concat``) or MobileNetV2 (``F.clip``, ``F.elemwise_add``): legacy operators that refuse
numpy arrays.  Those are run in MXNet's legacy (``mx.nd``) mode, which gives the same names,
shapes and arithmetic; ``mode`` records which.  oneDNN is switched off
(``MXNET_MKLDNN_ENABLED=0``: its backward of the thin DenseNet fails), so MXNet's reference
CPU kernels compute the values.
"""
import gzip
import json
import os
import sys

os.environ['MXNET_MKLDNN_ENABLED'] = '0'   # (1.9.1's oneDNN backward of the thin DenseNet
os.environ['MXNET_STORAGE_FALLBACK_LOG_VERBOSE'] = '0'  # fails: "could not construct a
import mxnet as mx                                     # sub-memory")
import numpy as onp
from mxnet import autograd, npx
from mxnet.gluon.model_zoo import vision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from zoo_weights import fixed_input, seeded_param  # noqa: E402

SIZES = {'alexnet': 63, 'inception_v3': 299, 'squeezenet1_0': 224, 'squeezenet1_1': 224,
         'densenet121': 224, 'densenet161': 224, 'densenet169': 224, 'densenet201': 224}
CONSTRUCTORS = sorted(n for n in dir(vision) if n[0].islower() and n not in (
    'get_model', 'get_resnet', 'get_vgg', 'get_mobilenet', 'get_mobilenet_v2',
    'densenet', 'inception', 'mobilenet', 'resnet', 'squeezenet', 'vgg'))
LEGACY = ('densenet', 'squeezenet', 'inception', 'mobilenet_v2', 'MobileNetV2', 'DenseNet')


def _legacy(name):
    return name.startswith(LEGACY)


def _mode(legacy):
    if legacy:
        npx.reset_np()
        return mx.nd
    npx.set_np()
    return mx.np


def _describe(net):
    by_key = net._collect_params_with_prefix()
    key_of = {id(p): k for k, p in by_key.items()}
    rows = [[key_of[id(p)], p.name, list(p.shape)] for p in net.collect_params().values()]
    return rows, int(sum(onp.prod(r[2]) for r in rows))


def names():
    out = {}
    for name in CONSTRUCTORS:
        legacy = _legacy(name)
        F = _mode(legacy)
        size = SIZES.get(name, 32)
        with mx.name.NameManager():
            net = getattr(vision, name)()
        net.initialize()
        net(F.ones((1, 3, size, size)))
        rows, count = _describe(net)
        out[name] = {'size': size, 'mode': 'legacy' if legacy else 'numpy', 'params': rows,
                     'count': count}
        print(name, len(rows), count)
    return out


THIN = {  # case: (constructor expression, input shape, saved to a file?)
    'resnetv1': ("vision.ResNetV1(vision.BasicBlockV1, [2, 2, 2, 2], [4, 4, 8, 12, 16], "
                 "classes=10)", (2, 3, 32, 32), True),
    'resnetv2': ("vision.ResNetV2(vision.BottleneckV2, [1, 1, 1, 1], [4, 8, 16, 24, 32], "
                 "classes=10)", (2, 3, 32, 32), True),
    'mobilenetv2': ("vision.MobileNetV2(multiplier=0.1, classes=10)", (2, 3, 32, 32), True),
    'densenet': ("vision.DenseNet(8, 4, [2, 2, 2, 2], bn_size=2, classes=10)",
                 (2, 3, 224, 224), True),
    'squeezenet1_1': ("vision.squeezenet1_1(classes=10)", (2, 3, 224, 224), False),
    'vgg11_bn': ("vision.vgg11_bn(classes=10)", (2, 3, 32, 32), False),
    'alexnet': ("vision.alexnet(classes=10)", (2, 3, 63, 63), False),
}


def forward():
    out = {}
    for case, (expr, shape, saved) in THIN.items():
        legacy = any(k in expr for k in LEGACY)
        F = _mode(legacy)
        with mx.name.NameManager():
            net = eval(expr)
        net.initialize()
        x = F.array(fixed_input(shape))
        net(x)
        for key, p in net._collect_params_with_prefix().items():
            if not saved or key.endswith(('running_mean', 'running_var')):
                p.set_data(F.array(seeded_param(key, p.shape)))
        row = {'expr': expr, 'shape': list(shape), 'saved': saved,
               'mode': 'legacy' if legacy else 'numpy',
               'predict': net(x).asnumpy().tolist()}
        if saved:
            net.save_parameters(os.path.join(HERE, f'zoo_{case}.params'))
            head = F.array(fixed_input((shape[0], 10), seed=1))
            x.attach_grad()
            with autograd.record(train_mode=True):
                y = net(x)
            y.backward(head)
            row['train'] = y.asnumpy().tolist()
            g = x.grad.copy().asnumpy().astype(onp.float64)
            row['train_input_grad_sum'] = float(g.sum())
            row['train_input_grad_abs_sum'] = float(onp.abs(g).sum())
            row['train_input_grad_sample'] = g.reshape(-1)[::max(1, g.size // 64)].tolist()
        out[case] = row
        print(case, 'saved' if saved else 'seeded')
    return out


if __name__ == '__main__':
    doc = {'_about': 'Values from MXNet 1.9.1 (pip mxnet==1.9.1) by '
                     'tests/gluon/data/make_model_zoo_oracle.py; see its docstring.',
           'forward': forward(), 'names': names()}
    with gzip.open(os.path.join(HERE, 'model_zoo_oracle.json.gz'), 'wt') as f:
        json.dump(doc, f, separators=(',', ':'))
