"""W10 higher order, Hessian-vector product: W3's MLP with tanh instead of relu.

``loss(w1, w2)`` = mean log-softmax cross-entropy of ``tanh(x @ w1) @ w2`` (one-hot
labels); ``g1, g2 = grad(loss, [w1, w2], create_graph=True)``; then
``(sum(g1 * v1) + sum(g2 * v2)).backward()`` leaves ``H v`` in ``w1.grad``, ``w2.grad``
(PyTorch: ``torch.autograd.grad(..., create_graph=True)`` and the same backward; its
double backward).  Measures recording the backward pass (create_graph) and running
backward through a gradient graph: every first-order rule's ops are recorded again.

The reference is independent of both: the float64 analytic gradient differenced
centrally along ``v`` (step 1e-4 times the weights' scale: the error, O(step^2), is far
below float32's).
"""
import numpy

ID = "W10"
TITLE = "Hessian-vector product of W3's MLP loss with tanh (grad create_graph, then backward)"
TARGET = 0.8  # median autodiff / torch (issue 18)
SIZES = {"full": (256, 784, 512, 10), "small": (8, 12, 6, 4)}   # batch, in, hidden, out


def make_data(size="full"):
    batch, d_in, d_hid, d_out = SIZES[size]
    rng = numpy.random.default_rng(10)
    f32 = numpy.float32
    labels = rng.integers(0, d_out, batch)
    return {
        "x": rng.uniform(0, 1, (batch, d_in)).astype(f32),
        "w1": (rng.standard_normal((d_in, d_hid)) * (1.0 / d_in) ** 0.5).astype(f32),
        "w2": (rng.standard_normal((d_hid, d_out)) * (1.0 / d_hid) ** 0.5).astype(f32),
        "v1": rng.standard_normal((d_in, d_hid)).astype(f32),
        "v2": rng.standard_normal((d_hid, d_out)).astype(f32),
        "onehot": numpy.eye(d_out, dtype=f32)[labels],
    }


def _grad64(d, w1, w2):
    """Float64 analytic gradient of the loss with respect to (w1, w2)."""
    x, onehot = d["x"], d["onehot"]
    h = numpy.tanh(x @ w1)
    z = h @ w2
    z = z - z.max(axis=1, keepdims=True)
    p = numpy.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - onehot) / x.shape[0]
    da = (dz @ w2.T) * (1 - h * h)
    return x.T @ da, h.T @ dz


def reference(data):
    d = {k: v.astype(numpy.float64) for k, v in data.items()}
    eps = 1e-4
    p1, p2 = _grad64(d, d["w1"] + eps * d["v1"], d["w2"] + eps * d["v2"])
    m1, m2 = _grad64(d, d["w1"] - eps * d["v1"], d["w2"] - eps * d["v2"])
    return {"hvp_w1": (p1 - m1) / (2 * eps), "hvp_w2": (p2 - m2) / (2 * eps)}


def setup_autodiff(data):
    from autodiff import autograd, np, npx

    x, onehot, v1, v2 = (np.array(data[k]) for k in ("x", "onehot", "v1", "v2"))
    w1, w2 = np.array(data["w1"]), np.array(data["w2"])
    w1.attach_grad()
    w2.attach_grad()

    def step():
        with autograd.record():
            logits = np.tanh(x @ w1) @ w2
            loss = -np.sum(npx.log_softmax(logits, axis=-1) * onehot, axis=-1).mean()
            g1, g2 = autograd.grad(loss, [w1, w2], create_graph=True)
            s = (g1 * v1).sum() + (g2 * v2).sum()
        s.backward()
        return {"hvp_w1": w1.grad, "hvp_w2": w2.grad}

    return step


def setup_torch(data):
    import torch

    x, onehot, v1, v2 = (torch.tensor(data[k]) for k in ("x", "onehot", "v1", "v2"))
    w1 = torch.tensor(data["w1"], requires_grad=True)
    w2 = torch.tensor(data["w2"], requires_grad=True)

    def step():
        w1.grad = w2.grad = None
        logits = torch.tanh(x @ w1) @ w2
        loss = -(torch.log_softmax(logits, dim=-1) * onehot).sum(dim=-1).mean()
        g1, g2 = torch.autograd.grad(loss, [w1, w2], create_graph=True)
        s = (g1 * v1).sum() + (g2 * v2).sum()
        s.backward()
        return {"hvp_w1": w1.grad, "hvp_w2": w2.grad}

    return step


IMPLS = {"autodiff": setup_autodiff, "torch": setup_torch}
