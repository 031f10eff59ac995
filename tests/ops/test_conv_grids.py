"""The implicit GEMM's grids packed once per training step (``ops/conv_implicit.py``):
the forward's grid of ``x`` kept on the node for the weight gradient (``Kept``), the
output gradient's grid shared by the data and weight gradients (``backward_grids``), and
the dynamic hand-out of row blocks and grid pieces to the threads.

References: direct loops (``helpers/window_ref``: the forward and the data gradient as
the deconvolution of the output gradient; the weight gradient by slicing a padded copy
per tap, ``conv_weight_ref``) and the same step with every grid packed
again (``KEEP_BYTES = 0``, no sharing scope)."""
import contextlib
import threading

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import GraphError
from autodiff.kernels import gemm_pack as KP
from autodiff.ops import conv_implicit as I
from autodiff.ops.conv import Geometry
from helpers import sample
from helpers.window_ref import conv_ref, conv_weight_ref as _weight_grad_ref, deconv_ref


@pytest.fixture
def any_channels(monkeypatch):
    """Let the implicit GEMM take small channel counts (so that small cases test it)."""
    monkeypatch.setattr(I, 'MIN_CHANNELS', 1)


# (data shape, num_filter, kernel, pad, dilate, groups), stride 1.  'same' ones (d(k-1) = 2p:
# one grid extent, the output gradient's grid shared) and one 'valid' (each packs its own).
CASES = [
    ((2, 4, 6, 5), 6, (3, 3), (2, 1), (2, 1), 2),                 # same, dilated, groups
    ((1, 2, 3, 4, 5), 3, (3, 1, 3), (1, 0, 2), (1, 1, 2), 1),     # same, 3-D
    ((2, 3, 7, 6), 4, (3, 2), (0, 1), (1, 1), 1),                 # not same
]


def _step(x, w, b, gy, case, retain=False):
    """Recorded forward + backward through ``npx.convolution``; returns the node's Kept
    (or None), y, dx, dw, db."""
    _, nf, k, p, d, groups = case
    xs, ws, bs = (np.array(a) for a in (x, w, b))
    for a in (xs, ws, bs):
        a.attach_grad()
    with autograd.record():
        y = npx.convolution(xs, ws, bs, kernel=k, pad=p, dilate=d, num_filter=nf,
                            num_group=groups)
    attrs = y._node.attrs
    kept = attrs[-1] if isinstance(attrs[-1], I.Kept) else None
    y.backward(np.array(gy), retain_graph=retain)
    return kept, [a.asnumpy() for a in (y, xs.grad, ws.grad, bs.grad)]


