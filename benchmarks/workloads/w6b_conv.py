"""W6b one convolution, forward and backward: x (32, 64, 56, 56), 64 filters 3x3, pad 1,
float32; the output gradient is a fixed random array; gradients of x, w and b.

A ResNet stage's convolution: 7.4 GFLOP per GEMM direction (forward, data gradient,
weight gradient). Measures the im2col layout, the GEMM shapes and transposes, and the
col2im / bias work around them.
"""
import numpy

from benchmarks.workloads import w6_conv_ref as ref

ID = "W6b"
TITLE = "convolution fwd+bwd: x (32,64,56,56), 64 filters 3x3, pad 1; grads of x, w, b"
TARGET = 1.5  # median autodiff / torch
SIZES = {"full": (32, 64, 56, 64), "small": (2, 4, 9, 3)}   # batch, channels, side, filters


def make_data(size="full"):
    n, c, s, o = SIZES[size]
    rng = numpy.random.default_rng(6)
    f32 = numpy.float32
    return {
        "x": rng.standard_normal((n, c, s, s)).astype(f32),
        "w": (rng.standard_normal((o, c, 3, 3)) * (2.0 / (9 * c)) ** 0.5).astype(f32),
        "b": rng.standard_normal(o).astype(f32) * f32(0.1),
        "head": rng.standard_normal((n, o, s, s)).astype(f32),
    }


def reference(data):
    d = {k: v.astype(numpy.float64) for k, v in data.items()}
    dx, dw, db = ref.conv_grads(d["x"], d["w"], d["head"], 1)
    return {"grad_x": dx, "grad_w": dw, "grad_b": db}


def setup_autodiff(data):
    from autodiff import autograd, np, npx

    x, w, b, head = (np.array(data[k]) for k in ("x", "w", "b", "head"))
    for p in (x, w, b):
        p.attach_grad()
    nf = w.shape[0]

    def step():
        with autograd.record():
            y = npx.convolution(x, w, b, kernel=(3, 3), pad=(1, 1), num_filter=nf)
        y.backward(head)
        return {"grad_x": x.grad, "grad_w": w.grad, "grad_b": b.grad}

    return step


def setup_torch(data):
    import torch

    x, w, b = (torch.tensor(data[k], requires_grad=True) for k in ("x", "w", "b"))
    head = torch.tensor(data["head"])

    def step():
        x.grad = w.grad = b.grad = None
        y = torch.nn.functional.conv2d(x, w, b, padding=1)
        y.backward(head)
        return {"grad_x": x.grad, "grad_w": w.grad, "grad_b": b.grad}

    return step


IMPLS = {"autodiff": setup_autodiff, "torch": setup_torch}
