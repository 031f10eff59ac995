"""Softmax cross-entropy of integer labels: ``-log_softmax(x, axis=-1)[r, label[r]]`` per row,
as one op (what ``gluon.loss.SoftmaxCrossEntropyLoss`` computes for ``(N, C)`` predictions
and sparse labels, eagerly, in one kernel instead of ``log_softmax``, a mask, a product and
a sum and their four backward rules).

Two rows of the op table:

- ``softmax_cross_entropy(x; labels)``: the per-row loss ``lse - x[label]``
  (``kernels.softmax_ce.ce_forward``).  Its backward is the next op.
- ``softmax_cross_entropy_grad(x, g; labels)``: ``(softmax(x) - onehot(label)) * g[:, None]``
  in one pass (``ce_grad``).  Its own backward is written with the library's ops
  (``softmax``, products, sums), so ``create_graph=True`` gives every higher order:
  ``d/dx <G, (s - onehot) g> = s * (G g) - s * sum(s * G g)`` (softmax's VJP of ``G g``),
  ``d/dg = sum((s - onehot) * G, axis=-1)``.

Labels are class indices already in ``[0, C)`` (int64, NumPy; the caller applies ``pick``'s
'clip' rule); they carry no gradient and live in the node's attrs with the rows' ``lse``.
Outside ``autograd.compile``'s table: the loss uses the traceable composition under a
compile trace (``gluon.loss``).
"""
import numpy as _onp

from ..errors import DTypeError, ShapeError
from ..kernels import softmax_ce as K
from .core import defop, result
from .nn import softmax


def _ce_backward(node, grads, needs):
    labels, lse = node.attrs
    return (softmax_ce_grad(node.inputs[0], grads[0], labels, lse),)


def _ce_grad_backward(node, grads, needs):
    x, g = node.inputs
    labels, _ = node.attrs
    G = grads[0]
    s = softmax(x, axis=-1)
    gx = gw = None
    if needs[0]:
        h = G * g.reshape(g.shape + (1,))
        sh = s * h
        gx = sh - s * sh.sum(axis=-1, keepdims=True)
    if needs[1]:
        # G[r, labels[r]] through getitem: recorded, so differentiable in G
        gw = (s * G).sum(axis=-1) - G[_onp.arange(G.shape[0]), labels]
    return gx, gw


_ce_op = defop('softmax_cross_entropy', _ce_backward, params=('labels', 'lse'))
_ce_grad_op = defop('softmax_cross_entropy_grad', _ce_grad_backward, params=('labels', 'lse'))


def _check(x, labels):
    if x.ndim != 2:
        raise ShapeError(f"softmax_cross_entropy: pred must be 2-D (rows, classes), got shape "
                         f"{x.shape}")
    if x.dtype.kind != 'f':
        raise DTypeError(f"softmax_cross_entropy: pred must be a float array, got {x.dtype}")
    if labels.shape != (x.shape[0],):
        raise ShapeError(f"softmax_cross_entropy: labels must have shape ({x.shape[0]},), "
                         f"got {labels.shape}")


def softmax_ce(x, labels):
    """Per row ``-log_softmax(x)[r, labels[r]]`` of 2-D float ``x`` (an array, recorded);
    ``labels``: int64 NumPy class indices in ``[0, x.shape[1])``.  Differentiable in ``x``."""
    _check(x, labels)
    d = x._data
    if not d.flags.c_contiguous:
        d = _onp.ascontiguousarray(d)
    labels = _onp.ascontiguousarray(labels, dtype=_onp.int64)
    loss = _onp.empty(d.shape[0], d.dtype)
    # (float64: rounded to float32, lse's error, ~ulp(lse), would shift every softmax value
    # of the row alike: 30x the gradient error of log_softmax + pick at logits of scale 10)
    lse = _onp.empty(d.shape[0], _onp.float64)
    if d.size:
        K.ce_forward(d, labels, loss, lse)
    return result(_ce_op, (x,), loss, (labels, lse))


def softmax_ce_grad(x, g, labels, lse):
    """``(softmax(x) - onehot(labels)) * g[:, None]`` (``lse``: each row's logsumexp, as
    ``softmax_ce`` computed it); recorded, differentiable in ``x`` and ``g``."""
    d, gd = x._data, g._data
    if not d.flags.c_contiguous:
        d = _onp.ascontiguousarray(d)
    gd = _onp.ascontiguousarray(gd, dtype=d.dtype)
    out = _onp.empty(d.shape, d.dtype)
    if d.size:
        K.ce_grad(d, lse, labels, gd, out)
    return result(_ce_grad_op, (x, g), out, (labels, lse))


__all__ = ['softmax_ce', 'softmax_ce_grad']
