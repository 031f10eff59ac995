"""gluon.SymbolBlock: a symbol graph run with autodiff's ops.

``HybridBlock.export`` -> ``SymbolBlock.imports`` gives the exported network's outputs and
gradients (and BatchNorm's running-statistics update); MXNet 1.9.1's own export of a
Conv/BatchNorm/Pool/Dense network (``data/mxnet_cnn-*``, made by
``data/make_symbolblock_oracle.py``) gives the outputs and gradients MXNet 1.9.1 computed
(``data/symbolblock_oracle.json``, written down from the oracle), and so does its export of
an Embedding/Dense network with comparisons to Python numbers (``data/mxnet_embcmp-*``,
``data/make_embcmp_oracle.py``, ``data/embcmp_oracle.json``)."""
import json
import os

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.gluon import nn, SymbolBlock, Trainer

DATA = os.path.join(os.path.dirname(__file__), 'data')


def _cnn():
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3, padding=1, activation='relu'), nn.BatchNorm(), nn.MaxPool2D(),
            nn.Flatten(), nn.Dense(5, activation='tanh'), nn.Dense(2), nn.LayerNorm())
    net.initialize()
    return net


def _grads(block, x, train_mode):
    x = x.copy()
    x.attach_grad()
    with autograd.record(train_mode=train_mode):
        y = block(x)
        loss = (y * y).sum()
    loss.backward()
    return y.asnumpy(), x.grad.asnumpy(), {
        p.name: p.grad().asnumpy().copy() for p in block.collect_params().values()
        if p.grad_req != 'null'}


@pytest.fixture
def exported(tmp_path):
    net = _cnn()
    net.hybridize()
    x = np.random.uniform(-1, 1, (2, 3, 6, 6))
    net(x)
    sym_file, param_file = net.export(str(tmp_path / 'cnn'), epoch=1)
    return net, x, sym_file, param_file


@pytest.mark.parametrize('train_mode', [False, True])
def test_export_imports_round_trip_outputs_and_gradients(exported, train_mode):
    net, x, sym_file, param_file = exported
    sb = SymbolBlock.imports(sym_file, ['data'], param_file)
    assert sorted(sb.collect_params().keys()) == sorted(net.collect_params().keys())
    onp.testing.assert_allclose(sb(x).asnumpy(), net(x).asnumpy(), rtol=1e-5, atol=1e-6)
    want = _grads(net, x, train_mode)
    got = _grads(sb, x, train_mode)
    onp.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)
    assert sorted(got[2]) == sorted(want[2])
    for name in want[2]:
        onp.testing.assert_allclose(got[2][name], want[2][name], rtol=1e-4, atol=1e-6,
                                    err_msg=name)
    for stat in ('batchnorm0_running_mean', 'batchnorm0_running_var'):
        mine = sb.collect_params()[stat]
        assert mine.grad_req == 'null'
        onp.testing.assert_allclose(mine.data().asnumpy(),
                                    net.collect_params()[stat].data().asnumpy(), rtol=1e-6)
    if train_mode:                 # (the backward updated both networks' statistics)
        assert sb.collect_params()['batchnorm0_running_mean'].data().asnumpy().any()


def test_a_symbolblock_trains_and_hybridizes(exported):
    net, x, sym_file, param_file = exported
    sb = SymbolBlock.imports(sym_file, 'data', param_file)
    sb.hybridize()
    want = sb(x).asnumpy()
    onp.testing.assert_allclose(sb(x).asnumpy(), want, rtol=1e-6)
    assert sb.compiled_fallback_reason is None and sb.compiled_program.compiled
    tr = Trainer(sb.collect_params(), 'sgd', {'learning_rate': 0.1})
    before = sb.collect_params()['dense0_weight'].data().asnumpy().copy()
    for _ in range(2):
        with autograd.record():
            loss = (sb(x) ** 2).sum()
        loss.backward()
        tr.step(2)
    assert sb.compiled_fallback_reason is None
    assert not onp.allclose(sb.collect_params()['dense0_weight'].data().asnumpy(), before)


