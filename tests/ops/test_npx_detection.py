"""``npx.multibox_prior`` / ``multibox_target`` / ``multibox_detection`` / ``roi_pooling``.

Expected values come from three sources, each independent of the code under test:
- MXNet 1.9.1 (CPU build, ``~/mxref``, 2026-12-01): values printed by the oracle, written
  down inline below or in ``tests/data/mxnet_1_9_1/detection.json`` (inputs rebuilt here
  from the same NumPy seeds, whose draws do not depend on the NumPy version);
- NumPy references written in this file (anchor formula, ROI pooling loops, IoU);
- central differences (``check_grads``) for ``roi_pooling``'s gradient.
Two deliberate deviations from MXNet 1.9.1's CPU code (which ignores the parameters) are
tested against their documented meaning: ``background_id`` and ``minimum_negative_samples``.
"""
import json
import math
import os

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import ShapeError, DTypeError
from helpers import check_grads

DATA = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'data', 'mxnet_1_9_1',
                                   'detection.json')))


def close(actual, expected, atol=2e-6):
    onp.testing.assert_allclose(onp.asarray(actual, dtype=onp.float64),
                                onp.asarray(expected, dtype=onp.float64), rtol=0, atol=atol)


# ---- multibox_prior -----------------------------------------------------------------------------
def prior_ref(H, W, sizes, ratios, steps=(-1, -1), offsets=(0.5, 0.5), clip=False):
    """The anchors by their formula (float64)."""
    sy = steps[0] if steps[0] > 0 else 1 / H
    sx = steps[1] if steps[1] > 0 else 1 / W
    shapes = [(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]
    rows = []
    for r in range(H):
        for c in range(W):
            cy, cx = (r + offsets[0]) * sy, (c + offsets[1]) * sx
            for s, ratio in shapes:
                w, h = s * H / W * math.sqrt(ratio) / 2, s / math.sqrt(ratio) / 2
                rows.append([cx - w, cy - h, cx + w, cy + h])
    out = onp.array(rows)[None]
    return onp.clip(out, 0, 1) if clip else out


def test_multibox_prior_mxnet_values():
    # MXNet 1.9.1: npx.multibox_prior(np.zeros((1, 3, 2, 3)))
    close(npx.multibox_prior(np.zeros((1, 3, 2, 3))),
          [[[-0.16666667, -0.25, 0.5, 0.75], [0.16666666, -0.25, 0.8333334, 0.75],
            [0.5, -0.25, 1.1666667, 0.75], [-0.16666667, 0.25, 0.5, 1.25],
            [0.16666666, 0.25, 0.8333334, 1.25], [0.5, 0.25, 1.1666667, 1.25]]])
    # MXNet 1.9.1: sizes=(0.9,), ratios=(1, 3), clip=True, steps=(0.4, 0.3), offsets=(0.2, 0.7)
    y = npx.multibox_prior(np.zeros((1, 3, 2, 3)), sizes=(0.9,), ratios=(1, 3), clip=True,
                           steps=(0.4, 0.3), offsets=(0.2, 0.7))
    close(y, [[[0., 0., 0.51, 0.53], [0., 0., 0.7296152, 0.33980763],
               [0.21000007, 0., 0.81000006, 0.53], [0., 0., 1., 0.33980763],
               [0.5100001, 0., 1., 0.53], [0.2903849, 0., 1., 0.33980763],
               [0., 0.03000003, 0.51, 0.93], [0., 0.2201924, 0.7296152, 0.7398076],
               [0.21000007, 0.03000003, 0.81000006, 0.93], [0., 0.2201924, 1., 0.7398076],
               [0.5100001, 0.03000003, 1., 0.93], [0.2903849, 0.2201924, 1., 0.7398076]]])
    # MXNet 1.9.1: sizes=(0.5, 0.25), ratios=(1, 2, 0.5): rows 1-4 of 24
    y = npx.multibox_prior(np.zeros((1, 3, 2, 3)), sizes=(0.5, 0.25), ratios=(1, 2, 0.5))
    assert y.shape == (1, 24, 4) and y.dtype == onp.float32
    close(y.asnumpy()[0, :4], [[0., 0., 0.33333334, 0.5], [0.08333334, 0.125, 0.25, 0.375],
                               [-0.06903559, 0.07322331, 0.40236893, 0.4267767],
                               [0.04881554, -0.10355338, 0.2845178, 0.6035534]])


@pytest.mark.parametrize('H, W, kw', [
    (4, 4, {'sizes': [.3]}), (3, 5, {'sizes': (.2, .5, .7), 'ratios': (1, 2, .5, 3)}),
    (1, 1, {}), (5, 2, {'sizes': (.4,), 'ratios': (2,), 'clip': True}),
    (2, 6, {'steps': (.1, .2), 'offsets': (0, 1), 'sizes': (.1, .3)})])
def test_multibox_prior_against_its_formula(H, W, kw):
    y = npx.multibox_prior(np.zeros((2, 1, H, W)), **kw)
    ref = prior_ref(H, W, tuple(kw.get('sizes', (1.,))), tuple(kw.get('ratios', (1.,))),
                    kw.get('steps', (-1, -1)), kw.get('offsets', (.5, .5)), kw.get('clip', False))
    assert y.shape == ref.shape
    close(y, ref)
    y64 = npx.multibox_prior(np.zeros((1, 1, H, W), dtype='float64'), **kw)
    assert y64.dtype == onp.float64
    close(y64, ref, atol=1e-12)


def test_multibox_ops_are_not_differentiable_and_give_zero_gradients():
    # MXNet 1.9.1: backward through multibox_prior gives x.grad == 0
    x = np.ones((1, 1, 2, 2))
    x.attach_grad()
    with autograd.record():
        y = (npx.multibox_prior(x) * 1).sum() + (x * 2).sum()
    y.backward()
    close(x.grad, onp.full((1, 1, 2, 2), 2.0))


# ---- multibox_target ----------------------------------------------------------------------------
T_ANCHOR = [[[0.0, 0.0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.75], [0.5, 0.5, 1.0, 1.0],
             [0.1, 0.6, 0.4, 0.9], [0.0, 0.0, 1.0, 1.0]]]
T_LABEL = [[[1, 0.05, 0.0, 0.5, 0.45], [0, 0.55, 0.5, 0.95, 1.0], [-1, -1, -1, -1, -1]],
           [[2, 0.2, 0.3, 0.7, 0.8], [-1, -1, -1, -1, -1], [-1, -1, -1, -1, -1]]]


def _cls_pred(shape, seed=0):
    return np.array(onp.random.default_rng(seed).uniform(-1, 1, shape).astype('float32'))


def _loc(row):
    out = onp.zeros(20)
    for j, v in row.items():
        out[4 * j:4 * j + 4] = v
    return out


# MXNet 1.9.1's loc_target / loc_mask / cls_target for T_ANCHOR, T_LABEL, _cls_pred((2, 3, 5))
T_LOC = [_loc({0: [0.5000001, -0.5000001, -0.5268027, -0.5268027], 2: [0, 0, -1.115718, 0]}),
         _loc({1: [-1.0000002, 1.0000002, 0, 0]})]
T_MASK = [_loc({0: [1] * 4, 2: [1] * 4}), _loc({1: [1] * 4})]
T_CASES = [
    ({}, T_LOC, [[2, 0, 1, 0, 0], [0, 3, 0, 0, 0]]),
    ({'overlap_threshold': 0.3}, T_LOC, [[2, 0, 1, 0, 0], [0, 3, 0, 0, 0]]),
    ({'negative_mining_ratio': 1.0}, T_LOC, [[2, 0, 1, 0, -1], [-1, 3, -1, 0, -1]]),
    ({'negative_mining_ratio': 2, 'negative_mining_thresh': 0.4, 'ignore_label': -2,
      'variances': (0.2, 0.1, 0.3, 0.4)},
     [_loc({0: [0.2500001, -0.5000001, -0.3512018, -0.2634014], 2: [0, 0, -0.743812, 0]}),
      _loc({1: [-0.5000001, 1.0000002, 0, 0]})],
     [[2, 0, 1, 0, 0], [-2, 3, 0, 0, -2]]),
]


@pytest.mark.parametrize('kw, loc, cls', T_CASES)
def test_multibox_target_mxnet_values(kw, loc, cls):
    lt, lm, ct = npx.multibox_target(np.array(T_ANCHOR), np.array(T_LABEL),
                                     _cls_pred((2, 3, 5)), **kw)
    assert lt.shape == lm.shape == (2, 20) and ct.shape == (2, 5) and lt.dtype == onp.float32
    close(lt, loc)
    close(lm, T_MASK)
    close(ct, cls)


def test_multibox_target_encoding_against_numpy():
    """Positives' offsets by the formula, from the matched pairs (anchor 0 - box 0, ...)."""
    a, g = onp.array(T_ANCHOR[0]), onp.array(T_LABEL[0])[:, 1:]
    v = onp.array([0.1, 0.1, 0.2, 0.2])
    lt = npx.multibox_target(np.array(T_ANCHOR), np.array(T_LABEL), _cls_pred((2, 3, 5)))[0]
    for j, k in ((0, 0), (2, 1)):
        aw, ah = a[j, 2] - a[j, 0], a[j, 3] - a[j, 1]
        gw, gh = g[k, 2] - g[k, 0], g[k, 3] - g[k, 1]
        ref = [((g[k, 0] + g[k, 2]) - (a[j, 0] + a[j, 2])) / 2 / aw / v[0],
               ((g[k, 1] + g[k, 3]) - (a[j, 1] + a[j, 3])) / 2 / ah / v[1],
               math.log(gw / aw) / v[2], math.log(gh / ah) / v[3]]
        close(lt.asnumpy()[0, 4 * j:4 * j + 4], ref)


# MXNet 1.9.1 on six anchors, one box, _cls_pred((1, 3, 6))
T6_ANCHOR = [T_ANCHOR[0] + [[0.6, 0.0, 1.0, 0.3]]]
T6_LABEL = [[[1, 0.05, 0.0, 0.5, 0.45], [-1, -1, -1, -1, -1]]]


@pytest.mark.parametrize('kw, cls', [
    ({'negative_mining_ratio': 0.5}, [2, -1, -1, -1, -1, -1]),
    ({'negative_mining_ratio': 3, 'negative_mining_thresh': 0.1}, [2, -1, 0, 0, -1, 0]),
    ({'overlap_threshold': 0.1}, [2, 2, 0, 0, 2, 0]),
    ({'negative_mining_ratio': 1.0}, [2, -1, -1, 0, -1, -1]),
])
def test_multibox_target_mining_mxnet_values(kw, cls):
    ct = npx.multibox_target(np.array(T6_ANCHOR), np.array(T6_LABEL), _cls_pred((1, 3, 6)),
                             **kw)[2]
    close(ct, [cls])


def test_minimum_negative_samples_is_honoured():
    """Deviation: MXNet 1.9.1's CPU code ignores minimum_negative_samples (it gives
    [2, -1, -1, 0, -1, -1] here, one negative).  As documented, at least 3 negatives: the
    three non-positive anchors below the threshold with the lowest background probability
    (softmax of cls_pred), computed here with NumPy."""
    cp = _cls_pred((1, 3, 6))
    ct = npx.multibox_target(np.array(T6_ANCHOR), np.array(T6_LABEL), cp,
                             negative_mining_ratio=1.0, minimum_negative_samples=3)[2]
    z = cp.asnumpy()[0].astype(onp.float64)
    bg = onp.exp(z[0] - z.max(0)) / onp.exp(z - z.max(0)).sum(0)
    cand = [j for j in range(6) if j != 0]          # anchor 0 is the positive
    # (every other anchor's best IoU with the box is below 0.5 here)
    hardest = sorted(cand, key=lambda j: bg[j])[:3]
    expected = [2] + [0 if j in hardest else -1 for j in range(1, 6)]
    close(ct, [expected])


def test_multibox_target_without_ground_truth():
    # MXNet 1.9.1: every anchor gets ignore_label, zero offsets and masks
    lt, lm, ct = npx.multibox_target(np.array(T_ANCHOR), np.array([[[-1.0] * 5]]),
                                     _cls_pred((1, 3, 5)))
    close(lt, onp.zeros((1, 20)))
    close(lm, onp.zeros((1, 20)))
    close(ct, [[-1] * 5])


# ---- multibox_detection -------------------------------------------------------------------------
def _det_inputs():
    rng = onp.random.default_rng(1)
    p = rng.uniform(0, 1, (2, 3, 6))
    cp = (p / p.sum(1, keepdims=True)).astype('float32')
    return np.array(cp), np.array(rng.uniform(-1, 1, (2, 24)).astype('float32'))


DET = DATA['multibox_detection']


@pytest.mark.parametrize('case', DET['cases'], ids=lambda c: repr(c['kwargs']))
def test_multibox_detection_mxnet_values(case):
    cp, lp = _det_inputs()
    out = npx.multibox_detection(cp, lp, np.array(DET['anchor']), **case['kwargs'])
    assert out.shape == (2, 6, 6) and out.dtype == onp.float32
    close(out, case['out'])


def _iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return 0.0 if u <= 0 else w * h / u


def test_detection_nms_leaves_no_overlapping_pair_of_a_class():
    cp, lp = _det_inputs()
    for thr in (0.05, 0.2, 0.5):
        out = npx.multibox_detection(cp, lp, np.array(DET['anchor']), nms_threshold=thr).asnumpy()
        for b in range(2):
            kept = [r for r in out[b] if r[0] >= 0]
            assert all(kept[i][1] >= kept[i + 1][1] for i in range(len(kept) - 1))
            for i in range(len(kept)):
                for j in range(i + 1, len(kept)):
                    if kept[i][0] == kept[j][0]:
                        assert _iou(kept[i][2:], kept[j][2:]) < thr


@pytest.mark.parametrize('bg', [1, 2])
def test_background_id_excludes_that_class(bg):
    """Deviation: MXNet 1.9.1's CPU code ignores background_id (always class 0).  Here the
    class ``bg`` is the background: the result equals the default on the classes reordered
    with ``bg`` first (an independent construction of the meaning)."""
    cp, lp = _det_inputs()
    perm = [bg] + [c for c in range(3) if c != bg]
    anchor = np.array(DET['anchor'])
    got = npx.multibox_detection(cp, lp, anchor, background_id=bg)
    ref = npx.multibox_detection(np.array(cp.asnumpy()[:, perm]), lp, anchor)
    close(got, ref, atol=0)


# ---- roi_pooling --------------------------------------------------------------------------------
ROI = DATA['roi_pooling']


def _roi_data():
    return (onp.arange(2 * 2 * 6 * 7) % 11 - 5).reshape(2, 2, 6, 7).astype('float32') * 0.5


def roi_ref(x, rois, ph, pw, scale):
    """ROI max pooling by plain loops (float64 bins; C rounding: halves away from zero)."""
    rnd = lambda v: int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)   # noqa: E731
    N, C, H, W = x.shape
    out = onp.zeros((len(rois), C, ph, pw), x.dtype)
    for r, (n, x1, y1, x2, y2) in enumerate(rois):
        x1, y1, x2, y2 = (rnd(v * scale) for v in (x1, y1, x2, y2))
        bh, bw = max(y2 - y1 + 1, 1) / ph, max(x2 - x1 + 1, 1) / pw
        for i in range(ph):
            hs = min(max(math.floor(i * bh) + y1, 0), H)
            he = min(max(math.ceil((i + 1) * bh) + y1, 0), H)
            for j in range(pw):
                ws = min(max(math.floor(j * bw) + x1, 0), W)
                we = min(max(math.ceil((j + 1) * bw) + x1, 0), W)
                if he > hs and we > ws:
                    out[r, :, i, j] = x[int(n), :, hs:he, ws:we].max(axis=(1, 2))
    return out


