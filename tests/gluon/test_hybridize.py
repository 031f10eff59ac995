"""hybridize(): the same values and gradients as eager mode on the same weights; inference
replays autograd.compile's program; export writes the graph and the parameters."""
import json

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.gluon import nn, HybridBlock


def _mlp():
    net = nn.HybridSequential()
    net.add(nn.Dense(5, activation='relu'), nn.Dense(3, activation='tanh'), nn.Dense(2))
    net.initialize()
    return net


def _grads(net, x, train_mode=True):
    with autograd.record(train_mode=train_mode):
        loss = (net(x) ** 2).sum()
    loss.backward()
    return [p.grad().asnumpy().copy() for p in net.collect_params().values()
            if p.grad_req != 'null'], float(loss)


def test_hybridized_inference_matches_eager_and_runs_compiled():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    eager = net(x).asnumpy()
    net.hybridize(static_alloc=True, static_shape=True)
    first = net(x).asnumpy()
    second = net(x).asnumpy()
    onp.testing.assert_allclose(first, eager, rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(second, eager, rtol=1e-5, atol=1e-6)
    assert net.compiled_program is not None and net.compiled_program.compiled
    assert net.compiled_fallback_reason is None


def test_inference_does_not_touch_parameter_gradients():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    net(x)
    net.hybridize()
    net(x)
    net(x)
    for p in net.collect_params().values():
        assert not p.grad().asnumpy().any()


def test_hybridized_gradients_match_eager_on_same_weights():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    g_eager, l_eager = _grads(net, x)
    net.hybridize()
    net(x)                        # compile for inference
    g_hyb, l_hyb = _grads(net, x)
    assert abs(l_eager - l_hyb) < 1e-5
    for a, b in zip(g_eager, g_hyb):
        onp.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)


def test_weights_changed_in_place_are_seen_by_the_compiled_program():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    net.hybridize()
    net(x)
    net(x)
    w = net[2].weight
    w.set_data(w.data() * 2)
    net.hybridize(active=False)
    eager = net(x).asnumpy()
    net.hybridize()
    onp.testing.assert_allclose(net(x).asnumpy(), eager, rtol=1e-5, atol=1e-6)


def test_hybrid_forward_style_custom_block():
    class Net(HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.fc = nn.Dense(3, in_units=4)

        def hybrid_forward(self, F, x):
            return F.npx.relu(self.fc(x)) + F.np.tanh(x).sum(axis=1, keepdims=True)

    net = Net()
    net.initialize()
    x = np.random.uniform(-1, 1, (2, 4))
    want = net(x).asnumpy()
    net.hybridize()
    onp.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_training_mode_calls_run_eagerly():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, in_units=3), nn.Dropout(0.5), nn.BatchNorm())
    net.initialize()
    net.hybridize()
    x = np.random.uniform(size=(8, 3))
    with autograd.train_mode():
        a, b = net(x).asnumpy(), net(x).asnumpy()
    assert not onp.array_equal(a, b)               # fresh dropout masks
    # no backward, so no update of the statistics (MXNet 1.9.1 updates them in backward)
    assert not net[2].running_mean.data().asnumpy().any()
    assert net.compiled_program is None            # nothing was compiled
    net(x)
    net(x)                                         # prediction mode: compiled, no dropout
    assert net.compiled_program.compiled


def test_export_writes_graph_and_params(tmp_path):
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    net.hybridize()
    net(x)
    sym_file, param_file = net.export(str(tmp_path / 'mlp'), epoch=3)
    assert sym_file.endswith('mlp-symbol.json') and param_file.endswith('mlp-0003.params')
    graph = json.load(open(sym_file))
    names = [n['name'] for n in graph['nodes']]
    assert 'data' in names and 'dense0_weight' in names and 'dense2_bias' in names
    saved = onp.load(param_file)
    assert sorted(saved.keys()) == sorted('arg:' + k for k in net.collect_params().keys())
    onp.testing.assert_array_equal(saved['arg:dense0_weight'], net[0].weight.data().asnumpy())


