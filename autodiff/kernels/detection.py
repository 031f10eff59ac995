"""SSD detection and region pooling: anchors, target matching, decoding with NMS, ROI pooling.

Boxes are corners ``(xmin, ymin, xmax, ymax)``.  ``multibox_prior`` writes anchors,
``multibox_target`` matches anchors to ground truth and encodes the offsets,
``multibox_detection`` decodes offsets and applies non-maximum suppression, and
``roi_pool`` max-pools regions of interest, keeping the flat index of each maximum
(``-1`` for an empty bin) for its gradient.  Plain arrays in, plain arrays out.
"""
import math

import numpy as np

from ._jit import kernel


@kernel
def multibox_prior(H, W, sizes, ratios, step_y, step_x, off_y, off_x, clip, out):
    """Anchors of an ``H x W`` feature map into ``out`` (``H * W * A, 4``), A = sizes + ratios - 1:
    per cell, every size with the first ratio, then the first size with every other ratio."""
    k = 0
    aspect = out.dtype.type(H) / out.dtype.type(W)
    half = out.dtype.type(0.5)
    for r in range(H):
        cy = (out.dtype.type(r) + off_y) * step_y
        for c in range(W):
            cx = (out.dtype.type(c) + off_x) * step_x
            for a in range(sizes.size + ratios.size - 1):
                if a < sizes.size:
                    size, ratio = sizes[a], ratios[0]
                else:
                    size, ratio = sizes[0], ratios[a - sizes.size + 1]
                sr = out.dtype.type(math.sqrt(ratio))
                w = size * aspect * sr * half
                h = size / sr * half
                out[k, 0] = cx - w
                out[k, 1] = cy - h
                out[k, 2] = cx + w
                out[k, 3] = cy + h
                k += 1
    if clip:
        for i in range(out.shape[0]):
            for j in range(4):
                out[i, j] = min(max(out[i, j], out.dtype.type(0)), out.dtype.type(1))


@kernel
def _iou(a0, a1, a2, a3, b0, b1, b2, b3):
    """Intersection over union of two corner boxes (0 when the union is empty)."""
    w = max(0.0, min(a2, b2) - max(a0, b0))
    h = max(0.0, min(a3, b3) - max(a1, b1))
    i = w * h
    u = (a2 - a0) * (a3 - a1) + (b2 - b0) * (b3 - b1) - i
    return 0.0 if u <= 0.0 else i / u


