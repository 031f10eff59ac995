"""W8 a 3-layer MLP trained with Gluon on scikit-learn's digits: 1,700 of the 1,797 8x8
images (17 batches of 100), 10 epochs (170 steps), 64 -> 128 -> 64 -> 10 with relu,
``SoftmaxCrossEntropyLoss``, ``Trainer('sgd', momentum=0.9)``, hybridized
(``autodiff.hybrid``, the target) and eager (``autodiff``), against ``torch.nn`` +
``torch.optim``.

Tiny matrices (at most 100x128): nothing but per-step overhead — the Block calls, the
recorded ops and their backward, the Trainer's six updates — decides it. The check: the
parameters after the 10 epochs agree with a float64 NumPy run of the same SGD.
Needs scikit-learn (the ``test`` extra) for the data.
"""
import numpy

from benchmarks.workloads import gluon_train as gt

ID = "W8"
TITLE = "Gluon MLP 64-128-64-10 on digits, 10 epochs of 17 batches of 100, SGD momentum 0.9"
TARGET = None                              # the eager run has no target (shown for reference)
IMPL_TARGETS = {"autodiff.hybrid": 0.8}    # hybridized: median autodiff.hybrid / torch
SIZES = {"full": (1700, 10), "small": (200, 1)}
BATCH, LR, MOMENTUM = 100, 0.1, 0.9
SHAPES = {"w1": (128, 64), "b1": (128,), "w2": (64, 128), "b2": (64,),
          "w3": (10, 64), "b3": (10,)}
PATHS = {"w1": ("0.weight", "0.weight"), "b1": ("0.bias", "0.bias"),
         "w2": ("1.weight", "2.weight"), "b2": ("1.bias", "2.bias"),
         "w3": ("2.weight", "4.weight"), "b3": ("2.bias", "4.bias")}


def make_data(size="full"):
    """The digits (pixels / 16, flattened), their labels, He-scaled initial weights."""
    from sklearn.datasets import load_digits

    n, epochs = SIZES[size]
    digits = load_digits()
    rng = numpy.random.default_rng(5)
    data = {"x": (digits.data[:n] / 16.0).astype(numpy.float32),
            "labels": digits.target[:n].astype(numpy.int32), "epochs": epochs}
    for k, s in SHAPES.items():
        scale = (2.0 / s[1]) ** 0.5 if len(s) == 2 else 0.0
        data[k] = (rng.standard_normal(s) * scale).astype(numpy.float32)
    return data


def _params(data):
    return {k: data[k] for k in SHAPES}


def _grads(p, x, labels):
    """Loss (batch mean) and gradients of relu(relu(x W1' + b1) W2' + b2) W3' + b3, CE."""
    n = x.shape[0]
    z1 = x @ p["w1"].T + p["b1"]
    h1 = numpy.maximum(z1, 0)
    z2 = h1 @ p["w2"].T + p["b2"]
    h2 = numpy.maximum(z2, 0)
    z = h2 @ p["w3"].T + p["b3"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))
    onehot = numpy.eye(10)[labels]
    loss = -(logp * onehot).sum(axis=1).mean()
    dz = (numpy.exp(logp) - onehot) / n
    g = {"w3": dz.T @ h2, "b3": dz.sum(0)}
    dz2 = (dz @ p["w3"]) * (z2 > 0)
    g["w2"], g["b2"] = dz2.T @ h1, dz2.sum(0)
    dz1 = (dz2 @ p["w2"]) * (z1 > 0)
    g["w1"], g["b1"] = dz1.T @ x, dz1.sum(0)
    return loss, g


def reference(data):
    return gt.reference_epochs(_params(data), gt.batches(data["x"], data["labels"], BATCH),
                               _grads, LR, MOMENTUM, data["epochs"])


def make_net(nn):
    net = nn.HybridSequential()
    net.add(nn.Dense(128, in_units=64, activation="relu"),
            nn.Dense(64, in_units=128, activation="relu"),
            nn.Dense(10, in_units=64))
    return net


def make_module(tnn):
    return tnn.Sequential(tnn.Linear(64, 128), tnn.ReLU(), tnn.Linear(128, 64), tnn.ReLU(),
                          tnn.Linear(64, 10))


def _setup_gluon(data, hybridize):
    params = {k: (PATHS[k][0], v) for k, v in _params(data).items()}
    return gt.gluon_step(make_net, params, gt.batches(data["x"], data["labels"], BATCH),
                         LR, MOMENTUM, data["epochs"], hybridize)


def setup_autodiff(data):
    return _setup_gluon(data, hybridize=False)


def setup_autodiff_hybrid(data):
    return _setup_gluon(data, hybridize=True)


def setup_torch(data):
    params = {k: (PATHS[k][1], v) for k, v in _params(data).items()}
    return gt.torch_step(make_module, params, gt.batches(data["x"], data["labels"], BATCH),
                         LR, MOMENTUM, data["epochs"])


IMPLS = {"autodiff": setup_autodiff, "autodiff.hybrid": setup_autodiff_hybrid,
         "torch": setup_torch}