def test_export_before_a_call_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match='run forward with this block at least once'):
        _mlp().export(str(tmp_path / 'x'))


def test_inference_calls_do_not_count_as_fresh_gradients():
    from autodiff.gluon import Trainer
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    net.hybridize()
    net(x)
    net(x)
    tr = Trainer(net.collect_params(), 'sgd')
    with pytest.raises(UserWarning, match='has not been updated by backward'):
        tr.step(4)


# GELU runs npx.leaky_relu(act_type='gelu'), an eager kernel outside the compiler's table: it
# runs as an opaque step (its eager forward and backward) inside the compiled program, so every
# stack here compiles, for prediction and inside record(), with eager mode's results
@pytest.mark.parametrize('make, fallback', [
    (lambda: [nn.Dense(6, in_units=4), nn.LayerNorm(), nn.GELU(), nn.Dense(3)], None),
    (lambda: [nn.Dense(6, in_units=4), nn.LayerNorm(), nn.Dense(3)], None),
    (lambda: [nn.Dense(6, in_units=4), nn.BatchNorm(), nn.ELU(), nn.Dense(3)], None),
    (lambda: [nn.Dense(6, in_units=4), nn.PReLU(), nn.SELU(), nn.Swish(), nn.Dense(2)], None),
    (lambda: [nn.Dense(6, in_units=4, activation='softrelu'), nn.LeakyReLU(0.2),
              nn.Dense(2, activation='sigmoid')], None),
])
def test_hybridized_layers_match_eager(make, fallback):
    net = nn.HybridSequential()
    net.add(*make())
    net.initialize()
    x = np.random.uniform(-1, 1, (5, 4))
    want = net(x).asnumpy()
    g_eager, _ = _grads(net, x, train_mode=False)     # BatchNorm: running statistics
    net.hybridize()
    for _ in range(2):
        onp.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    if fallback is None:
        assert net.compiled_fallback_reason is None
    else:
        assert f"op {fallback!r}" in net.compiled_fallback_reason
    g_hyb, _ = _grads(net, x, train_mode=False)
    if fallback is None:          # (the recorded call ran the differentiable program)
        assert net.compiled_program.backward and net.compiled_fallback_reason is None
    for a, b in zip(g_eager, g_hyb):
        onp.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_inference_on_a_marked_input_leaves_its_gradient_alone():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    x.attach_grad()
    net(x)
    net.hybridize()
    want = net(x).asnumpy()
    onp.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-6)
    assert net.compiled_program.compiled
    assert not x.grad.asnumpy().any()


