"""autodiff.optimizer against MXNet 1.9.1's update kernels (values recorded from the oracle
by ``data/make_optimizer_oracle.py``), against PyTorch where the arithmetic is the same,
and the optimizer machinery (create, schedulers, multipliers, state round trip)."""
import json
import os
import pickle

import numpy as onp
import pytest

from autodiff import np, optimizer as opt, lr_scheduler

with open(os.path.join(os.path.dirname(__file__), 'data', 'optimizer_oracle.json')) as f:
    ORACLE = json.load(f)


def _run(name, kwargs, steps=3):
    o = opt.create(name, **kwargs)
    w = np.array(onp.array(ORACLE['w0'], dtype=onp.float32))
    w.attach_grad()
    state = o.create_state(0, w)
    out = []
    for g in ORACLE['grads'][:steps]:
        o.update(0, w, np.array(onp.array(g, dtype=onp.float32)), state)
        out.append(w.asnumpy().copy())
    return out, w


@pytest.mark.parametrize('case', sorted(ORACLE['cases']))
def test_update_matches_mxnet_1_9_1(case):
    spec = ORACLE['cases'][case]
    got, w = _run(spec['name'], spec['kwargs'])
    for k, (g, want) in enumerate(zip(got, spec['steps'])):
        onp.testing.assert_allclose(g, onp.array(want, dtype=onp.float32), rtol=2e-5,
                                    atol=2e-6, err_msg=f"{case}, step {k + 1}")
    assert w.dtype == onp.float32
    assert w.grad is not None          # the update keeps the gradient mark


