"""The CTC loss (Graves et al. 2006) written with existing differentiable ops.

The forward (alpha) recursion over the blank-extended label runs in log space, one step
per time frame: ``alpha_t(s) = logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1),
alpha_{t-1}(s-2) if allowed) + log p_t(l'_s)``; frames past a sample's length keep its
alpha.  "Impossible" is a large negative number rather than -inf, so no NaN reaches the
gradient.  The labels are data (read into NumPy to build the extended label and masks).
"""
import numpy as _onp

from .. import np, npx
from ..errors import ShapeError

_NEG = -1e30


def _lse(*xs):
    """logsumexp of arrays of one shape, elementwise (shifted by a detached maximum)."""
    m = xs[0]
    for x in xs[1:]:
        m = np.maximum(m, x)
    m = m.detach()
    total = np.exp(xs[0] - m)
    for x in xs[1:]:
        total = total + np.exp(x - m)
    return m + np.log(total)


def ctc_nll(logits, labels, pred_lengths, label_lengths, who):
    """Per-sample ``-log p(label | logits)``: ``logits`` (T, N, C), blank = C - 1,
    ``labels`` (N, L) NumPy ints (padding: negative, or beyond ``label_lengths``)."""
    T, N, C = logits.shape
    blank = C - 1
    lab = _onp.asarray(labels).astype(_onp.int64)
    if lab.ndim != 2 or lab.shape[0] != N:
        raise ShapeError(f"{who}: label of shape {lab.shape} does not fit pred with batch "
                         f"size {N} (expected (N, label_length))")
    if label_lengths is None:
        pad = lab < 0
        lengths = _onp.where(pad.any(axis=1), pad.argmax(axis=1), lab.shape[1])
    else:
        lengths = _onp.asarray(label_lengths).astype(_onp.int64).reshape(-1)
    tlen = (_onp.full(N, T, _onp.int64) if pred_lengths is None
            else _onp.asarray(pred_lengths).astype(_onp.int64).reshape(-1))
    if (lab[_onp.arange(lab.shape[1])[None, :] < lengths[:, None]] >= blank).any():
        raise ValueError(f"{who}: labels must be class indices below the blank {blank} "
                         "(blank_label='last')")
    S = 2 * lab.shape[1] + 1
    ext = _onp.full((N, S), blank, _onp.int64)
    ext[:, 1::2] = _onp.where(lab >= 0, lab, blank)
    same = _onp.zeros((N, S), bool)
    same[:, 2:] = ext[:, 2:] == ext[:, :-2]
    skip = (_onp.arange(S)[None, :] % 2 == 1) & ~same
    skip[:, :2] = False
    logp = npx.log_softmax(logits, axis=-1)
    emit = logp[:, _onp.arange(N)[:, None], ext]                   # (T, N, S)
    start = _onp.zeros((N, S), bool)
    start[:, 0] = True
    start[:, 1] = lengths > 0
    alpha = np.where(np.array(start), emit[0], _NEG)
    skip_a = np.array(skip)
    neg1 = np.full((N, 1), _NEG)
    neg2 = np.full((N, 2), _NEG)
    for t in range(1, T):
        a1 = np.concatenate([neg1, alpha[:, :-1]], axis=1)
        a2 = np.where(skip_a, np.concatenate([neg2, alpha[:, :-2]], axis=1), _NEG)
        new = _lse(alpha, a1, a2) + emit[t]
        alpha = np.where(np.array((t < tlen)[:, None]), new, alpha)
    end = _onp.zeros((N, S), bool)
    end[_onp.arange(N), 2 * lengths] = True
    end[_onp.arange(N), _onp.maximum(2 * lengths - 1, 0)] |= lengths > 0
    picked = np.where(np.array(end), alpha, _NEG)
    m = picked.max(axis=1, keepdims=True).detach()
    ll = (m + np.log(np.exp(picked - m).sum(axis=1, keepdims=True))).reshape(-1)
    return -ll