def _data(case, dtype=onp.float64):
    shape, nf, k, p, d, groups = case
    x = sample(shape, dtype)
    w = sample((nf, shape[1] // groups) + k, dtype, seed=1)
    b = sample((nf,), dtype, seed=2)
    osp = tuple(s + 2 * q - dd * (kk - 1) for s, q, dd, kk in zip(shape[2:], p, d, k))
    gy = sample((shape[0], nf) + osp, dtype, seed=3)
    return x, w, b, gy


@contextlib.contextmanager
def _no_sharing():
    real = I.backward_grids

    @contextlib.contextmanager
    def none(*args):
        yield
    I.backward_grids = none
    try:
        yield
    finally:
        I.backward_grids = real


@pytest.mark.parametrize('case', CASES, ids=str)
def test_kept_and_shared_grids_match_direct_loops_and_repacking(any_channels, monkeypatch, case):
    _, nf, k, p, d, groups = case
    x, w, b, gy = _data(case)
    kept, fast = _step(x, w, b, gy, case)
    assert kept is not None and kept.grid is None          # kept by the forward, taken
    want = [conv_ref(x, w, b, None, p, d, groups),
            deconv_ref(gy, w, None, None, p, d, None, groups),         # the data gradient
            _weight_grad_ref(x, gy, k, p, d, groups),
            gy.sum(axis=(0,) + tuple(range(2, gy.ndim)))]
    for got, ref in zip(fast, want):
        onp.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    monkeypatch.setattr(I, 'KEEP_BYTES', 0)
    with _no_sharing():
        kept2, slow = _step(x, w, b, gy, case)
    assert kept2 is None                                   # over the budget: none kept
    for a, c in zip(fast, slow):
        onp.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)


def _count_packs(monkeypatch):
    calls = []
    real = KP.to_grid

    def counted(a, grid, at):
        calls.append(a.shape)
        return real(a, grid, at)
    monkeypatch.setattr(KP, 'to_grid', counted)
    return calls


@pytest.mark.parametrize('case, packs', [(CASES[0], 2), (CASES[2], 3)], ids=['same', 'valid'])
def test_each_grid_is_packed_once_per_step(any_channels, monkeypatch, case, packs):
    """'same': x's grid (forward, kept) and gy's (data gradient, shared with the weight
    gradient); 'valid': the weight gradient packs gy again on its own extent."""
    x, w, b, gy = _data(case, onp.float32)
    calls = _count_packs(monkeypatch)
    _step(x, w, b, gy, case)
    assert len(calls) == packs


def test_the_kept_grid_is_released_by_backward_and_with_the_node(any_channels):
    case = CASES[0]
    x, w, b, gy = _data(case)
    before = I.held_bytes()
    xs, ws, bs = (np.array(a) for a in (x, w, b))
    ws.attach_grad()
    with autograd.record():
        y = npx.convolution(xs, ws, bs, kernel=case[2], pad=case[3], dilate=case[4],
                            num_filter=case[1], num_group=case[5])
    kept = y._node.attrs[-1]
    assert isinstance(kept, I.Kept) and kept.grid is not None
    assert I.held_bytes() == before + kept.grid.nbytes
    y.backward(np.array(gy))
    assert kept.grid is None and kept.source is None and I.held_bytes() == before
    # a forward that never gets a backward: released with its node
    with autograd.record():
        y = npx.convolution(xs, ws, bs, kernel=case[2], pad=case[3], dilate=case[4],
                            num_filter=case[1], num_group=case[5])
    assert I.held_bytes() > before
    del y
    assert I.held_bytes() == before


def test_no_grid_is_kept_without_a_weight_gradient_or_outside_record(any_channels):
    case = CASES[0]
    x, w, b, _ = _data(case)
    before = I.held_bytes()
    xs, ws = np.array(x), np.array(w)
    xs.attach_grad()                               # the weight has no history
    kw = dict(kernel=case[2], pad=case[3], dilate=case[4], num_filter=case[1],
              num_group=case[5], no_bias=True)
    with autograd.record():
        y = npx.convolution(xs, ws, **kw)
    assert len(y._node.attrs) == len(y._node.op.params)
    ws.attach_grad()
    y = npx.convolution(xs, ws, **kw)              # not recording
    assert y._node is None and I.held_bytes() == before


def test_retained_graph_backward_twice_repacks(any_channels):
    case = CASES[0]
    x, w, b, gy = _data(case)
    _, once = _step(x, w, b, gy, case)
    xs, ws, bs = (np.array(a) for a in (x, w, b))
    for a in (xs, ws, bs):
        a.attach_grad(grad_req='add')
    with autograd.record():
        y = npx.convolution(xs, ws, bs, kernel=case[2], pad=case[3], dilate=case[4],
                            num_filter=case[1], num_group=case[5])
    y.backward(np.array(gy), retain_graph=True)    # takes the kept grid
    y.backward(np.array(gy))                       # packs x again
    for a, ref in zip((xs, ws, bs), once[1:]):
        onp.testing.assert_allclose(a.grad.asnumpy(), 2 * ref, rtol=1e-12, atol=1e-12)


def test_writing_x_in_place_after_the_forward_is_refused(any_channels):
    """The kept grid holds the values x had at the forward; a write in place before the
    backward is refused by the engine (so a kept grid is never stale)."""
    case = CASES[0]
    x, w, b, gy = _data(case)
    xs, ws, bs = (np.array(a) for a in (x, w, b))
    ws.attach_grad()
    with autograd.record():
        y = npx.convolution(xs, ws, bs, kernel=case[2], pad=case[3], dilate=case[4],
                            num_filter=case[1], num_group=case[5])
    xs[:] = 0
    with pytest.raises(GraphError, match='modified by an in-place operation'):
        y.backward(np.array(gy))


def test_double_backward_through_the_kept_path(any_channels):
    """create_graph: the rule's ops are recorded as before; d(sum(dW * h))/dx against the
    im2col path's (MIN_CHANNELS high)."""
    case = CASES[0]
    x, w, b, gy = _data(case)
    h = sample(w.shape, seed=7)

    def second(monkey=None):
        xs, ws = np.array(x), np.array(w)
        xs.attach_grad()
        ws.attach_grad()
        with autograd.record():
            y = npx.convolution(xs, ws, kernel=case[2], pad=case[3], dilate=case[4],
                                num_filter=case[1], num_group=case[5], no_bias=True)
            gw = autograd.grad((y * np.array(gy)).sum(), [ws], create_graph=True)[0]
            z = (gw * np.array(h)).sum()
        z.backward()
        return xs.grad.asnumpy()

    fast = second()
    I.MIN_CHANNELS = 10 ** 9
    try:
        slow = second()
    finally:
        I.MIN_CHANNELS = 1
    onp.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
    # d/dx sum_t <h_t, X_t^T G> = the deconvolution of gy with h
    ref = deconv_ref(gy, h, None, None, case[3], case[4], None, case[5])
    onp.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)