def test_sgd_momentum_matches_torch():
    torch = pytest.importorskip('torch')
    w0 = onp.array(ORACLE['w0'], dtype=onp.float32)
    tw = torch.tensor(w0, requires_grad=True)
    topt = torch.optim.SGD([tw], lr=0.1, momentum=0.9, weight_decay=0.0)
    o = opt.SGD(learning_rate=0.1, momentum=0.9)
    w = np.array(w0)
    state = o.create_state(0, w)
    for g in ORACLE['grads']:
        g = onp.array(g, dtype=onp.float32)
        tw.grad = torch.tensor(g)
        topt.step()
        o.update(0, w, np.array(g), state)
        onp.testing.assert_allclose(w.asnumpy(), tw.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_create_by_name_and_unknown_name():
    assert isinstance(opt.create('adam'), opt.Adam)
    assert isinstance(opt.create('SGD', momentum=0.5), opt.SGD)
    with pytest.raises(ValueError, match='Cannot find optimizer nope'):
        opt.create('nope')


def test_defaults_follow_mxnet():
    assert opt.SGD().learning_rate == 0.01
    assert opt.Adam().learning_rate == 0.001
    assert opt.Adamax().learning_rate == 0.002
    assert opt.Ftrl().learning_rate == 0.1


def test_scheduler_drives_learning_rate_and_set_learning_rate_refuses():
    sched = lr_scheduler.FactorScheduler(step=2, factor=0.5)
    o = opt.SGD(learning_rate=1.0, lr_scheduler=sched)
    assert sched.base_lr == 1.0
    w = np.zeros(2)
    lrs = []
    for _ in range(6):
        o.update(0, w, np.ones(2), None)
        lrs.append(o.learning_rate)
    # num_update 1..6: factor applied once num_update passes 2, 4 (MXNet's "> count+step")
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    with pytest.raises(UserWarning, match='LRScheduler of the optimizer has already'):
        o.set_learning_rate(0.1)


def test_lr_mult_and_wd_mult_from_param_dict():
    class P:
        lr_mult, wd_mult = 0.5, 0.0
    o = opt.SGD(learning_rate=0.2, wd=1.0, param_dict={0: P()})
    w = np.array([1.0, 2.0])
    o.update(0, w, np.array([1.0, 1.0]), None)
    # lr 0.2 * 0.5, no decay: w - 0.1 * g
    onp.testing.assert_allclose(w.asnumpy(), [0.9, 1.9], rtol=1e-6)


def test_wd_mult_zero_for_non_weights_by_name():
    o = opt.SGD(learning_rate=1.0, wd=0.5, param_idx2name={0: 'dense0_bias', 1: 'dense0_weight'})
    b, w = np.array([1.0]), np.array([1.0])
    o.update(0, b, np.array([0.0]), None)
    o.update(1, w, np.array([0.0]), None)
    assert b.asnumpy()[0] == 1.0 and abs(w.asnumpy()[0] - 0.5) < 1e-7


def test_updater_states_round_trip():
    o = opt.Adam(learning_rate=0.1)
    up = opt.get_updater(o)
    w = np.array([1.0, -1.0])
    up(0, np.array([0.5, 0.5]), w)
    blob = up.get_states(dump_optimizer=True)
    up2 = opt.get_updater(opt.Adam())
    up2.set_states(blob)
    w2 = np.array(w.asnumpy())
    up(0, np.array([0.5, 0.5]), w)
    up2(0, np.array([0.5, 0.5]), w2)
    onp.testing.assert_array_equal(w.asnumpy(), w2.asnumpy())
    assert pickle.loads(blob)[1].learning_rate == 0.1


def test_nag_weight_decay_follows_the_formula_not_mxnets_aliasing():
    # MXNet 1.9.1 (oracle, lr=0.1, momentum=0.9, wd=0.5, w=1, g=1): weight 0.715, momentum
    # -0.13575 — the momentum's decay term read the *updated* weight 0.715.  The formula
    # g' = g + wd*w (old w) = 1.5; m = -0.1 * 1.5 = -0.15; w = 1 + 0.9*m - 0.1*1.5 = 0.715.
    o = opt.NAG(learning_rate=0.1, momentum=0.9, wd=0.5)
    w = np.array([1.0])
    m = o.create_state(0, w)
    o.update(0, w, np.array([1.0]), m)
    onp.testing.assert_allclose(w.asnumpy(), [0.715], rtol=1e-6)
    onp.testing.assert_allclose(m, [-0.15], rtol=1e-6)
    o.update(0, w, np.array([2.0]), m)
    g = 2.0 + 0.5 * 0.715
    m_ref = 0.9 * -0.15 - 0.1 * g
    onp.testing.assert_allclose(m, [m_ref], rtol=1e-5)
    onp.testing.assert_allclose(w.asnumpy(), [0.715 + 0.9 * m_ref - 0.1 * g], rtol=1e-5)


# ---- the fused update kernels (kernels/optim.py) --------------------------------------------
def _sgd_mom_numpy(w, g, m, lr, wd, mom, rescale, clip):
    """MXNet's sgd_mom_update in float32 NumPy, written out here (the reference)."""
    t = w.dtype.type
    g = g * t(rescale)
    if clip is not None:
        g = onp.clip(g, -t(clip), t(clip))
    m = t(mom) * m - t(lr) * t(wd) * w - t(lr) * g
    return w + m, m


def _adam_numpy(w, g, m, v, lr, wd, b1, b2, eps, rescale, clip):
    """MXNet's adam_update (bias correction folded into lr by the caller), written out."""
    t = w.dtype.type
    g = g * t(rescale) + t(wd) * w
    if clip is not None:
        g = onp.clip(g, -t(clip), t(clip))
    m = t(b1) * m + t(1 - b1) * g
    v = t(b2) * v + t(1 - b2) * g * g
    return w - t(lr) * m / (onp.sqrt(v) + t(eps)), m, v


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_fused_sgd_momentum_and_adam_give_the_numpy_formulas_bits(dtype):
    rng = onp.random.default_rng(0)
    w0 = rng.standard_normal((7, 5)).astype(dtype)
    grads = [rng.standard_normal((7, 5)).astype(dtype) for _ in range(3)]
    grads[1][2, 3] = onp.nan                       # NaN passes through the clip
    sgd = opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5,
                  clip_gradient=0.3)
    adam = opt.Adam(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.4)
    for o in (sgd, adam):
        w = np.array(w0)
        state = o.create_state(0, w)
        ref_w, ref_s = w0.copy(), [onp.zeros_like(w0), onp.zeros_like(w0)]
        for step, g in enumerate(grads, 1):
            o.update(0, w, np.array(g), state)
            if o is sgd:
                ref_w, ref_s[0] = _sgd_mom_numpy(ref_w, g, ref_s[0], 0.1, 0.01, 0.9, 0.5, 0.3)
                got_s = [state]
            else:
                lr = 0.01 * onp.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
                ref_w, *ref_s = _adam_numpy(ref_w, g, *ref_s, lr, 0.01, 0.9, 0.999, 1e-8,
                                            0.5, 0.4)
                got_s = list(state)
            onp.testing.assert_array_equal(w.asnumpy(), ref_w, err_msg=type(o).__name__)
            for a, b in zip(got_s, ref_s):
                onp.testing.assert_array_equal(a, b)
        assert w.dtype == dtype


