"""SSD detection ops and ROI pooling, as MXNet 1.9.1's ``npx``: ``multibox_prior`` (anchors),
``multibox_target`` (training targets), ``multibox_detection`` (decoding with NMS) and
``roi_pooling`` (max pooling over regions).

The multibox ops are not differentiable (as in MXNet, a backward through them gives zero
gradients).  ``roi_pooling`` is: its gradient to the data is a scatter of the upstream
gradient to each bin's maximum (op ``roi_pooling_scatter``), whose adjoint is a gather
(``roi_pooling_gather``) and back, so every order of derivative exists; the regions get
no gradient.  Kernels: ``autodiff/kernels/detection.py``.
"""
import math

import numpy as _onp

from ..errors import ShapeError, DTypeError
from ..kernels import detection as K
from ..kernels.pool import scatter_at, gather_at
from .core import defop, result, nondiff, wrap
from .convert import as_array
from .shape import int_tuple
from . import window as win

_VARIANCES = (0.1, 0.1, 0.2, 0.2)


def _floats(value, name, arg, n=None):
    """``value`` (a number or a sequence) as a tuple of floats (``n`` of them if given)."""
    try:
        t = tuple(float(v) for v in (value if isinstance(value, (tuple, list)) else (value,)))
    except (TypeError, ValueError):
        raise TypeError(f"{name}: {arg} must be a number or a tuple of numbers, "
                        f"got {value!r}") from None
    if n is not None and len(t) != n:
        raise ShapeError(f"{name}: {arg} must have {n} entries, got {arg}={t}")
    if not t:
        raise ShapeError(f"{name}: {arg} must not be empty")
    return t


def _c(d):
    return d if d.flags.c_contiguous else _onp.ascontiguousarray(d)


# ---- multibox_prior ---------------------------------------------------------------------------
def multibox_prior(data=None, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                   offsets=(0.5, 0.5)):
    """SSD anchor boxes for feature map ``data`` (N, C, H, W): ``(1, H * W * A, 4)`` corners
    in [0, 1] image coordinates, ``A = len(sizes) + len(ratios) - 1`` per cell (every size
    with ``ratios[0]``, then ``sizes[0]`` with each other ratio); a box of size s and ratio
    r is ``s * H / W * sqrt(r)`` wide and ``s / sqrt(r)`` high.  ``steps`` (y, x) is the
    distance between cell centres (-1: 1 / H, 1 / W), ``offsets`` (y, x) the centre within a
    cell; ``clip`` clips the boxes to [0, 1].  Not differentiable."""
    op = 'multibox_prior'
    x = as_array(data)
    dt = win.float_dtype([('data', x)], op)
    if x.ndim != 4:
        raise ShapeError(f"{op}: data of shape {x.shape} must be 4-D (batch, channel, "
                         "height, width)")
    sizes, ratios = _floats(sizes, op, 'sizes'), _floats(ratios, op, 'ratios')
    steps, offsets = _floats(steps, op, 'steps', 2), _floats(offsets, op, 'offsets', 2)
    if any(s <= 0 for s in sizes) or any(r <= 0 for r in ratios):
        raise ValueError(f"{op}: sizes and ratios must be positive, got sizes={sizes}, "
                         f"ratios={ratios}")
    H, W = x.shape[2], x.shape[3]
    f = dt.type
    step_y = f(steps[0]) if steps[0] > 0 else f(1) / f(H)
    step_x = f(steps[1]) if steps[1] > 0 else f(1) / f(W)
    A = len(sizes) + len(ratios) - 1
    anchors = _onp.empty((H * W * A, 4), dt)
    K.multibox_prior(H, W, _onp.array(sizes, dt), _onp.array(ratios, dt), step_y, step_x,
                     f(offsets[0]), f(offsets[1]), bool(clip), anchors)
    return nondiff(op, (x,), wrap(anchors.reshape(1, H * W * A, 4)))


# ---- multibox_target --------------------------------------------------------------------------
def _anchors(anchor, op):
    a = as_array(anchor)
    if a.ndim != 3 or a.shape[0] != 1 or a.shape[2] != 4:
        raise ShapeError(f"{op}: anchor of shape {a.shape} must be (1, num_anchors, 4)")
    return a


