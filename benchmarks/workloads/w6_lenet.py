"""W6 LeNet-5 training step (forward + backward), batch 64, 1x28x28, float32:
conv 6@5x5 -> relu -> maxpool 2 -> conv 16@5x5 -> relu -> maxpool 2 -> FC 120 -> relu ->
FC 84 -> relu -> FC 10, log-softmax cross-entropy with one-hot labels (mean over the
batch); gradients of all ten parameters. FC layers are ``x @ w + b``.

Small convolutions (25- and 150-long columns): the cost around the GEMMs (packing,
pooling, the per-op overhead of ~20 ops and their backward) decides it.
"""
import numpy

from benchmarks.workloads import w6_conv_ref as ref

ID = "W6"
TITLE = "LeNet-5 step, batch 64, 1x28x28: conv/pool/conv/pool/FC x3, CE; 10 grads"
TARGET = 1.5  # median autodiff / torch
COMPILE_TARGET = 1.0  # median autodiff.compile / torch (issue 15)
SIZES = {"full": 64, "small": 4}
PARAMS = ("c1w", "c1b", "c2w", "c2b", "f1w", "f1b", "f2w", "f2b", "f3w", "f3b")
SHAPES = {"c1w": (6, 1, 5, 5), "c1b": (6,), "c2w": (16, 6, 5, 5), "c2b": (16,),
          "f1w": (256, 120), "f1b": (120,), "f2w": (120, 84), "f2b": (84,),
          "f3w": (84, 10), "f3b": (10,)}


def make_data(size="full"):
    n = SIZES[size]
    rng = numpy.random.default_rng(7)
    f32 = numpy.float32
    data = {"x": rng.uniform(0, 1, (n, 1, 28, 28)).astype(f32),
            "onehot": numpy.eye(10, dtype=f32)[rng.integers(0, 10, n)]}
    for k, s in SHAPES.items():
        fan_in = int(numpy.prod(s[1:])) if len(s) == 4 else s[0]
        scale = (2.0 / fan_in) ** 0.5 if len(s) > 1 else 0.1
        data[k] = (rng.standard_normal(s) * scale).astype(f32)
    return data


def reference(data):
    d = {k: v.astype(numpy.float64) for k, v in data.items()}
    n = d["x"].shape[0]
    a1 = ref.conv(d["x"], d["c1w"], d["c1b"], 0)
    p1, m1 = ref.maxpool2(numpy.maximum(a1, 0))
    a2 = ref.conv(p1, d["c2w"], d["c2b"], 0)
    p2, m2 = ref.maxpool2(numpy.maximum(a2, 0))
    h0 = p2.reshape(n, -1)
    z1 = h0 @ d["f1w"] + d["f1b"]
    h1 = numpy.maximum(z1, 0)
    z2 = h1 @ d["f2w"] + d["f2b"]
    h2 = numpy.maximum(z2, 0)
    z = h2 @ d["f3w"] + d["f3b"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))
    loss = -(logp * d["onehot"]).sum(axis=1).mean()
    dz = (numpy.exp(logp) - d["onehot"]) / n
    g = {"f3w": h2.T @ dz, "f3b": dz.sum(0)}
    dz2 = (dz @ d["f3w"].T) * (z2 > 0)
    g["f2w"], g["f2b"] = h1.T @ dz2, dz2.sum(0)
    dz1 = (dz2 @ d["f2w"].T) * (z1 > 0)
    g["f1w"], g["f1b"] = h0.T @ dz1, dz1.sum(0)
    dp2 = (dz1 @ d["f1w"].T).reshape(p2.shape)
    da2 = ref.maxpool2_grad(dp2, m2) * (a2 > 0)
    dp1, g["c2w"], g["c2b"] = ref.conv_grads(p1, d["c2w"], da2, 0)
    da1 = ref.maxpool2_grad(dp1, m1) * (a1 > 0)
    _, g["c1w"], g["c1b"] = ref.conv_grads(d["x"], d["c1w"], da1, 0)
    return {"loss": loss, **{"grad_" + k: v for k, v in g.items()}}


def setup_autodiff(data):
    from autodiff import autograd, np, npx

    x, onehot = np.array(data["x"]), np.array(data["onehot"])
    p = {k: np.array(data[k]) for k in PARAMS}
    for v in p.values():
        v.attach_grad()

    def step():
        with autograd.record():
            loss = _loss(np, npx, x, onehot, p)
        loss.backward()
        return {"loss": loss, **{"grad_" + k: v.grad for k, v in p.items()}}

    return step


def _loss(np, npx, x, onehot, p):
    """W6's forward, written once for the eager and the compiled autodiff steps."""
    h = npx.relu(npx.convolution(x, p["c1w"], p["c1b"], kernel=(5, 5), num_filter=6))
    h = npx.pooling(h, kernel=(2, 2), stride=(2, 2), pool_type="max")
    h = npx.relu(npx.convolution(h, p["c2w"], p["c2b"], kernel=(5, 5), num_filter=16))
    h = npx.pooling(h, kernel=(2, 2), stride=(2, 2), pool_type="max")
    h = h.reshape((h.shape[0], -1))
    h = npx.relu(h @ p["f1w"] + p["f1b"])
    h = npx.relu(h @ p["f2w"] + p["f2b"])
    logp = npx.log_softmax(h @ p["f3w"] + p["f3b"], axis=-1)
    return -np.sum(logp * onehot, axis=-1).mean()


def setup_autodiff_compile(data):
    """``autograd.compile`` of the same step: the convolutions and pooling as opaque steps
    (their own kernels), the rest BLAS calls and fused loops, replayed."""
    from autodiff import autograd, np, npx

    x, onehot = np.array(data["x"]), np.array(data["onehot"])
    p = {k: np.array(data[k]) for k in PARAMS}
    for v in p.values():
        v.attach_grad()

    @autograd.compile
    def loss_of(x, onehot, *params):
        return _loss(np, npx, x, onehot, dict(zip(PARAMS, params)))

    def step():
        loss = loss_of(x, onehot, *(p[k] for k in PARAMS))
        return {"loss": loss, **{"grad_" + k: v.grad for k, v in p.items()}}

    step.compiled = loss_of     # (the smoke test checks that it did not fall back)
    return step


def setup_torch(data):
    import torch

    F = torch.nn.functional
    x, onehot = torch.tensor(data["x"]), torch.tensor(data["onehot"])
    p = {k: torch.tensor(data[k], requires_grad=True) for k in PARAMS}

    def step():
        for v in p.values():
            v.grad = None
        h = F.max_pool2d(torch.relu(F.conv2d(x, p["c1w"], p["c1b"])), 2, 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, p["c2w"], p["c2b"])), 2, 2)
        h = h.reshape(h.shape[0], -1)
        h = torch.relu(h @ p["f1w"] + p["f1b"])
        h = torch.relu(h @ p["f2w"] + p["f2b"])
        logp = torch.log_softmax(h @ p["f3w"] + p["f3b"], dim=-1)
        loss = -(logp * onehot).sum(dim=-1).mean()
        loss.backward()
        return {"loss": loss, **{"grad_" + k: v.grad for k, v in p.items()}}

    return step


IMPLS = {"autodiff": setup_autodiff, "autodiff.compile": setup_autodiff_compile,
         "torch": setup_torch}