def test_mxnet_symbol_file_gives_mxnet_outputs_and_gradients():
    sb = SymbolBlock.imports(os.path.join(DATA, 'mxnet_cnn-symbol.json'), ['data'],
                             os.path.join(DATA, 'mxnet_cnn-0000.params'))
    with open(os.path.join(DATA, 'symbolblock_oracle.json')) as f:
        oracle = json.load(f)                       # values computed by MXNet 1.9.1
    x = np.array(onp.array(oracle['x'], dtype='float32'))
    assert sorted(sb.collect_params().keys()) == sorted(
        list(oracle['param_grads']) + ['batchnorm0_running_mean', 'batchnorm0_running_var'])
    assert sb.collect_params()['batchnorm0_running_var'].grad_req == 'null'
    onp.testing.assert_allclose(sb(x).asnumpy(), oracle['out'], rtol=1e-5, atol=1e-6)
    y, gx, gp = _grads(sb, x, train_mode=False)
    onp.testing.assert_allclose(y, oracle['out'], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(gx, oracle['x_grad'], rtol=1e-4, atol=1e-5)
    for name, want in oracle['param_grads'].items():
        onp.testing.assert_allclose(gp[name], want, rtol=1e-4, atol=1e-5, err_msg=name)


def test_symbolblock_from_a_recorded_symbol():
    x = np.array([0.5, 1.0, 2.0, 3.0])
    x.attach_grad()
    w = np.array([1.5, -0.5, 0.25, 2.0])
    w.attach_grad()
    with autograd.record():
        y = ((2 - x) / 4 + 1 / (x + 1) - x ** 2 * w).sum()
    sym = autograd.get_symbol(y, names={'data': x, 'w': w})
    y.backward()
    sb = SymbolBlock(sym, ['data'])
    assert list(sb.collect_params().keys()) == ['w']
    sb.collect_params().load_dict({'w': w.asnumpy()})
    x2 = x.copy()
    x2.attach_grad()
    with autograd.record():
        z = sb(x2)
    z.backward()
    onp.testing.assert_allclose(z.asnumpy(), y.asnumpy(), rtol=1e-6)
    onp.testing.assert_allclose(x2.grad.asnumpy(), x.grad.asnumpy(), rtol=1e-6)
    onp.testing.assert_allclose(sb.collect_params()['w'].grad().asnumpy(), w.grad.asnumpy(),
                                rtol=1e-6)


def test_shared_parameters_and_several_outputs(exported):
    net, x, sym_file, _ = exported
    with open(sym_file) as f:
        doc = json.load(f)
    doc['heads'] = [doc['heads'][0], [0, 0, 0]]        # the output and the input itself
    sb = SymbolBlock(doc, ['data'], params=net.collect_params())
    assert sb.collect_params()['dense1_weight'] is net.collect_params()['dense1_weight']
    out, same = sb(x)
    onp.testing.assert_allclose(out.asnumpy(), net(x).asnumpy(), rtol=1e-5, atol=1e-6)
    onp.testing.assert_array_equal(same.asnumpy(), x.asnumpy())


def test_an_op_that_does_not_map_names_the_op_and_node():
    doc = {'nodes': [{'op': 'null', 'name': 'data', 'inputs': []},
                     {'op': 'FancyOp', 'name': 'fancy0_fwd', 'inputs': [[0, 0, 0]]}],
           'heads': [[1, 0, 0]]}
    with pytest.raises(NotImplementedError, match="node 'fancy0_fwd' \\(op 'FancyOp'\\)"):
        SymbolBlock(doc, ['data'])
    doc['nodes'][1] = {'op': 'sum', 'name': 'sum0', 'attrs': {'nonsense': '1'},
                       'inputs': [[0, 0, 0]]}
    with pytest.raises(NotImplementedError, match="'nonsense'"):
        SymbolBlock(doc, ['data'])


def test_bad_inputs_and_missing_parameters_are_clear_errors(exported):
    _, x, sym_file, param_file = exported
    with pytest.raises(ValueError, match="input 'x' is not a variable"):
        SymbolBlock.imports(sym_file, ['x'], param_file)
    sb = SymbolBlock.imports(sym_file, ['data'])
    with pytest.raises(RuntimeError, match="parameter 'conv0_weight' has no value"):
        sb(x)
    with pytest.raises(TypeError, match='expected 1 inputs'):
        SymbolBlock.imports(sym_file, ['data'], param_file)(x, x)


def test_round_trip_of_more_layers(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3, in_channels=2), nn.InstanceNorm(), nn.GroupNorm(2), nn.GELU(),
            nn.AvgPool2D(), nn.Conv2DTranspose(2, 2), nn.GlobalMaxPool2D(), nn.Flatten(),
            nn.HybridLambda(lambda F, x: F.npx.log_softmax(x) - F.npx.softmax(x, axis=0)))
    net.initialize()
    net.hybridize()
    x = np.random.uniform(-1, 1, (2, 2, 6, 6))
    net(x)
    sym_file, param_file = net.export(str(tmp_path / 'more'))
    sb = SymbolBlock.imports(sym_file, 'data', param_file)
    want, got = _grads(net, x, False), _grads(sb, x, False)
    onp.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-6)
    for name in want[2]:
        onp.testing.assert_allclose(got[2][name], want[2][name], rtol=1e-4, atol=1e-6,
                                    err_msg=name)


