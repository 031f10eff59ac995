"""W7 one epoch of W6's LeNet-5 written with Gluon: 6,400 random 1x28x28 images, batch 64
(100 steps), ``SoftmaxCrossEntropyLoss``, ``Trainer('sgd', momentum=0.9)``; eager
(``autodiff``) and hybridized (``autodiff.hybrid``) against ``torch.nn`` + ``torch.optim``.

What W6 measures (the convolutions and the ops around them) plus what a learner's loop
adds: the Block calls, the loss Block, the Trainer's update of ten parameters per step.
The check: the parameters after the epoch agree with a float64 NumPy run of the same
SGD (W6's reference gradients, batch by batch).
"""
import numpy

from benchmarks.workloads import gluon_train as gt
from benchmarks.workloads import w6_lenet

ID = "W7"
TITLE = "Gluon LeNet-5, one epoch: 6,400 images 1x28x28, batch 64, SGD momentum 0.9"
TARGET = 1.5                               # eager: median autodiff / torch
IMPL_TARGETS = {"autodiff.hybrid": 1.0}    # hybridized: median autodiff.hybrid / torch
SIZES = {"full": 6400, "small": 128}
BATCH, LR, MOMENTUM = 64, 0.01, 0.9
# our name -> (Gluon path, torch path); Dense/Linear weights are (out, in) in both
PATHS = {"c1w": ("0.weight", "0.weight"), "c1b": ("0.bias", "0.bias"),
         "c2w": ("2.weight", "3.weight"), "c2b": ("2.bias", "3.bias"),
         "f1w": ("4.weight", "7.weight"), "f1b": ("4.bias", "7.bias"),
         "f2w": ("5.weight", "9.weight"), "f2b": ("5.bias", "9.bias"),
         "f3w": ("6.weight", "11.weight"), "f3b": ("6.bias", "11.bias")}
FC = ("f1w", "f2w", "f3w")


def make_data(size="full"):
    """Images, integer labels and W6's initial parameters (FC weights stored (out, in))."""
    n = SIZES[size]
    rng = numpy.random.default_rng(11)
    params = w6_lenet.make_data("small")      # W6's shapes and scaled normal draws
    data = {"x": rng.uniform(0, 1, (n, 1, 28, 28)).astype(numpy.float32),
            "labels": rng.integers(0, 10, n).astype(numpy.int32)}
    for k in w6_lenet.PARAMS:
        data[k] = params[k].T.copy() if k in FC else params[k]
    return data


def _params(data):
    return {k: data[k] for k in w6_lenet.PARAMS}


def _grads(p, x, labels):
    d = {"x": x, "onehot": numpy.eye(10)[labels]}
    d.update({k: (v.T if k in FC else v) for k, v in p.items()})
    out = w6_lenet.reference(d)
    return out["loss"], {k: (out["grad_" + k].T if k in FC else out["grad_" + k]) for k in p}


def reference(data):
    return gt.reference_epochs(_params(data), gt.batches(data["x"], data["labels"], BATCH),
                               _grads, LR, MOMENTUM, epochs=1)


def make_net(nn):
    net = nn.HybridSequential()
    net.add(nn.Conv2D(6, kernel_size=5, in_channels=1, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(16, kernel_size=5, in_channels=6, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, in_units=256, activation="relu"),
            nn.Dense(84, in_units=120, activation="relu"),
            nn.Dense(10, in_units=84))
    return net


def make_module(tnn):
    return tnn.Sequential(tnn.Conv2d(1, 6, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2),
                          tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2, 2), tnn.Flatten(),
                          tnn.Linear(256, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(),
                          tnn.Linear(84, 10))


def _setup_gluon(data, hybridize):
    params = {k: (PATHS[k][0], v) for k, v in _params(data).items()}
    return gt.gluon_step(make_net, params, gt.batches(data["x"], data["labels"], BATCH),
                         LR, MOMENTUM, 1, hybridize)


def setup_autodiff(data):
    return _setup_gluon(data, hybridize=False)


def setup_autodiff_hybrid(data):
    return _setup_gluon(data, hybridize=True)


def setup_torch(data):
    params = {k: (PATHS[k][1], v) for k, v in _params(data).items()}
    return gt.torch_step(make_module, params, gt.batches(data["x"], data["labels"], BATCH),
                         LR, MOMENTUM, 1)


IMPLS = {"autodiff": setup_autodiff, "autodiff.hybrid": setup_autodiff_hybrid,
         "torch": setup_torch}
