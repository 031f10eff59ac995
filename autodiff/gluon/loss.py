"""``gluon.loss``: losses returning one value per sample (MXNet 1.9.1's math).

Each loss reduces over every axis but ``batch_axis`` (a mean, except where MXNet sums:
``KLDivLoss``, ``TripletLoss``), after multiplying by ``sample_weight`` (broadcast to the
elementwise loss) and the scalar ``weight``.  ``backward()`` on the per-sample vector sums
it, so with ``Trainer.step(batch_size)`` the update uses the batch mean.  A label of the
wrong size is a ``ShapeError`` naming the loss.  MXNet 1.9.1's Huber, Hinge, Logistic and
KLDiv losses call legacy operators that fail in numpy mode; here they follow the math.
``CTCLoss`` has no operator of its own: its alpha recursion is written with existing ops
(``gluon._ctc``), so it is exact but runs one small group of ops per time step.
"""
import math

import numpy as _onp

from .. import np, npx
from .._state import state
from ..errors import ShapeError
from ..ndarray import ndarray, wrap
from ..ops.softmax_ce import softmax_ce
from ._ctc import ctc_nll
from .hybrid import HybridBlock

__all__ = ['Loss', 'L1Loss', 'L2Loss', 'SoftmaxCrossEntropyLoss', 'SoftmaxCELoss',
           'SigmoidBinaryCrossEntropyLoss', 'SigmoidBCELoss', 'KLDivLoss', 'HuberLoss',
           'HingeLoss', 'SquaredHingeLoss', 'LogisticLoss', 'TripletLoss',
           'CosineEmbeddingLoss', 'PoissonNLLLoss', 'CTCLoss', 'SDMLLoss']


def _softrelu(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


class Loss(HybridBlock):
    """Base class: ``weight`` (a scalar or None) and ``batch_axis`` (kept by the reduction)."""

    def __init__(self, weight, batch_axis, **kwargs):
        super().__init__(**kwargs)
        if weight is not None and not isinstance(weight, (int, float)):
            raise TypeError(f"{type(self).__name__}: weight must be a number, got "
                            f"{type(weight).__name__}")
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self):
        return f'{self.__class__.__name__}(batch_axis={self._batch_axis}, w={self._weight})'

    def _like(self, label, pred, what='label'):
        """``label`` reshaped to ``pred``'s shape (sizes must agree)."""
        if not isinstance(label, ndarray):
            label = np.array(label)
        if label.shape == pred.shape:
            return label
        if label.size != pred.size:
            raise ShapeError(f"{self.name}: {what} of shape {label.shape} does not fit pred of "
                             f"shape {pred.shape} ({label.size} vs {pred.size} elements)")
        return label.reshape(pred.shape)

    def _weighted(self, loss, sample_weight):
        if sample_weight is not None:
            loss = loss * sample_weight
        if self._weight is not None:
            loss = loss * self._weight
        return loss

    def _reduce(self, loss, how='mean'):
        b = self._batch_axis % loss.ndim if loss.ndim else 0
        axes = tuple(i for i in range(loss.ndim) if i != b)
        if not axes:
            return loss
        return loss.mean(axis=axes) if how == 'mean' else loss.sum(axis=axes)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """One loss value per sample (see the class docstring)."""
        raise NotImplementedError