def test_roi_pooling_mxnet_values_and_gradient():
    x = np.array(_roi_data())
    x.attach_grad()
    with autograd.record():
        y = npx.roi_pooling(x, np.array(ROI['rois']), pooled_size=(2, 3), spatial_scale=1.0)
    assert y.shape == (6, 2, 2, 3) and y.dtype == onp.float32
    close(y, ROI['out_pooled_2x3_scale_1'], atol=0)
    y.backward(np.array(onp.arange(y.size, dtype='float32').reshape(y.shape) + 1))
    close(x.grad, ROI['grad_pooled_2x3_scale_1_head_arange_plus_1'], atol=0)
    y2 = npx.roi_pooling(np.array(_roi_data()), np.array(ROI['rois']), pooled_size=(3, 2),
                         spatial_scale=0.5)
    close(y2, ROI['out_pooled_3x2_scale_0.5'], atol=0)


def test_roi_corners_round_halves_away_from_zero():
    # MXNet 1.9.1: [0, .5, .5, 1.5, 2.5] on arange(16).reshape(1, 1, 4, 4), pooled (2, 2)
    # gives [[9, 10], [13, 14]] (corners 1, 1, 2, 3; banker's rounding would give 0, 0, 2, 2)
    x = np.array(onp.arange(16, dtype='float32').reshape(1, 1, 4, 4))
    close(npx.roi_pooling(x, np.array([[0, .5, .5, 1.5, 2.5]]), pooled_size=(2, 2),
                          spatial_scale=1), [[[[9, 10], [13, 14]]]])
    close(npx.roi_pooling(x, np.array([[0, 1, 1, 3, 3]]), pooled_size=(2, 2),
                          spatial_scale=0.5), [[[[5, 6], [9, 10]]]])