def test_fused_update_falls_back_on_a_strided_gradient_with_the_same_result():
    rng = onp.random.default_rng(1)
    w0 = rng.standard_normal((4, 6)).astype('float32')
    g = rng.standard_normal((6, 4)).astype('float32').T          # not C-contiguous
    results = []
    for grad in (g, onp.ascontiguousarray(g)):
        o = opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01)
        w = np.array(w0)
        state = o.create_state(0, w)
        for _ in range(2):
            o.update(0, w, np.array(grad) if grad.flags.c_contiguous else _strided(grad), state)
        results.append(w.asnumpy())
    onp.testing.assert_array_equal(results[0], results[1])


def _strided(a):
    """An autodiff array whose buffer is ``a`` itself (kept non-contiguous)."""
    from autodiff.ndarray import wrap
    return wrap(a)


def test_negative_clip_gradient_means_no_clipping_as_mxnet():
    w0 = onp.array([1.0, -2.0, 3.0], dtype='float32')
    g = onp.array([5.0, -7.0, 0.5], dtype='float32')
    for momentum in (0.0, 0.9):
        a, b = opt.SGD(learning_rate=0.1, momentum=momentum, clip_gradient=-1.0), \
            opt.SGD(learning_rate=0.1, momentum=momentum)
        wa, wb = np.array(w0), np.array(w0)
        a.update(0, wa, np.array(g), a.create_state(0, wa))
        b.update(0, wb, np.array(g), b.create_state(0, wb))
        onp.testing.assert_array_equal(wa.asnumpy(), wb.asnumpy())
        # MXNet 1.9.1 (SGD(learning_rate=0.1, momentum=0 or 0.9, clip_gradient=-1), one
        # update from zero momentum) gives [0.5, -1.3, 2.95]: the gradient unclipped
        onp.testing.assert_allclose(wa.asnumpy(), [0.5, -1.3, 2.95], rtol=1e-6)


def test_fused_sgd_keeps_its_views_and_scalars_only_while_they_hold():
    """SGD keeps each index's flat views (while the weight, gradient and state are the same
    objects) and its scalars (while rescale_grad, clip and momentum stay): a changed
    rescale_grad or clip, a new gradient buffer or a new state is used at the next update."""
    rng = onp.random.default_rng(2)
    w0 = rng.standard_normal((3, 4)).astype('float32')
    o = opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01)
    w, g = np.array(w0), np.array(rng.standard_normal((3, 4)).astype('float32'))
    state = o.create_state(0, w)
    ref_w, ref_m = w0.copy(), onp.zeros_like(w0)
    settings = [(1.0, None), (1.0, None), (0.25, None), (0.25, 0.05), (0.25, 0.05)]
    for step, (rescale, clip) in enumerate(settings):
        o.rescale_grad, o.clip_gradient = rescale, clip
        if step == 3:
            g = np.array(rng.standard_normal((3, 4)).astype('float32'))   # a new buffer
        if step == 4:
            state = state.copy()                                          # a new state
        g._data[...] = rng.standard_normal((3, 4)).astype('float32')      # same buffer
        o.update(0, w, g, state)
        ref_w, ref_m = _sgd_mom_numpy(ref_w, g.asnumpy(), ref_m, 0.1, 0.01, 0.9, rescale,
                                      clip)
        onp.testing.assert_array_equal(w.asnumpy(), ref_w, err_msg=f"step {step}")
        onp.testing.assert_array_equal(state, ref_m)
    assert '_view_cache' not in pickle.loads(pickle.dumps(o)).__dict__


