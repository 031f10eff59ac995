"""W10b higher order, third derivative of a 200-op scalar chain.

``y = x``, then 100 times ``y = sin(y) * x`` (200 recorded ops on a 0-d float32 array);
``d3y/dx3`` by differentiating twice with ``create_graph=True`` and once more with
``backward`` (PyTorch: two ``torch.autograd.grad(..., create_graph=True)`` and a
``backward``).  Each order records a gradient graph several times the size of the one
before it: this measures recording backward passes and the engine over graphs of
scalars, where every op is overhead.

With ``x = 1.2`` the iteration converges (``|x cos y*| < 1`` at its fixed point), so the
derivatives stay of order one.  The reference is float64 Taylor-mode (forward jets of
order 3, the chain and product rules written out), independent of backward passes.
"""
import math

import numpy

ID = "W10b"
TITLE = "third derivative of a 200-op scalar chain (100 x y = sin(y) * x), 0-d float32"
TARGET = 0.8  # median autodiff / torch (issue 18)
STEPS = 100
X0 = 1.2


def make_data(size="full"):
    return {"x": numpy.float32(X0), "steps": STEPS if size == "full" else 5}


def _jet_sin(y):
    """Jet (value, 1st, 2nd, 3rd derivative) of sin(y(x)) from the jet of y."""
    y0, y1, y2, y3 = y
    s, c = math.sin(y0), math.cos(y0)
    return (s, c * y1, -s * y1 * y1 + c * y2, -c * y1 ** 3 - 3 * s * y1 * y2 + c * y3)


def _jet_mul(a, b):
    """Jet of a(x) * b(x) (Leibniz rule to order 3)."""
    return (a[0] * b[0], a[1] * b[0] + a[0] * b[1],
            a[2] * b[0] + 2 * a[1] * b[1] + a[0] * b[2],
            a[3] * b[0] + 3 * a[2] * b[1] + 3 * a[1] * b[2] + a[0] * b[3])


def reference(data):
    x = (float(data["x"]), 1.0, 0.0, 0.0)
    y = x
    for _ in range(data["steps"]):
        y = _jet_mul(_jet_sin(y), x)
    return {"d1": y[1], "d2": y[2], "d3": y[3]}


def setup_autodiff(data):
    from autodiff import autograd, np

    x = np.array(data["x"])
    x.attach_grad()
    steps = data["steps"]

    def step():
        with autograd.record():
            y = x
            for _ in range(steps):
                y = np.sin(y) * x
            d1, = autograd.grad(y, [x], create_graph=True)
            d2, = autograd.grad(d1, [x], create_graph=True)
        d2.backward()
        return {"d1": d1, "d2": d2, "d3": x.grad}

    return step


def setup_torch(data):
    import torch

    x = torch.tensor(data["x"], requires_grad=True)
    steps = data["steps"]

    def step():
        x.grad = None
        y = x
        for _ in range(steps):
            y = torch.sin(y) * x
        d1, = torch.autograd.grad(y, [x], create_graph=True)
        d2, = torch.autograd.grad(d1, [x], create_graph=True)
        d2.backward()
        return {"d1": d1, "d2": d2, "d3": x.grad}

    return step


IMPLS = {"autodiff": setup_autodiff, "torch": setup_torch}