@pytest.mark.parametrize('seed, ps, scale', [(0, (2, 2), 1.0), (1, (3, 2), 0.5), (2, (1, 4), 0.25),
                                              (3, (4, 4), 2.0)])
def test_roi_pooling_against_loops(seed, ps, scale):
    rng = onp.random.default_rng(seed)
    x = rng.normal(size=(3, 2, 7, 8))
    rois = onp.column_stack([rng.integers(0, 3, 9), rng.uniform(-2, 9, (9, 4)) / scale])
    rois[:, 3:] = onp.maximum(rois[:, 3:], rois[:, 1:3])
    rois[:, 1:] = onp.round(rois[:, 1:] * 8) / 8      # eighths: exact in float32 and float64
    got = npx.roi_pooling(np.array(x, dtype='float64'), np.array(rois, dtype='float64'),
                          pooled_size=ps, spatial_scale=scale)
    close(got, roi_ref(x, rois, ps[0], ps[1], scale), atol=0)
    got32 = npx.roi_pooling(np.array(x.astype('float32')), np.array(rois.astype('float32')),
                            pooled_size=ps, spatial_scale=scale)
    close(got32, roi_ref(x.astype('float32'), rois, ps[0], ps[1], scale), atol=0)


def test_roi_pooling_gradient_by_central_differences():
    rng = onp.random.default_rng(5)
    x = rng.normal(size=(2, 2, 6, 7))                # no ties: each bin has one maximum
    rois = np.array([[0, 0, 0, 4, 3], [1, 1.5, 0.5, 6, 5], [0, 3, 2, 3, 2], [1, -2, -2, 1, 1]],
                    dtype='float64')
    check_grads(lambda d: npx.roi_pooling(d, rois, pooled_size=(2, 3), spatial_scale=1.0), x)
    check_grads(lambda d: npx.roi_pooling(d, rois, pooled_size=(3, 2), spatial_scale=0.5) ** 2,
                x)