class L2Loss(Loss):
    """``weight / 2 * (label - pred)^2``, mean per sample (``weight`` defaults to 1)."""

    def __init__(self, weight=1., batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        d = self._like(label, pred) - pred
        loss = d * d
        if sample_weight is not None:
            loss = loss * sample_weight
        return self._reduce(loss * (self._weight / 2))


class L1Loss(Loss):
    """``|label - pred|``, mean per sample."""

    def __init__(self, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        loss = np.abs(self._like(label, pred) - pred)
        return self._reduce(self._weighted(loss, sample_weight))


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy of ``sigmoid(pred)`` (or of ``pred`` itself with
    ``from_sigmoid=True``) against labels in [0, 1]; ``pos_weight`` scales positives."""

    def __init__(self, from_sigmoid=False, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F, pred, label, sample_weight=None, pos_weight=None):
        """One loss value per sample (see the class docstring)."""
        label = self._like(label, pred)
        if not self._from_sigmoid:
            if pos_weight is None:
                loss = npx.relu(pred) - pred * label + _softrelu(-np.abs(pred))
            else:
                log_weight = 1 + (pos_weight - 1) * label
                loss = pred - pred * label + log_weight * (
                    _softrelu(-np.abs(pred)) + npx.relu(-pred))
        else:
            eps = 1e-12
            if pos_weight is None:
                loss = -(np.log(pred + eps) * label + np.log(1. - pred + eps) * (1. - label))
            else:
                loss = -(np.log(pred + eps) * label * pos_weight
                         + np.log(1. - pred + eps) * (1. - label))
        return self._reduce(self._weighted(loss, sample_weight))


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """``-log softmax(pred)[label]`` along ``axis``: integer class labels
    (``sparse_label=True``) or a distribution of ``pred``'s shape; ``from_logits=True``
    means ``pred`` is already a log-softmax."""

    def __init__(self, axis=-1, sparse_label=True, from_logits=False, weight=None,
                 batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def _pick_index(self, pred, label):
        """The class index of each row along the axis (NumPy, integer, shaped as ``pred``
        with 1 along the axis), as MXNet's ``pick(pred, label, axis, mode='clip')`` takes
        it: float labels truncated, labels outside ``[0, C)`` clipped into it."""
        ax = self._axis % pred.ndim
        n = pred.shape[ax]
        want = pred.shape[:ax] + (1,) + pred.shape[ax + 1:]
        idx = label._data.reshape(want)
        if idx.dtype.kind == 'f':
            if not _onp.isfinite(idx).all():
                raise ValueError(f"{self.name}: the sparse label holds NaN or inf")
            idx = _onp.trunc(idx)
        elif idx.dtype.kind not in 'biu':
            raise TypeError(f"{self.name}: sparse labels must be numbers, got dtype "
                            f"{idx.dtype}")
        if idx.dtype.kind in 'bi' or (idx.dtype.kind == 'u' and idx.dtype.itemsize < 8):
            # integers: clipped as int64 (softmax_ce's index type) by two ufunc calls,
            # without numpy.clip's Python wrapper (a loss runs once per step)
            out = _onp.maximum(idx, 0, dtype=_onp.int64)
            return _onp.minimum(out, n - 1, out=out)
        return _onp.clip(idx, 0, n - 1)

    def _checked_label(self, pred, label):
        """``label`` as an array, its size checked against ``pred``'s rows along the axis."""
        ax = self._axis % pred.ndim
        want = pred.shape[:ax] + (1,) + pred.shape[ax + 1:]
        if not isinstance(label, ndarray):
            label = np.array(label)
        if label.size != math.prod(want):
            raise ShapeError(f"{self.name}: sparse label of shape {label.shape} does not fit "
                             f"pred of shape {pred.shape} (one class index per row along axis "
                             f"{self._axis} means {math.prod(want)} labels)")
        return label

    def _pick_mask(self, pred, label, sign=1):
        """``sign`` at each row's label along the axis, 0 elsewhere, in ``pred``'s dtype: what
        ``pick`` selects (``_pick_index``).  The labels carry no gradient, so eagerly the
        mask is made in NumPy (one array, no tape work); inside a compile trace it is made
        with library ops, so that a replay recomputes it from new labels."""
        label = self._checked_label(pred, label)
        ax = self._axis % pred.ndim
        n = pred.shape[ax]
        want = pred.shape[:ax] + (1,) + pred.shape[ax + 1:]
        classes_shape = tuple(-1 if i == ax else 1 for i in range(pred.ndim))
        if state.tracer is None:
            idx = self._pick_index(pred, label)
            hot = idx == _onp.arange(n).reshape(classes_shape)
            return wrap(hot.astype(pred.dtype) if sign == 1 else
                        _onp.where(hot, pred.dtype.type(sign), pred.dtype.type(0)))
        classes = np.arange(n).reshape(classes_shape)
        idx = np.floor(np.clip(label.reshape(want).astype(classes.dtype), 0, n - 1))
        return np.equal(idx, classes).astype(pred.dtype) * sign

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        rows = (self._sparse_label and sample_weight is None and pred.ndim == 2
                and self._batch_axis % 2 != self._axis % 2)
        if (rows and not self._from_logits and self._axis % 2 == 1 and state.tracer is None
                and pred.dtype.kind == 'f'):
            # (N, C) rows, eagerly: one fused op (log_softmax, pick and their backward in
            # one kernel each); under a compile trace the composition below, which lowers
            label = self._checked_label(pred, label)
            loss = softmax_ce(pred, self._pick_index(pred, label).reshape(-1))
            return self._weighted(loss, None)
        if not self._from_logits:
            pred = npx.log_softmax(pred, self._axis)
        if rows:
            # (N, C) rows: the per-sample sum is already the loss (a mean over the one
            # remaining axis of length 1 would divide by 1): two recorded ops, not four
            loss = (pred * self._pick_mask(pred, label, -1)).sum(axis=self._axis)
            return self._weighted(loss, None)
        if self._sparse_label:
            loss = -(pred * self._pick_mask(pred, label)).sum(axis=self._axis, keepdims=True)
        else:
            loss = -(pred * self._like(label, pred)).sum(axis=self._axis, keepdims=True)
        return self._reduce(self._weighted(loss, sample_weight))


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class KLDivLoss(Loss):
    """``label * (log(label) - pred)`` summed per sample; ``pred`` is log-probabilities
    (``from_logits=True``, the default) or logits turned into them by a log-softmax."""

    def __init__(self, from_logits=True, axis=-1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        if not self._from_logits:
            pred = npx.log_softmax(pred, self._axis)
        label = self._like(label, pred)
        loss = label * (np.log(label + 1e-12) - pred)
        return self._reduce(self._weighted(loss, sample_weight), 'sum')


class HuberLoss(Loss):
    """``|d| - rho/2`` where ``|d| > rho``, else ``d^2 / (2 rho)``; mean per sample."""

    def __init__(self, rho=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        a = np.abs(self._like(label, pred) - pred)
        loss = np.where(a > self._rho, a - 0.5 * self._rho, (0.5 / self._rho) * (a * a))
        return self._reduce(self._weighted(loss, sample_weight))


class HingeLoss(Loss):
    """``max(0, margin - pred * label)`` for labels in {-1, 1}; mean per sample."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        loss = npx.relu(self._margin - pred * self._like(label, pred))
        return self._reduce(self._weighted(loss, sample_weight))


class SquaredHingeLoss(Loss):
    """``max(0, margin - pred * label)^2``; mean per sample."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        h = npx.relu(self._margin - pred * self._like(label, pred))
        return self._reduce(self._weighted(h * h, sample_weight))


class LogisticLoss(Loss):
    """``log(1 + exp(-pred * label))`` (labels ``'signed'`` in {-1, 1} or ``'binary'``
    in {0, 1}); mean per sample."""

    def __init__(self, weight=None, batch_axis=0, label_format='signed', **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        if label_format not in ('signed', 'binary'):
            raise ValueError(f"label_format can only be signed or binary, recieved "
                             f"{label_format}.")
        self._label_format = label_format

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        label = self._like(label, pred)
        if self._label_format == 'signed':
            label = (label + 1.0) / 2.0
        loss = npx.relu(pred) - pred * label + _softrelu(-np.abs(pred))
        return self._reduce(self._weighted(loss, sample_weight))


class TripletLoss(Loss):
    """``max(0, |pos - pred|^2 - |neg - pred|^2 + margin)``, the squares summed per sample."""

    def __init__(self, margin=1, weight=None, batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, positive, negative):
        """One loss value per sample (see the class docstring)."""
        p = self._like(positive, pred, 'positive') - pred
        n = self._like(negative, pred, 'negative') - pred
        loss = self._reduce(p * p - n * n, 'sum')
        return self._weighted(npx.relu(loss + self._margin), None)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(a, b)`` for label 1, ``max(0, cos(a, b) - margin)`` for label -1."""

    def __init__(self, weight=None, batch_axis=0, margin=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, input1, input2, label, sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        input1 = self._like(input1, input2, 'input1')
        if not isinstance(label, ndarray):
            label = np.array(label)
        if label.size != input2.shape[0]:
            raise ShapeError(f"{self.name}: label of shape {label.shape} needs one value per "
                             f"sample of input of shape {input2.shape}")
        label = label.reshape((-1, 1))
        nx = np.sqrt((input1 * input1).sum(axis=-1)).reshape((-1, 1))
        ny = np.sqrt((input2 * input2).sum(axis=-1)).reshape((-1, 1))
        dot = (input1 * input2).sum(axis=-1).reshape((-1, 1))
        cos = dot / np.maximum(nx * ny, 1e-12)
        pos = (label == 1).astype(cos.dtype)
        neg = (label == -1).astype(cos.dtype)
        loss = (1 - cos) * pos + np.maximum(neg * (cos - self._margin), 0)
        return self._weighted(loss, sample_weight)


class PoissonNLLLoss(Loss):
    """Poisson negative log-likelihood, averaged over everything (a scalar, as MXNet)."""

    def __init__(self, weight=None, from_logits=True, batch_axis=0, compute_full=False,
                 **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F, pred, target, sample_weight=None, epsilon=1e-08):
        """One loss value per sample (see the class docstring)."""
        target = self._like(target, pred, 'target')
        if self._from_logits:
            loss = np.exp(pred) - target * pred
        else:
            loss = pred - target * np.log(pred + epsilon)
        if self._compute_full:
            safe = np.maximum(target, 1)
            stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * safe * _onp.pi)
            loss = loss + stirling * (target > 1).astype(loss.dtype)
        return self._weighted(loss, sample_weight).mean()


class CTCLoss(Loss):
    """Connectionist temporal classification: ``-log p(label | pred)`` per sample.

    ``pred``: unnormalised scores, ``layout`` 'NTC' or 'TNC', with the blank as the last
    class (MXNet's ``blank_label='last'``); ``label``: class indices, ``label_layout``
    'NT' or 'TN', padded with -1 (or cut by ``label_lengths``); ``pred_lengths``: valid
    frames per sample (default all).
    """

    def __init__(self, layout='NTC', label_layout='NT', weight=None, **kwargs):
        if layout not in ('NTC', 'TNC'):
            raise ValueError(f"Only 'NTC' and 'TNC' layouts for pred are supported. Got: "
                             f"{layout}")
        if label_layout not in ('NT', 'TN'):
            raise ValueError(f"Only 'NT' and 'TN' layouts for label are supported. Got: "
                             f"{label_layout}")
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find('N'), **kwargs)

    def hybrid_forward(self, F, pred, label, pred_lengths=None, label_lengths=None,
                       sample_weight=None):
        """One loss value per sample (see the class docstring)."""
        if pred.ndim != 3:
            raise ShapeError(f"{self.name}: pred must be 3-d ({self._layout}), got shape "
                             f"{pred.shape}")
        if self._layout == 'NTC':
            pred = np.swapaxes(pred, 0, 1)
        lab = label.asnumpy() if isinstance(label, ndarray) else _onp.asarray(label)
        if self._batch_axis == 1:
            lab = lab.T
        plen = pred_lengths.asnumpy() if isinstance(pred_lengths, ndarray) else pred_lengths
        llen = label_lengths.asnumpy() if isinstance(label_lengths, ndarray) else \
            label_lengths
        loss = ctc_nll(pred, lab, plen, llen, self.name)
        return self._weighted(loss, sample_weight)


class SDMLLoss(Loss):
    """Smoothed deep metric learning loss (Bonadiman et al. 2019) for a batch of paired
    embeddings ``x1``, ``x2`` (N, D): the softmax over ``-|x1_i - x2_j|^2`` (row i) is
    compared by ``KLDivLoss`` with targets ``1 - smoothing_parameter`` on the diagonal and
    ``smoothing_parameter / (N - 1)`` elsewhere; one value per row."""

    def __init__(self, smoothing_parameter=0.3, weight=1., batch_axis=0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def hybrid_forward(self, F, x1, x2):
        """One loss value per pair (see the class docstring)."""
        if x1.ndim != 2 or x1.shape != x2.shape:
            raise ShapeError(f"SDMLLoss: x1 and x2 must be (batch, dim) arrays of one shape, "
                             f"got {x1.shape} and {x2.shape}")
        n = x1.shape[0]
        if n < 2:
            raise ShapeError("SDMLLoss: the batch needs at least 2 pairs")
        gold = np.eye(n, dtype=x1.dtype)
        s = self.smoothing_parameter
        labels = gold * (1 - s) + (1 - gold) * (s / (n - 1))
        d = x1.reshape((n, 1, -1)) - x2.reshape((1, n, -1))
        distances = (d * d).sum(axis=2)
        return self.kl_loss(npx.log_softmax(-distances, axis=1), labels)
