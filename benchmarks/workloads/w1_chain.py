"""W1 tiny chain: x of shape (2, 3); 100 times ``y = y * 1.01 + 0.1``; ``y.sum()`` backward.

201 recorded ops on 6 elements: the arithmetic is nothing, so this measures per-op overhead
(recording each op plus running its backward rule).
"""
import numpy

ID = "W1"
TITLE = "tiny chain: (2,3), 100 x (y*1.01+0.1), sum, backward (201 ops)"
TARGET = 0.8  # median autodiff / torch (issue 18; issue 1 had 1.5)
COMPILE_TARGET = 0.05  # median autodiff.compile / torch (issue 8)
STEPS = 100
MUL, ADD = 1.01, 0.1


def make_data():
    rng = numpy.random.default_rng(1)
    return {"x": rng.uniform(-1, 1, (2, 3)).astype(numpy.float32)}


def reference(data):
    """Float64 result: loss and d loss / d x (= 1.01**100 everywhere)."""
    y = data["x"].astype(numpy.float64)
    for _ in range(STEPS):
        y = y * MUL + ADD
    return {"loss": y.sum(), "grad_x": numpy.full(y.shape, MUL**STEPS)}


def setup_autodiff(data):
    from autodiff import autograd, np

    x = np.array(data["x"])
    x.attach_grad()

    def step():
        with autograd.record():
            y = x
            for _ in range(STEPS):
                y = y * MUL + ADD
            s = y.sum()
        s.backward()
        return {"loss": s, "grad_x": x.grad}

    return step


def setup_autodiff_compile(data):
    """``autograd.compile`` of the same step: one fused forward+backward Numba kernel."""
    from autodiff import autograd, np

    x = np.array(data["x"])
    x.attach_grad()
    step_fn = autograd.compile(lambda x: chain(x))

    def step():
        s = step_fn(x)
        return {"loss": s, "grad_x": x.grad}

    return step


def setup_torch(data):
    import torch

    x = torch.tensor(data["x"], requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(STEPS):
            y = y * MUL + ADD
        s = y.sum()
        s.backward()
        return {"loss": s, "grad_x": x.grad}

    return step


def chain(x):
    """The workload as a pure function: works on numpy, HIPS autograd and jax arrays."""
    y = x
    for _ in range(STEPS):
        y = y * MUL + ADD
    return y.sum()


def setup_autograd(data):
    from autograd import value_and_grad

    g = value_and_grad(chain)
    x = data["x"]

    def step():
        loss, gx = g(x)
        return {"loss": loss, "grad_x": gx}

    return step


def _setup_jax(data, jit):
    import jax

    g = jax.value_and_grad(chain)
    if jit:
        g = jax.jit(g)
    x = jax.numpy.asarray(data["x"])

    def step():
        loss, gx = g(x)
        gx.block_until_ready()
        return {"loss": loss, "grad_x": gx}

    return step


def setup_jax(data):
    return _setup_jax(data, jit=False)


def setup_jax_jit(data):
    return _setup_jax(data, jit=True)


def setup_numpy_fwd(data):
    x = data["x"]

    def step():
        return {"loss": chain(x)}

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