def multibox_target(anchor=None, label=None, cls_pred=None, overlap_threshold=0.5,
                    ignore_label=-1.0, negative_mining_ratio=-1.0, negative_mining_thresh=0.5,
                    minimum_negative_samples=0, variances=_VARIANCES, out=None, name=None):
    """SSD training targets: ``[loc_target, loc_mask, cls_target]`` of shapes (B, 4 A),
    (B, 4 A) and (B, A) for ``anchor`` (1, A, 4), ``label`` (B, M, >= 5: class id and
    corners; rows with class -1 end the list) and ``cls_pred`` (B, classes, A).

    Each ground truth takes its best anchor; an anchor whose best IoU exceeds
    ``overlap_threshold`` is positive too.  Positives get class id + 1, a mask of ones and
    offsets ``((gx - ax) / aw / v0, (gy - ay) / ah / v1, log(gw / aw) / v2,
    log(gh / ah) / v3)`` (``variances``).  Without mining (``negative_mining_ratio <= 0``)
    every other anchor is background (0); with it, ``max(positives * ratio,
    minimum_negative_samples)`` anchors whose best IoU is below ``negative_mining_thresh``
    and whose background probability (softmax of ``cls_pred``) is lowest are background and
    the rest get ``ignore_label`` (as does everything in an image without ground truth).
    Not differentiable."""
    op = 'multibox_target'
    if out is not None:
        raise NotImplementedError(f"{op}: out= is not supported; use the returned arrays")
    a, lab, cp = _anchors(anchor, op), as_array(label), as_array(cls_pred)
    dt = win.float_dtype([('anchor', a), ('label', lab), ('cls_pred', cp)], op)
    if lab.ndim != 3 or lab.shape[2] < 5:
        raise ShapeError(f"{op}: label of shape {lab.shape} must be (batch, num_labels, >= 5)")
    A = a.shape[1]
    if cp.ndim != 3 or cp.shape[0] != lab.shape[0] or cp.shape[2] != A:
        raise ShapeError(f"{op}: cls_pred of shape {cp.shape} must be (batch={lab.shape[0]}, "
                         f"num_classes, num_anchors={A})")
    var = _onp.array(_floats(variances, op, 'variances', 4))
    if negative_mining_ratio > 0 and negative_mining_thresh <= 0:
        raise ValueError(f"{op}: negative_mining_thresh must be > 0 when mining, got "
                         f"{negative_mining_thresh}")
    B = lab.shape[0]
    loc_t, loc_m, cls_t = (_onp.empty((B, 4 * A), dt), _onp.empty((B, 4 * A), dt),
                           _onp.empty((B, A), dt))
    K.multibox_target(_c(a._data[0]), _c(lab._data), _c(cp._data), float(overlap_threshold),
                      float(ignore_label), float(negative_mining_ratio),
                      float(negative_mining_thresh), int(minimum_negative_samples), var,
                      loc_t, loc_m, cls_t)
    ins = (a, lab, cp)
    return [nondiff(op, ins, wrap(loc_t)), nondiff(op, ins, wrap(loc_m)),
            nondiff(op, ins, wrap(cls_t))]


# ---- multibox_detection -----------------------------------------------------------------------
def multibox_detection(cls_prob=None, loc_pred=None, anchor=None, clip=True, threshold=0.01,
                       background_id=0, nms_threshold=0.5, force_suppress=False,
                       variances=_VARIANCES, nms_topk=-1):
    """Detections (B, A, 6) ``[class id, score, xmin, ymin, xmax, ymax]`` from ``cls_prob``
    (B, classes, A), offsets ``loc_pred`` (B, 4 A) and ``anchor`` (1, A, 4).

    Each anchor takes its most probable class other than ``background_id`` (class ids
    above it shift down by one); anchors scoring at least ``threshold`` are decoded
    (the inverse of ``multibox_target``'s encoding, clipped to [0, 1] with ``clip``) into
    the first rows, the other rows are all -1.  When ``0 < nms_threshold <= 1`` the rows
    are sorted by score, rows past ``nms_topk`` (> 0) get class -1, and non-maximum
    suppression sets class -1 on a box whose IoU with a higher-scoring kept box of the same
    class (any class with ``force_suppress``) is at least ``nms_threshold``.  Not
    differentiable."""
    op = 'multibox_detection'
    cp, lp, a = as_array(cls_prob), as_array(loc_pred), _anchors(anchor, op)
    dt = win.float_dtype([('cls_prob', cp), ('loc_pred', lp), ('anchor', a)], op)
    A = a.shape[1]
    if cp.ndim != 3 or cp.shape[2] != A or cp.shape[1] < 2:
        raise ShapeError(f"{op}: cls_prob of shape {cp.shape} must be (batch, num_classes >= 2, "
                         f"num_anchors={A})")
    if lp.shape != (cp.shape[0], 4 * A):
        raise ShapeError(f"{op}: loc_pred of shape {lp.shape} must be (batch={cp.shape[0]}, "
                         f"4 * num_anchors={4 * A})")
    bg = int(background_id)
    if not 0 <= bg < cp.shape[1]:
        raise ValueError(f"{op}: background_id={background_id} is not a class of cls_prob "
                         f"({cp.shape[1]} classes)")
    var = _onp.array(_floats(variances, op, 'variances', 4))
    res = _onp.empty(cp.shape[:1] + (A, 6), dt)
    K.multibox_detection(_c(cp._data), _c(lp._data), _c(a._data[0]), bool(clip),
                         float(threshold), bg, float(nms_threshold), bool(force_suppress), var,
                         int(nms_topk), res)
    return nondiff(op, (cp, lp, a), wrap(res))


