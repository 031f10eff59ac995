"""hybridize(): the same values and gradients as eager mode on the same weights; inference
replays autograd.compile's program; export writes the graph and the parameters."""
import json

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.gluon import nn, HybridBlock, SymbolBlock


def _mlp():
    net = nn.HybridSequential()
    net.add(nn.Dense(5, activation='relu'), nn.Dense(3, activation='tanh'), nn.Dense(2))
    net.initialize()
    return net


def _grads(net, x):
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    return [p.grad().asnumpy().copy() for p in net.collect_params().values()], float(loss)


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


def test_dropout_in_training_falls_back_eagerly_and_says_why():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, in_units=3), nn.Dropout(0.5))
    net.initialize()
    net.hybridize()
    x = np.ones((2, 3))
    with autograd.train_mode():
        net(x)
        net(x)
    assert 'random' in net.compiled_fallback_reason


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


def test_symbolblock_is_not_available():
    with pytest.raises(NotImplementedError, match='symbolic graph executor'):
        SymbolBlock.imports('a-symbol.json', ['data'])