def test_forward_style_hybridblock_hybridizes():
    from autodiff import init

    class Affine(HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.w = self.params.get('weight', shape=(3, 2), init=init.Normal(1.0))
                self.fc = nn.Dense(4, in_units=2)

        def forward(self, x):
            return self.fc(np.tanh(x @ self.w.data()))

    blk = Affine()
    blk.initialize()
    x = np.random.uniform(-1, 1, (5, 3))
    want = blk(x).asnumpy()
    g_eager, _ = _grads(blk, x)
    blk.hybridize()
    onp.testing.assert_allclose(blk(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(blk(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    assert blk.compiled_program.compiled
    g_hyb, _ = _grads(blk, x)
    for a, b in zip(g_eager, g_hyb):
        onp.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)


def test_prediction_calls_replay_a_forward_only_program():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    want = net(x).asnumpy()
    net.hybridize()
    for _ in range(2):
        onp.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    cp = net.compiled_program
    assert cp.compiled and cp.backward is False and cp.program.mode == 'forward'
    assert not any(v.backward for v in cp.program.values)


def test_training_calls_inside_record_run_compiled_with_eager_gradients():
    net = _mlp()
    x = np.random.uniform(-1, 1, (4, 6))
    g_eager, l_eager = _grads(net, x)
    net.hybridize()
    for _ in range(3):
        with autograd.record():
            y = net(x)
            loss = (y ** 2).sum()
        assert y._node.op.name.startswith('compiled:')
        loss.backward()
        assert net.compiled_fallback_reason is None
        assert abs(float(loss) - l_eager) < 1e-5
        got = [p.grad().asnumpy() for p in net.collect_params().values()
               if p.grad_req != 'null']
        for a, b in zip(g_eager, got):
            onp.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)
    assert net.compiled_program.compiled and net.compiled_program.backward is True


def test_batchnorm_training_inside_record_compiles():
    def make():
        net = nn.HybridSequential()
        net.add(nn.Dense(4, in_units=3), nn.BatchNorm(in_channels=4), nn.Dense(2, in_units=4))
        net.initialize()
        return net
    x = np.random.uniform(-1, 1, (6, 3))
    eager, hyb = make(), make()
    for pe, ph in zip(eager.collect_params().values(), hyb.collect_params().values()):
        ph.set_data(pe.data().asnumpy())
    hyb.hybridize()
    for _ in range(2):
        ge, _ = _grads(eager, x)
        gh, _ = _grads(hyb, x)
        for a, b in zip(ge, gh):
            onp.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert hyb.compiled_fallback_reason is None
    # the running statistics were updated once per backward, as eagerly
    onp.testing.assert_allclose(hyb[1].running_mean.data().asnumpy(),
                                eager[1].running_mean.data().asnumpy(), rtol=1e-6)


# ---- training: hybridized == eager on W7's and W8's networks, one forward per call ----------
def _w8_net():
    net = nn.HybridSequential()
    net.add(nn.Dense(16, in_units=12, activation='relu'), nn.Dense(8, in_units=16,
                                                                    activation='relu'),
            nn.Dense(4, in_units=8))
    return net


def _w7_net():
    net = nn.HybridSequential()
    net.add(nn.Conv2D(3, kernel_size=5, in_channels=1, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(4, kernel_size=3, in_channels=3, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(10, in_units=16, activation='relu'), nn.Dense(5, in_units=10))
    return net


def _twins(make):
    eager, hyb = make(), make()
    eager.initialize()
    hyb.initialize()
    for pe, ph in zip(eager.collect_params().values(), hyb.collect_params().values()):
        ph.set_data(pe.data().asnumpy())
    hyb.hybridize()
    return eager, hyb


@pytest.mark.parametrize('make, shape', [(_w8_net, (6, 12)), (_w7_net, (3, 1, 16, 16))],
                         ids=['w8-mlp', 'w7-lenet'])
def test_training_steps_hybridized_equal_eager_values_and_gradients(make, shape):
    from autodiff import gluon
    rng = onp.random.default_rng(3)
    eager, hyb = _twins(make)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainers = [gluon.Trainer(n.collect_params(), 'sgd', {'learning_rate': 0.1,
                                                          'momentum': 0.9})
                for n in (eager, hyb)]
    for step in range(4):
        x = np.array(rng.uniform(-1, 1, shape).astype('float32'))
        label = np.array(rng.integers(0, 4, shape[0]).astype('int32'))
        losses = []
        for net, trainer in zip((eager, hyb), trainers):
            with autograd.record():
                loss = loss_fn(net(x), label)
            loss.backward()
            losses.append(loss.asnumpy())
            grads = [p.grad().asnumpy().copy() for p in net.collect_params().values()]
            trainer.step(shape[0])
            losses.append(grads)
        onp.testing.assert_allclose(losses[2], losses[0], rtol=1e-5, atol=1e-6)
        for ge, gh in zip(losses[1], losses[3]):
            onp.testing.assert_allclose(gh, ge, rtol=1e-4, atol=1e-6,
                                        err_msg=f"step {step}")
        assert hyb.compiled_fallback_reason is None
    for pe, ph in zip(eager.collect_params().values(), hyb.collect_params().values()):
        onp.testing.assert_allclose(ph.data().asnumpy(), pe.data().asnumpy(), rtol=1e-5,
                                    atol=1e-6)


def _one_residual_forward(monkeypatch):
    """Count the eager convolution forwards the compiled programs run (a convolution
    fused with its relu and max pooling is one ``conv_relu_pooling`` forward)."""
    from autodiff.compile import opaque
    calls = []
    for name in ('convolution', 'conv_relu_pooling'):
        def counted(datas, attrs, forward=opaque.FORWARDS[name]):
            calls.append(1)
            return forward(datas, attrs)
        monkeypatch.setitem(opaque.FORWARDS, name, counted)
    return calls


def test_a_recorded_call_evaluates_the_forward_once(monkeypatch):
    calls = _one_residual_forward(monkeypatch)
    _, hyb = _twins(_w7_net)
    x = np.array(onp.random.default_rng(0).uniform(-1, 1, (2, 1, 16, 16)).astype('float32'))
    for _ in range(2):                          # records, then replays
        with autograd.record():
            loss = hyb(x).sum()
        loss.backward()
    calls.clear()
    for _ in range(3):
        with autograd.record():
            loss = hyb(x).sum()
        loss.backward()
    assert len(calls) == 2 * 3                  # two convolutions a call, none in backward


def test_a_second_forward_before_backward_keeps_each_calls_residuals():
    rng = onp.random.default_rng(4)
    eager, hyb = _twins(_w7_net)
    xs = [np.array(rng.uniform(-1, 1, (2, 1, 16, 16)).astype('float32')) for _ in range(2)]
    for _ in range(2):                          # (the first round records)
        grads = []
        for net in (eager, hyb):
            with autograd.record():
                a = net(xs[0])
                b = net(xs[1])                  # a second call before any backward
                loss = (a * a).sum() + (b * 3.0).sum()
            loss.backward()
            grads.append([p.grad().asnumpy().copy() for p in net.collect_params().values()])
        for ge, gh in zip(*grads):
            onp.testing.assert_allclose(gh, ge, rtol=1e-4, atol=1e-6)
    assert hyb.compiled_fallback_reason is None
    # the two calls' nodes hold residuals of their own, in buffers no other call writes
    with autograd.record():
        a, b = hyb(xs[0]), hyb(xs[1])
    (_, _, saved_a), (_, _, saved_b) = a._node.attrs, b._node.attrs
    prog = a._node.attrs[0]
    fresh = {s for s, _, _ in prog.fresh}
    owned = [k for k, s in enumerate(prog.saved_slots) if s in fresh]
    assert owned
    for k in owned:
        assert not onp.shares_memory(saved_a[k], saved_b[k])
        for e in prog.env0 + prog.benv0:
            assert e is None or not onp.shares_memory(saved_a[k], e)


def test_backward_twice_with_retain_graph_and_the_residuals_freed_after():
    import gc
    import weakref
    rng = onp.random.default_rng(6)
    eager, hyb = _twins(_w8_net)
    x = np.array(rng.uniform(-1, 1, (5, 12)).astype('float32'))
    for _ in range(2):
        _grads(hyb, x)                          # records, replays
    want, _ = _grads(eager, x)
    with autograd.record():
        loss = (hyb(x) ** 2).sum()
    node = loss._node
    while not node.op.name.startswith('compiled:'):
        node = node.edges[0][0]
    prog, _, saved = node.attrs
    fresh = {s for s, _, _ in prog.fresh}                 # the buffers this call made
    refs = [weakref.ref(d) for s, d in zip(prog.saved_slots, saved) if s in fresh]
    del saved
    loss.backward(retain_graph=True)
    first = [p.grad().asnumpy().copy() for p in hyb.collect_params().values()]
    loss.backward()                             # the same residuals again: the same gradients
    second = [p.grad().asnumpy().copy() for p in hyb.collect_params().values()]
    for w, f, s in zip(want, first, second):
        onp.testing.assert_allclose(f, w, rtol=1e-5, atol=1e-6)
        onp.testing.assert_array_equal(s, f)
    with pytest.raises(Exception, match='retain_graph'):
        loss.backward()
    gc.collect()
    assert refs and all(r() is None for r in refs)   # freed by the backward, results kept
    assert loss.shape == () and node.freed


def test_softmax_ce_hybridized_equals_eager_and_follows_mxnet_pick():
    from autodiff import gluon
    x = np.array(onp.arange(12, dtype='float32').reshape(4, 3) / 5)
    label = np.array([0, 2.7, 5, -1])
    # MXNet 1.9.1: SoftmaxCrossEntropyLoss()(x, [0, 2.7, 5, -1]) (pick: float labels
    # truncated, out-of-range labels clipped)
    want = [1.3119023, 0.91190225, 0.91190225, 1.3119023]
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    onp.testing.assert_allclose(loss_fn(x, label).asnumpy(), want, rtol=1e-6)
    loss_fn.hybridize()
    for _ in range(2):
        xm = np.array(x.asnumpy())
        xm.attach_grad()
        with autograd.record():
            y = loss_fn(xm, label)
        y.backward()
        onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-6)
        assert loss_fn.compiled_fallback_reason is None
    p = onp.exp(x.asnumpy()) / onp.exp(x.asnumpy()).sum(1, keepdims=True)
    p[[0, 1, 2, 3], [0, 2, 2, 0]] -= 1                   # softmax - onehot(picked)
    onp.testing.assert_allclose(xm.grad.asnumpy(), p, rtol=1e-5, atol=1e-6)


def test_a_block_added_after_a_hybridized_call_is_seen():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, in_units=3))
    net.initialize()
    net.hybridize()
    x = np.array(onp.random.default_rng(7).uniform(-1, 1, (2, 3)).astype('float32'))
    with autograd.record():
        assert net(x).shape == (2, 4)
    extra = nn.Dense(2, in_units=4)
    extra.initialize()
    net.add(extra)                              # a new child: the cached list is stale
    with autograd.record():
        y = net(x)
        total = y.sum()
    total.backward()
    assert y.shape == (2, 2)
    w0, b0 = net[0].weight.data().asnumpy(), net[0].bias.data().asnumpy()
    w1, b1 = extra.weight.data().asnumpy(), extra.bias.data().asnumpy()
    onp.testing.assert_allclose(y.asnumpy(), (x.asnumpy() @ w0.T + b0) @ w1.T + b1,
                                rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(extra.bias.grad().asnumpy(), [2.0, 2.0])
    # every parameter went in as an argument of the compiled call (a stale list would have
    # left the new layer's parameters as closed-over arrays)
    prog = net.compiled_program.program
    assert net.compiled_fallback_reason is None and len(prog.grad_leaves) == 5   # x + 4
    assert all(lf.pos is not None for lf in prog.grad_leaves)


def test_a_recorded_calls_backward_writes_into_the_parameters_own_grad_buffers():
    """The engine offers each 'write' parameter's ``.grad`` to the compiled call's backward
    (its last and only consumer), which writes the gradient there: the buffers stay the
    same arrays with eager mode's values.  A parameter also used outside the block, and
    one with grad_req='add', is not offered, and sums as in eager mode."""
    def run(hybrid, steps=2):
        rng = onp.random.default_rng(7)
        net = nn.HybridSequential()
        net.add(nn.Dense(4, in_units=3, activation='relu'), nn.Dense(2, in_units=4))
        net.initialize()
        for p in net.collect_params().values():
            p.set_data(rng.uniform(-1, 1, p.shape).astype('float32'))
        net[1].bias.grad_req = 'add'
        if hybrid:
            net.hybridize()
        x = np.array(rng.uniform(-1, 1, (5, 3)).astype('float32'))
        bufs = {k: p.grad() for k, p in net.collect_params().items()}
        for _ in range(steps):
            with autograd.record():
                y = net(x)
                # dense0_weight is read outside the block too: two contributions
                loss = (y ** 2).sum() + (net[0].weight.data() ** 2).sum()
            loss.backward()
        for k, p in net.collect_params().items():
            assert p.grad() is bufs[k], k
        return [p.grad().asnumpy().copy() for p in net.collect_params().values()], net

    eager, _ = run(False)
    hybrid, net = run(True)
    assert net.compiled_fallback_reason is None
    for k, (a, b) in enumerate(zip(hybrid, eager)):
        onp.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=str(k))