# ---- lists of weights: MXNet's aggregated updates (Updater, SGD) ---------------------------
def test_sgd_counts_grouped_updates_as_mxnet():
    """An Updater called with lists hands SGD its weights in groups of ``aggregate_num``,
    whose update counts and scheduled learning rate advance group by group: weight 3 ran
    two updates ahead, so the second group ([2, 3]) sees a later learning rate than the
    first.  Values from MXNet 1.9.1 (MXNET_OPTIMIZER_AGGREGATION_SIZE=2, the same calls)."""
    o = opt.SGD(learning_rate=1.0, momentum=0.5, wd=0.1,
                lr_scheduler=lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0))
    o.aggregate_num = 2
    up = opt.get_updater(o)
    ws = [np.array([1.0, 2.0]), np.array([3.0]), np.array([-1.0, 0.5, 2.0]), np.array([4.0])]
    gs = [np.array([0.5, -1.0]), np.array([2.0]), np.array([1.0, 1.0, -3.0]), np.array([0.25])]
    for _ in range(2):
        up(3, gs[3], ws[3])
    for _ in range(2):
        up([0, 1, 2, 3], gs, ws)
    want = [[-0.1700000762939453, 3.559999942779541], [-1.4849998950958252],
            [-2.1024999618530273, -0.7862499952316284, 5.430000305175781],
            [1.1751000881195068]]
    for w, v in zip(ws, want):
        onp.testing.assert_allclose(w.asnumpy(), v, rtol=1e-6)
    assert o.num_update == 4 and o._index_update_count == {0: 2, 1: 2, 2: 2, 3: 4}


def test_sgd_group_update_gives_each_weights_own_update():
    """Eleven weights in one list (more than one fused call's ``MULTI_WIDTH``; float32 and
    float64; one strided gradient, one float16 weight, which take the one-by-one path;
    per-weight lr_mult/wd_mult) get, bit for bit, the update of MXNet's sgd_mom_update
    formula written out in NumPy, step after step with a changing rescale_grad."""
    rng = onp.random.default_rng(3)
    dtypes = ['float32'] * 6 + ['float64'] * 3 + ['float16', 'float32']
    shapes = [(3, 4), (5,), (2, 3, 2), (1,), (7,), (4, 4), (3,), (2, 2), (6,), (4,), (3, 2)]
    mult = {i: (0.5 + 0.25 * (i % 3), float(i % 2)) for i in range(11)}

    class P:                                    # a Parameter's lr_mult / wd_mult
        def __init__(self, lr, wd):
            self.lr_mult, self.wd_mult = lr, wd
    o = opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01, clip_gradient=0.6,
                param_dict={i: P(*mult[i]) for i in range(11)})
    up = opt.get_updater(o)
    w0 = [rng.standard_normal(s).astype(d) for s, d in zip(shapes, dtypes)]
    ws = [np.array(w) for w in w0]
    ref_w = [w.copy() for w in w0]
    ref_m = [onp.zeros_like(w) for w in w0]
    for step, rescale in enumerate((1.0, 0.5, 0.5)):
        o.rescale_grad = rescale
        g = [rng.standard_normal(s).astype(d) for s, d in zip(shapes, dtypes)]
        grads = [np.array(x) for x in g]
        grads[4] = _strided(onp.repeat(g[4], 2)[::2])            # not C-contiguous
        up(list(range(11)), grads, ws)
        for i in range(11):
            lr, wd = 0.1 * mult[i][0], 0.01 * mult[i][1]
            ref_w[i], ref_m[i] = _sgd_mom_numpy(ref_w[i], g[i], ref_m[i], lr, wd, 0.9,
                                                rescale, 0.6)
            onp.testing.assert_array_equal(ws[i].asnumpy(), ref_w[i],
                                           err_msg=f"weight {i}, step {step}")
            onp.testing.assert_array_equal(up.states[i], ref_m[i])
            assert ws[i].dtype == dtypes[i]
    assert o._index_update_count == {i: 3 for i in range(11)}


def test_updater_lists_for_an_optimizer_that_does_not_aggregate():
    """Adam (``aggregate_num`` 0, as MXNet's) gets one call per weight from a list: the
    same results as calling the Updater weight by weight."""
    rng = onp.random.default_rng(4)
    w0 = [rng.standard_normal(s).astype('float32') for s in ((3,), (2, 2), (5,))]
    g = [rng.standard_normal(w.shape).astype('float32') for w in w0]
    a, b = opt.Adam(learning_rate=0.01), opt.Adam(learning_rate=0.01)
    assert a.aggregate_num == 0
    ua, ub = opt.get_updater(a), opt.get_updater(b)
    wa, wb = [np.array(w) for w in w0], [np.array(w) for w in w0]
    for _ in range(2):
        ua([0, 1, 2], [np.array(x) for x in g], wa)
        for i in range(3):
            ub(i, np.array(g[i]), wb[i])
    for x, y in zip(wa, wb):
        onp.testing.assert_array_equal(x.asnumpy(), y.asnumpy())