# ---- roi_pooling --------------------------------------------------------------------------------
def _pool_backward(node, grads, needs):
    data = node.inputs[0]
    return (roi_scatter(grads[0], node.attrs[0], data.shape), None)


def _scatter_backward(node, grads, needs):
    return (roi_gather(grads[0], node.attrs[0], node.inputs[0].shape),)


def _gather_backward(node, grads, needs):
    return (roi_scatter(grads[0], node.attrs[0], node.inputs[0].shape),)


_pool_op = defop('roi_pooling', _pool_backward, params=('argmax', 'pooled_size',
                                                        'spatial_scale'))
_scatter_op = defop('roi_pooling_scatter', _scatter_backward, params=('argmax', 'shape'))
_gather_op = defop('roi_pooling_gather', _gather_backward, params=('argmax', 'shape'))


def roi_scatter(g, argmax, shape):
    """Zeros of ``shape`` (the data's) with each entry of ``g`` added at flat index ``argmax``
    (-1 entries drop): the gradient of ``roi_pooling`` to its data."""
    dx = _onp.zeros((1, math.prod(shape)), g.dtype)
    scatter_at(_c(g._data).reshape(1, -1), argmax.reshape(1, -1), dx)
    return result(_scatter_op, (g,), dx.reshape(shape), (argmax, tuple(shape)))


def roi_gather(h, argmax, out_shape):
    """``h`` read at flat indices ``argmax`` (0 where -1): the adjoint of ``roi_scatter``."""
    out = _onp.empty((1, argmax.size), h.dtype)
    gather_at(_c(h._data).reshape(1, -1), argmax.reshape(1, -1), out)
    return result(_gather_op, (h,), out.reshape(out_shape), (argmax, tuple(out_shape)))


def roi_pooling(data=None, rois=None, pooled_size=None, spatial_scale=None):
    """Max pooling of regions of interest: ``(R, C, PH, PW)`` from ``data`` (N, C, H, W) and
    ``rois`` (R, 5, any numeric dtype; computed in the data's): ``[batch index, x1, y1,
    x2, y2]`` in input coordinates, scaled by
    ``spatial_scale`` and rounded (halves away from zero) to inclusive feature-map corners.
    Each region splits into ``pooled_size`` (PH, PW) bins (``floor`` / ``ceil`` edges);
    a bin outside the map gives 0.  Both parameters are required (as in MXNet).
    Differentiable in ``data`` (the first maximum of a bin takes its gradient); the
    regions get none."""
    op = 'roi_pooling'
    x, r = as_array(data), as_array(rois)
    if pooled_size is None:
        raise ValueError(f"{op}: the parameter pooled_size is required, e.g. pooled_size=(7, 7)")
    if spatial_scale is None:
        raise ValueError(f"{op}: the parameter spatial_scale is required (the feature map's "
                         "size over the image's, e.g. 1/16)")
    ps = int_tuple(pooled_size, op, 'pooled_size')
    if len(ps) != 2 or min(ps) < 1:
        raise ValueError(f"{op}: pooled_size must be two positive ints (height, width), "
                         f"got {pooled_size!r}")
    scale = float(spatial_scale)
    if not scale > 0:
        raise ValueError(f"{op}: spatial_scale must be positive, got {spatial_scale!r}")
    dt = win.float_dtype([('data', x)], op)
    if r.dtype.kind not in 'iuf':
        raise DTypeError(f"{op}: rois must be numbers, got dtype {r.dtype}")
    if x.ndim != 4:
        raise ShapeError(f"{op}: data of shape {x.shape} must be 4-D (batch, channel, height, "
                         "width)")
    if r.ndim != 2 or r.shape[1] != 5:
        raise ShapeError(f"{op}: rois of shape {r.shape} must be (num_rois, 5): batch index, "
                         "x1, y1, x2, y2")
    idx = r._data[:, 0]
    if idx.size and (not _onp.all(idx == _onp.floor(idx)) or idx.min() < 0
                     or idx.max() >= x.shape[0]):
        raise ValueError(f"{op}: the batch indices in rois[:, 0] must be integers in "
                         f"[0, {x.shape[0]}), got {_onp.unique(idx).tolist()}")
    y = _onp.empty((r.shape[0], x.shape[1]) + ps, dt)
    argmax = _onp.empty(y.size, _onp.int64)
    K.roi_pool(_c(x._data), _c(r._data.astype(dt, copy=False)), dt.type(scale), y, argmax)
    argmax = argmax.reshape(y.shape)
    return result(_pool_op, (x, r), y, (argmax, ps, scale))
