"""W3 MLP step: ``relu(x @ w1) @ w2``, log-softmax cross-entropy with one-hot labels (mean
over the batch), backward to w1 and w2. x (256, 784), w1 (784, 512), w2 (512, 10), float32.

Dominated by two 256x784x512 GEMMs (x @ w1 forward, x.T @ d_a backward; x needs no
gradient) plus three small ones: measures how well the library hands GEMM to BLAS and how
little it spends around it (relu mask, log-softmax, the one-hot product, the mean).
"""
import numpy

ID = "W3"
TITLE = "MLP step: relu(x@w1)@w2, log-softmax CE (one-hot, mean), grads of w1, w2"
TARGET = 0.9  # median autodiff / torch (issue 18; issue 1 had 1.2)
COMPILE_TARGET = 1.0  # median autodiff.compile / torch (issue 8)
BATCH, D_IN, D_HID, D_OUT = 256, 784, 512, 10


def make_data():
    rng = numpy.random.default_rng(3)
    f32 = numpy.float32
    labels = rng.integers(0, D_OUT, BATCH)
    return {
        "x": rng.uniform(0, 1, (BATCH, D_IN)).astype(f32),
        "w1": (rng.standard_normal((D_IN, D_HID)) * (2.0 / D_IN) ** 0.5).astype(f32),
        "w2": (rng.standard_normal((D_HID, D_OUT)) * (1.0 / D_HID) ** 0.5).astype(f32),
        "onehot": numpy.eye(D_OUT, dtype=f32)[labels],
    }


def reference(data):
    d = {k: v.astype(numpy.float64) for k, v in data.items()}
    a = d["x"] @ d["w1"]
    h = numpy.maximum(a, 0.0)
    z = h @ d["w2"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))
    loss = -(logp * d["onehot"]).sum(axis=1).mean()
    dz = (numpy.exp(logp) - d["onehot"]) / BATCH
    grad_w2 = h.T @ dz
    da = (dz @ d["w2"].T) * (a > 0)
    grad_w1 = d["x"].T @ da
    return {"loss": loss, "grad_w1": grad_w1, "grad_w2": grad_w2}


def setup_autodiff(data):
    from autodiff import autograd, np, npx

    x, onehot = np.array(data["x"]), np.array(data["onehot"])
    w1, w2 = np.array(data["w1"]), np.array(data["w2"])
    w1.attach_grad()
    w2.attach_grad()

    def step():
        with autograd.record():
            logits = npx.relu(x @ w1) @ w2
            logp = npx.log_softmax(logits, axis=-1)
            loss = -np.sum(logp * onehot, axis=-1).mean()
        loss.backward()
        return {"loss": loss, "grad_w1": w1.grad, "grad_w2": w2.grad}

    return step


def setup_autodiff_compile(data):
    """``autograd.compile`` of the same step: BLAS calls plus fused loops, replayed."""
    from autodiff import autograd, np, npx

    x, onehot = np.array(data["x"]), np.array(data["onehot"])
    w1, w2 = np.array(data["w1"]), np.array(data["w2"])
    w1.attach_grad()
    w2.attach_grad()

    @autograd.compile
    def loss_of(x, w1, w2, onehot):
        logits = npx.relu(x @ w1) @ w2
        logp = npx.log_softmax(logits, axis=-1)
        return -np.sum(logp * onehot, axis=-1).mean()

    def step():
        loss = loss_of(x, w1, w2, onehot)
        return {"loss": loss, "grad_w1": w1.grad, "grad_w2": w2.grad}

    return step


def setup_torch(data):
    import torch

    x, onehot = torch.tensor(data["x"]), torch.tensor(data["onehot"])
    w1 = torch.tensor(data["w1"], requires_grad=True)
    w2 = torch.tensor(data["w2"], requires_grad=True)

    def step():
        w1.grad = w2.grad = None
        logits = torch.relu(x @ w1) @ w2
        logp = torch.log_softmax(logits, dim=-1)
        loss = -(logp * onehot).sum(dim=-1).mean()
        loss.backward()
        return {"loss": loss, "grad_w1": w1.grad, "grad_w2": w2.grad}

    return step


def loss_fn(np_mod, w1, w2, x, onehot):
    """The workload as a pure function; log-softmax written out (HIPS autograd has none)."""
    z = np_mod.maximum(x @ w1, 0.0) @ w2
    z = z - np_mod.max(z, axis=-1, keepdims=True)
    logp = z - np_mod.log(np_mod.sum(np_mod.exp(z), axis=-1, keepdims=True))
    return -np_mod.mean(np_mod.sum(logp * onehot, axis=-1))


def setup_autograd(data):
    import autograd.numpy as anp
    from autograd import value_and_grad

    x, onehot = data["x"], data["onehot"]
    g = value_and_grad(lambda ws: loss_fn(anp, ws[0], ws[1], x, onehot))
    ws = (data["w1"], data["w2"])

    def step():
        loss, (g1, g2) = g(ws)
        return {"loss": loss, "grad_w1": g1, "grad_w2": g2}

    return step


def _setup_jax(data, jit):
    import jax

    jnp = jax.numpy

    def f(w1, w2, x, onehot):
        logits = jax.nn.relu(x @ w1) @ w2
        logp = jax.nn.log_softmax(logits, axis=-1)
        return -jnp.mean(jnp.sum(logp * onehot, axis=-1))

    g = jax.value_and_grad(f, argnums=(0, 1))
    if jit:
        g = jax.jit(g)
    args = [jnp.asarray(data[k]) for k in ("w1", "w2", "x", "onehot")]

    def step():
        loss, (g1, g2) = g(*args)
        g1.block_until_ready()
        g2.block_until_ready()
        return {"loss": loss, "grad_w1": g1, "grad_w2": g2}

    return step


def setup_jax(data):
    return _setup_jax(data, jit=False)


def setup_jax_jit(data):
    return _setup_jax(data, jit=True)


def setup_numpy_fwd(data):
    args = [data[k] for k in ("w1", "w2", "x", "onehot")]

    def step():
        return {"loss": loss_fn(numpy, *args)}

    return step


IMPLS = {
    "autodiff": setup_autodiff,
    "autodiff.compile": setup_autodiff_compile,
    "torch": setup_torch,
    "autograd": setup_autograd,
    "jax": setup_jax,
    "jax.jit": setup_jax_jit,
    "numpy.fwd": setup_numpy_fwd,
}