# ---- the hand-out over the threads ----------------------------------------------------------
def test_row_blocks_are_handed_out_once_each_to_free_threads(monkeypatch):
    """Every block runs exactly once, each thread with its own accumulator; a thread held
    up (the pool's, here) leaves its blocks to the other."""
    monkeypatch.setattr(I, 'BLOCK_ROWS', 10)
    seen, lock = [], threading.Lock()
    main = threading.get_ident()
    release = threading.Event()

    def block(blk, acc):
        r0, m = blk
        if threading.get_ident() != main:
            release.wait(5)                        # the pool thread stalls on its first block
        with lock:
            seen.append((r0, m))
        acc.append(r0)
        if len(seen) >= 9:
            release.set()

    accs = I._split_rows(block, [(r, min(10, 95 - r)) for r in range(0, 95, 10)], list)
    assert sorted(seen) == [(r, 10) for r in range(0, 90, 10)] + [(90, 5)]
    assert sorted(r for a in accs for r in a) == list(range(0, 100, 10))
    if len(accs) > 1:
        assert len(accs[0]) >= 9                   # the free thread took the stalled one's


def test_grid_pieces_cover_every_sample(monkeypatch):
    monkeypatch.setattr(I, 'SPLIT_VALUES', 0)
    monkeypatch.setattr(I, 'PIECE_VALUES', 1)      # one sample a piece
    x = sample((5, 3, 2, 3, 4))
    grid = onp.full((5, 4, 5, 7, 3), onp.nan)
    I._by_samples(KP.to_grid, x, grid, (1, 2, 0))
    want = onp.zeros(grid.shape)
    want[:, 1:3, 2:5, 0:4, :] = x.transpose(0, 2, 3, 4, 1)
    onp.testing.assert_array_equal(grid, want)


@pytest.mark.parametrize('case', CASES[1:], ids=['3-D', '2-D'])
def test_plan_blocks_cover_the_valid_rows_once(monkeypatch, case):
    """Blocks are disjoint, lie below the last computed row, cut at whole grid rows, and
    cover every row of a valid output (those ``from_grid_rows`` reads)."""
    shape, nf, k, p, d, groups = case
    monkeypatch.setattr(I, 'BLOCK_ROWS', 10)
    plan = I._Plan(shape, Geometry(k, (1,) * len(k), d, p, groups))
    rows = onp.zeros(plan.rows, int)
    gd, hp, wp = plan.extent
    for r0, m, plane, h0, h1 in plan.blocks:
        assert m <= 10 or h1 - h0 == 1
        assert r0 == plane * hp * wp + h0 * wp and r0 + m <= plan.used
        rows[r0:r0 + m] += 1
    assert rows.max() == 1
    od, oh, ow = plan.out
    for n in range(shape[0]):
        for dd in range(od):
            for h in range(oh):
                start = ((n * gd + dd) * hp + h) * wp
                assert rows[start:start + ow].all()


def test_from_grid_rows_writes_one_planes_rows():
    grid = sample((2, 3, 4, 6, 5))                 # (N, GD, GH, GW, O)
    y = onp.full((2, 5, 2, 3, 4), onp.nan)         # (N, O, D, H, W)
    b = sample((5,), seed=1)
    KP.from_grid_rows(grid, y, b, True, 4, 1, 9)   # plane 4 = (n 1, d 1); rows 1..2 (H = 3)
    want = onp.full(y.shape, onp.nan)
    want[1, :, 1, 1:3] = grid[1, 1, 1:3, :4].transpose(2, 0, 1) + b[:, None, None]
    onp.testing.assert_array_equal(y, want)
    KP.from_grid_rows(grid, y, b, False, 0, 0, 1)
    onp.testing.assert_array_equal(y[0, :, 0, 0], grid[0, 0, 0, :4].T)