@kernel
def multibox_target(anchors, labels, cls_preds, overlap_threshold, ignore_label, mining_ratio,
                    mining_thresh, min_negative, var, loc_target, loc_mask, cls_target):
    """SSD training targets for ``anchors`` (A, 4), ``labels`` (B, M, >=5: class, box; a row
    whose class is -1 ends the list) and ``cls_preds`` (B, classes, A).

    Matching: each ground truth first takes its best free anchor (greedily, the highest IoU
    above 1e-6 first); then, when ``overlap_threshold > 0``, every other anchor whose best
    IoU exceeds it is positive.  Without mining (``mining_ratio <= 0``) all other anchors
    are negatives (class 0); with it, the ``num_positive * mining_ratio`` anchors (at least
    ``min_negative``, at most the rest) with best IoU below ``mining_thresh`` and the lowest
    background probability (softmax of ``cls_preds``) are negatives, and the rest get
    ``ignore_label``.  Positives get class + 1, mask 1 and the encoded offsets."""
    B, M = labels.shape[0], labels.shape[1]
    A = anchors.shape[0]
    C = cls_preds.shape[1]
    for b in range(B):
        for j in range(A):
            cls_target[b, j] = ignore_label
            for q in range(4):
                loc_target[b, 4 * j + q] = 0
                loc_mask[b, 4 * j + q] = 0
        G = 0
        while G < M and labels[b, G, 0] != -1.0:
            G += 1
        if G == 0:
            continue
        ov = np.empty((A, G))
        for j in range(A):
            for k in range(G):
                ov[j, k] = _iou(float(anchors[j, 0]), float(anchors[j, 1]), float(anchors[j, 2]),
                                float(anchors[j, 3]), float(labels[b, k, 1]),
                                float(labels[b, k, 2]), float(labels[b, k, 3]),
                                float(labels[b, k, 4]))
        flag = np.full(A, -1, np.int64)         # 1 positive, 0 negative, -1 ignored
        match = np.full(A, -1, np.int64)
        best = np.full(A, -1.0)
        gt_done = np.zeros(G, np.bool_)
        npos = 0
        for _ in range(G):                       # bipartite: best pair first
            bj, bk, bo = -1, -1, 1e-6
            for j in range(A):
                if flag[j] == 1:
                    continue
                for k in range(G):
                    if not gt_done[k] and ov[j, k] > bo:
                        bj, bk, bo = j, k, ov[j, k]
            if bj < 0:
                break
            flag[bj], match[bj], best[bj] = 1, bk, bo
            gt_done[bk] = True
            npos += 1
        for j in range(A):                       # best ground truth of every other anchor
            if flag[j] == 1:
                continue
            bk, bo = -1, -1.0
            for k in range(G):
                if ov[j, k] > bo:
                    bk, bo = k, ov[j, k]
            match[j], best[j] = bk, bo
            if overlap_threshold > 0 and bo > overlap_threshold:
                flag[j] = 1
                npos += 1
        if mining_ratio > 0:
            nneg = int(npos * mining_ratio)
            if nneg < min_negative:
                nneg = min_negative
            if nneg > A - npos:
                nneg = A - npos
            cand = np.empty(A, np.int64)
            prob = np.empty(A)
            n = 0
            for j in range(A):
                if flag[j] == -1 and best[j] < mining_thresh:
                    mx = float(cls_preds[b, 0, j])
                    for c in range(1, C):
                        mx = max(mx, float(cls_preds[b, c, j]))
                    s = 0.0
                    for c in range(C):
                        s += math.exp(float(cls_preds[b, c, j]) - mx)
                    cand[n] = j
                    prob[n] = math.exp(float(cls_preds[b, 0, j]) - mx) / s
                    n += 1
            order = np.argsort(prob[:n], kind='mergesort')     # stable: hardest first
            for i in range(min(nneg, n)):
                flag[cand[order[i]]] = 0
        else:
            for j in range(A):
                if flag[j] != 1:
                    flag[j] = 0
        for j in range(A):
            if flag[j] == 0:
                cls_target[b, j] = 0
            elif flag[j] == 1:
                k = match[j]
                cls_target[b, j] = labels[b, k, 0] + 1
                al, at, ar, ab = (float(anchors[j, 0]), float(anchors[j, 1]),
                                  float(anchors[j, 2]), float(anchors[j, 3]))
                gl, gt, gr, gb = (float(labels[b, k, 1]), float(labels[b, k, 2]),
                                  float(labels[b, k, 3]), float(labels[b, k, 4]))
                aw, ah = ar - al, ab - at
                gw, gh = gr - gl, gb - gt
                loc_target[b, 4 * j] = ((gl + gr) * 0.5 - (al + ar) * 0.5) / aw / var[0]
                loc_target[b, 4 * j + 1] = ((gt + gb) * 0.5 - (at + ab) * 0.5) / ah / var[1]
                loc_target[b, 4 * j + 2] = math.log(gw / aw) / var[2]
                loc_target[b, 4 * j + 3] = math.log(gh / ah) / var[3]
                for q in range(4):
                    loc_mask[b, 4 * j + q] = 1