def _grads_of_params(block, x):
    with autograd.record():
        y = block(x)
        loss = (y * y).sum()
    loss.backward()
    return y.asnumpy(), {p.name: p.grad().asnumpy().copy()
                         for p in block.collect_params().values()}


def test_mxnet_embedding_and_scalar_comparisons_give_mxnet_outputs_and_gradients():
    sb = SymbolBlock.imports(os.path.join(DATA, 'mxnet_embcmp-symbol.json'), ['data'],
                             os.path.join(DATA, 'mxnet_embcmp-0000.params'))
    with open(os.path.join(DATA, 'embcmp_oracle.json')) as f:
        oracle = json.load(f)                       # values computed by MXNet 1.9.1
    tok = np.array(onp.array(oracle['tokens'], dtype='float32'))
    for hybridized in (False, True):
        if hybridized:
            sb.hybridize()
            _grads_of_params(sb, tok)               # (records)
        y, gp = _grads_of_params(sb, tok)
        onp.testing.assert_allclose(y, oracle['out'], rtol=1e-5, atol=1e-6)
        assert sorted(gp) == sorted(oracle['param_grads'])
        for name, want in oracle['param_grads'].items():
            onp.testing.assert_allclose(gp[name], want, rtol=1e-4, atol=1e-5, err_msg=name)
    assert sb.compiled_fallback_reason is None


class _EmbCompare(nn.HybridBlock):
    """Embedding, Dense(flatten=False) and comparisons with numbers on either side."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.d = nn.Dense(3, flatten=False, in_units=4)

    def forward(self, tok):
        h = self.d(self.emb(tok))
        return (h * (h > 0.1) + (0.25 >= h) * 2.0 + np.less(0.3, h) * h
                - (h != 0.05) + np.greater_equal(-0.5, h) * (h - 1.0))


def test_export_imports_round_trip_of_embedding_and_scalar_comparisons(tmp_path):
    net = _EmbCompare()
    net.initialize()
    tok = np.array([[1, 3, 9], [0, 3, 5]])          # (float32 tokens, one repeated)
    want = _grads_of_params(net, tok)
    net.hybridize()
    for _ in range(2):
        got = _grads_of_params(net, tok)
    assert net.compiled_fallback_reason is None     # (the embedding is an opaque step)
    sym_file, param_file = net.export(str(tmp_path / 'embcmp'))
    with open(sym_file) as f:
        nodes = {n['op']: n.get('attrs') for n in json.load(f)['nodes']}
    assert nodes['less'] == {'scalar': '0.3', 'scalar_first': 'True'}
    assert nodes['greater'] == {'scalar': '0.1'}
    sb = SymbolBlock.imports(sym_file, 'data', param_file)
    for run in (got, _grads_of_params(sb, tok)):
        onp.testing.assert_allclose(run[0], want[0], rtol=1e-6, atol=1e-7)
        for name in want[1]:
            onp.testing.assert_allclose(run[1][name], want[1][name], rtol=1e-5, atol=1e-7,
                                        err_msg=name)
    # the gradient accumulates over the repeated token: row 3 has two samples' worth
    assert onp.abs(want[1]['embedding0_weight'][[2, 4, 6, 7, 8]]).max() == 0
