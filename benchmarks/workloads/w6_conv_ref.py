"""Float64 NumPy references for the convolution workloads (W6, W6b): stride-1 convolution
by sliding windows and einsum, its gradients, and 2x2 max pooling. Imports nothing of autodiff."""
import numpy
from numpy.lib.stride_tricks import sliding_window_view


def conv(x, w, b, pad):
    """Stride-1 cross-correlation of x (N, C, H, W) with w (O, C, kh, kw), plus b."""
    xp = numpy.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))            # (N, C, OH, OW, kh, kw)
    return numpy.einsum("nchwij,ocij->nohw", win, w, optimize=True) + b[None, :, None, None]


def conv_grads(x, w, g, pad):
    """(dx, dw, db) of conv(x, w, b, pad) for the output gradient g."""
    xp = numpy.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    dw = numpy.einsum("nohw,nchwij->ocij", g, win, optimize=True)
    dxp = numpy.zeros_like(xp)
    oh, ow = g.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            dxp[:, :, i:i + oh, j:j + ow] += numpy.einsum("nohw,oc->nchw", g, w[:, :, i, j],
                                                          optimize=True)
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, g.sum(axis=(0, 2, 3))


def maxpool2(x):
    """2x2 max pooling, stride 2 (even sizes), and the mask of each window's maximum."""
    n, c, h, w = x.shape
    r = x.reshape(n, c, h // 2, 2, w // 2, 2)
    y = r.max(axis=(3, 5))
    mask = r == y[:, :, :, None, :, None]
    return y, mask


def maxpool2_grad(g, mask):
    n, c, h2, _, w2, _ = mask.shape
    return (mask * g[:, :, :, None, :, None]).reshape(n, c, 2 * h2, 2 * w2)