@kernel
def multibox_detection(cls_prob, loc_pred, anchors, clip, threshold, background_id,
                       nms_threshold, force_suppress, var, nms_topk, out):
    """Detections ``out`` (B, A, 6: class, score, box) from ``cls_prob`` (B, classes, A),
    offsets ``loc_pred`` (B, 4 A) and ``anchors`` (A, 4).

    Each anchor takes its most probable non-background class (ids renumbered without the
    background); those scoring at least ``threshold`` are decoded and kept, in anchor
    order, in the first rows (the others rows are all -1).  With ``0 < nms_threshold <= 1``
    the kept rows are sorted by score (stable), rows past ``nms_topk`` (when > 0) get class
    -1, and a row whose box overlaps an earlier kept one of the same class (any class with
    ``force_suppress``) with IoU >= ``nms_threshold`` gets class -1."""
    B, C, A = cls_prob.shape
    tmp = np.empty((A, 6), out.dtype)
    for b in range(B):
        for i in range(A):
            for q in range(6):
                out[b, i, q] = -1
        n = 0
        for i in range(A):
            score = -1.0
            cid = -1
            for c in range(C):
                if c == background_id:
                    continue
                p = float(cls_prob[b, c, i])
                if p > score:
                    score, cid = p, c
            if cid < 0 or score < threshold:
                continue
            al, at, ar, ab = (float(anchors[i, 0]), float(anchors[i, 1]), float(anchors[i, 2]),
                              float(anchors[i, 3]))
            aw, ah = ar - al, ab - at
            ox = float(loc_pred[b, 4 * i]) * var[0] * aw + (al + ar) * 0.5
            oy = float(loc_pred[b, 4 * i + 1]) * var[1] * ah + (at + ab) * 0.5
            ow = math.exp(float(loc_pred[b, 4 * i + 2]) * var[2]) * aw * 0.5
            oh = math.exp(float(loc_pred[b, 4 * i + 3]) * var[3]) * ah * 0.5
            box = (ox - ow, oy - oh, ox + ow, oy + oh)
            out[b, n, 0] = cid - 1 if cid > background_id else cid
            out[b, n, 1] = score
            for q in range(4):
                v = box[q]
                if clip:
                    v = min(max(v, 0.0), 1.0)
                out[b, n, 2 + q] = v
            n += 1
        if n < 1 or nms_threshold <= 0 or nms_threshold > 1:
            continue
        scores = np.empty(n)
        for i in range(n):
            scores[i] = -float(out[b, i, 1])
        order = np.argsort(scores, kind='mergesort')        # stable, descending score
        keep = n if nms_topk <= 0 or nms_topk >= n else nms_topk
        for i in range(n):
            for q in range(6):
                tmp[i, q] = out[b, i, q]
        for i in range(keep):                               # (rows past keep: their place,
            for q in range(6):                              # class -1, as MXNet 1.9.1)
                out[b, i, q] = tmp[order[i], q]
        for i in range(keep, n):
            out[b, i, 0] = -1
        for i in range(keep):
            if out[b, i, 0] < 0:
                continue
            for j in range(i + 1, keep):
                if out[b, j, 0] < 0:
                    continue
                if force_suppress or out[b, i, 0] == out[b, j, 0]:
                    iou = _iou(float(out[b, i, 2]), float(out[b, i, 3]), float(out[b, i, 4]),
                               float(out[b, i, 5]), float(out[b, j, 2]), float(out[b, j, 3]),
                               float(out[b, j, 4]), float(out[b, j, 5]))
                    if iou >= nms_threshold:
                        out[b, j, 0] = -1


@kernel
def _round_away(v):
    """C's ``round``: halves away from zero (Python's ``round`` takes them to even)."""
    return int(math.floor(v + 0.5)) if v >= 0 else -int(math.floor(-v + 0.5))


@kernel
def roi_pool(data, rois, scale, out, argmax):
    """Max pooling of regions ``rois`` (R, 5: batch index, x1, y1, x2, y2 in input
    coordinates, times ``scale``, rounded half away from zero, inclusive) of ``data``
    (N, C, H, W) into ``out`` (R, C, PH, PW); ``argmax`` gets the flat index into ``data``
    of each maximum (the first), -1 and a 0 output for an empty bin."""
    N, C, H, W = data.shape
    R, _, PH, PW = out.shape
    for r in range(R):
        n = int(rois[r, 0])
        x1 = _round_away(float(rois[r, 1] * scale))
        y1 = _round_away(float(rois[r, 2] * scale))
        x2 = _round_away(float(rois[r, 3] * scale))
        y2 = _round_away(float(rois[r, 4] * scale))
        rh = max(y2 - y1 + 1, 1)
        rw = max(x2 - x1 + 1, 1)
        f = data.dtype.type
        bh = f(rh) / f(PH)                     # (in the data's precision, as MXNet)
        bw = f(rw) / f(PW)
        for c in range(C):
            base = (n * C + c) * H * W
            for ph in range(PH):
                hs = min(max(int(math.floor(f(ph) * bh)) + y1, 0), H)
                he = min(max(int(math.ceil(f(ph + 1) * bh)) + y1, 0), H)
                for pw in range(PW):
                    ws = min(max(int(math.floor(f(pw) * bw)) + x1, 0), W)
                    we = min(max(int(math.ceil(f(pw + 1) * bw)) + x1, 0), W)
                    k = ((r * C + c) * PH + ph) * PW + pw
                    if he <= hs or we <= ws:
                        out[r, c, ph, pw] = 0
                        argmax[k] = -1
                        continue
                    best = data[n, c, hs, ws]
                    at = base + hs * W + ws
                    for h in range(hs, he):
                        for w in range(ws, we):
                            if data[n, c, h, w] > best:
                                best = data[n, c, h, w]
                                at = base + h * W + w
                    out[r, c, ph, pw] = best
                    argmax[k] = at