def test_roi_pooling_second_order_through_create_graph():
    x = np.array(onp.random.default_rng(6).normal(size=(1, 1, 4, 5)), dtype='float64')
    rois = np.array([[0, 0, 0, 4, 3]], dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = (npx.roi_pooling(x, rois, pooled_size=(2, 2), spatial_scale=1.0) ** 3).sum()
        (g,) = autograd.grad(y, [x], create_graph=True)
        z = g.sum()
    z.backward()
    # d/dx sum(3 m^2) at each bin maximum m: 6 m there, 0 elsewhere
    m = npx.roi_pooling(x.detach(), rois, pooled_size=(2, 2), spatial_scale=1.0).asnumpy()
    expected = onp.zeros(20)
    flat = x.asnumpy().ravel()
    for v in m.ravel():
        expected[onp.flatnonzero(flat == v)[0]] += 6 * v
    close(x.grad.asnumpy().ravel(), expected, atol=1e-12)


# ---- bad input ----------------------------------------------------------------------------------
def test_bad_input_gives_clear_errors():
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(ShapeError, match="data of shape \\(1, 4, 4\\) must be 4-D"):
        npx.multibox_prior(np.zeros((1, 4, 4)))
    with pytest.raises(DTypeError, match="data has dtype int32"):
        npx.multibox_prior(np.zeros((1, 1, 2, 2), dtype='int32'))
    with pytest.raises(ShapeError, match="steps must have 2 entries"):
        npx.multibox_prior(x, steps=(1,))
    with pytest.raises(ValueError, match="sizes and ratios must be positive"):
        npx.multibox_prior(x, sizes=(0,))
    with pytest.raises(TypeError, match="sizes must be a number or a tuple"):
        npx.multibox_prior(x, sizes='big')
    with pytest.raises(ShapeError, match="anchor of shape \\(5, 4\\)"):
        npx.multibox_target(np.zeros((5, 4)), np.array(T_LABEL), _cls_pred((2, 3, 5)))
    with pytest.raises(ShapeError, match="cls_pred of shape \\(2, 3, 4\\)"):
        npx.multibox_target(np.array(T_ANCHOR), np.array(T_LABEL), _cls_pred((2, 3, 4)))
    with pytest.raises(ShapeError, match="label of shape"):
        npx.multibox_target(np.array(T_ANCHOR), np.zeros((2, 3, 4)), _cls_pred((2, 3, 5)))
    with pytest.raises(ShapeError, match="variances must have 4 entries"):
        npx.multibox_target(np.array(T_ANCHOR), np.array(T_LABEL), _cls_pred((2, 3, 5)),
                            variances=(0.1, 0.2))
    cp, lp = _det_inputs()
    with pytest.raises(ShapeError, match="loc_pred of shape \\(2, 20\\)"):
        npx.multibox_detection(cp, lp[:, :20], np.array(DET['anchor']))
    with pytest.raises(ValueError, match="background_id=3 is not a class"):
        npx.multibox_detection(cp, lp, np.array(DET['anchor']), background_id=3)
    with pytest.raises(ValueError, match="pooled_size is required"):
        npx.roi_pooling(x, np.zeros((1, 5)), spatial_scale=1.0)
    with pytest.raises(ValueError, match="spatial_scale is required"):
        npx.roi_pooling(x, np.zeros((1, 5)), pooled_size=(2, 2))
    with pytest.raises(ShapeError, match="rois of shape \\(1, 4\\)"):
        npx.roi_pooling(x, np.zeros((1, 4)), pooled_size=(2, 2), spatial_scale=1.0)
    with pytest.raises(ValueError, match="batch indices"):   # (MXNet reads out of bounds)
        npx.roi_pooling(x, np.array([[1, 0, 0, 1, 1]]), pooled_size=(2, 2), spatial_scale=1.0)
    with pytest.raises(ValueError, match="pooled_size must be two positive ints"):
        npx.roi_pooling(x, np.zeros((1, 5)), pooled_size=(2, 0), spatial_scale=1.0)
    with pytest.raises(NotImplementedError, match="out="):
        npx.multibox_target(np.array(T_ANCHOR), np.array(T_LABEL), _cls_pred((2, 3, 5)),
                            out=np.zeros(1))


def test_out_writes_into_an_array():
    o = np.zeros((1, 16, 4))
    assert npx.multibox_prior(np.zeros((1, 1, 4, 4)), out=o) is o
    close(o, prior_ref(4, 4, (1.,), (1.,)))
