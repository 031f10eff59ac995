"""W2 big elementwise: b of 4,000,000 float32; ``(tanh(b * 0.5 + 0.1) * b).sum()`` backward.

Five elementwise ops and a sum over 16 MB arrays: memory-bound. The floors are NumPy's
forward alone (no gradient) and a plain copy of the 4M floats.
"""
import numpy

ID = "W2"
TITLE = "big elementwise: (tanh(b*0.5+0.1)*b).sum() backward, b (2000,2000) float32"
TARGET = 0.75  # median autodiff / torch (issue 18; issue 1 had 1.0)
COMPILE_TARGET = 0.35  # median autodiff.compile / torch (issue 8)
SHAPE = (2000, 2000)  # 4,000,000 elements, C-contiguous


def make_data():
    rng = numpy.random.default_rng(2)
    return {"b": rng.standard_normal(SHAPE, dtype=numpy.float32)}


def reference(data):
    b = data["b"].astype(numpy.float64)
    t = numpy.tanh(b * 0.5 + 0.1)
    return {"loss": (t * b).sum(), "grad_b": t + b * 0.5 * (1.0 - t * t)}


def fn(np_mod, b):
    """The workload as a pure function of any numpy-like module."""
    return (np_mod.tanh(b * 0.5 + 0.1) * b).sum()


def setup_autodiff(data):
    from autodiff import autograd, np

    b = np.array(data["b"])
    b.attach_grad()

    def step():
        with autograd.record():
            s = (np.tanh(b * 0.5 + 0.1) * b).sum()
        s.backward()
        return {"loss": s, "grad_b": b.grad}

    return step


def setup_autodiff_compile(data):
    """``autograd.compile`` of the same step: one fused forward+backward Numba kernel."""
    from autodiff import autograd, np

    b = np.array(data["b"])
    b.attach_grad()
    step_fn = autograd.compile(lambda b: fn(np, b))

    def step():
        s = step_fn(b)
        return {"loss": s, "grad_b": b.grad}

    return step


def setup_torch(data):
    import torch

    b = torch.tensor(data["b"], requires_grad=True)

    def step():
        b.grad = None
        s = (torch.tanh(b * 0.5 + 0.1) * b).sum()
        s.backward()
        return {"loss": s, "grad_b": b.grad}

    return step


def setup_autograd(data):
    import autograd.numpy as anp
    from autograd import value_and_grad

    g = value_and_grad(lambda b: fn(anp, b))
    b = data["b"]

    def step():
        loss, gb = g(b)
        return {"loss": loss, "grad_b": gb}

    return step


def _setup_jax(data, jit):
    import jax

    g = jax.value_and_grad(lambda b: fn(jax.numpy, b))
    if jit:
        g = jax.jit(g)
    b = jax.numpy.asarray(data["b"])

    def step():
        loss, gb = g(b)
        gb.block_until_ready()
        return {"loss": loss, "grad_b": gb}

    return step


def setup_jax(data):
    return _setup_jax(data, jit=False)


def setup_jax_jit(data):
    return _setup_jax(data, jit=True)


def setup_numpy_fwd(data):
    b = data["b"]

    def step():
        return {"loss": fn(numpy, b)}

    return step


def setup_numpy_copy(data):
    b = data["b"]

    def step():
        b.copy()
        return {}

    return step


IMPLS = {
    "autodiff": setup_autodiff,
    "autodiff.compile": setup_autodiff_compile,
    "torch": setup_torch,
    "autograd": setup_autograd,
    "jax": setup_jax,
    "jax.jit": setup_jax_jit,
    "numpy.fwd": setup_numpy_fwd,
    "numpy.copy": setup_numpy_copy,
}
