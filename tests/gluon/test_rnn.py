"""gluon.rnn: layers and cells against MXNet 1.9.1 (values written down by
``data/make_rnn_oracle.py`` in ``data/rnn_oracle.json``), against ``torch.nn.LSTM/GRU/RNN``
with copied weights, and gradients by central differences (``check_grads``, float64)."""
import json
import os

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import ShapeError
from autodiff.gluon import rnn
from helpers import check_grads

with open(os.path.join(os.path.dirname(__file__), 'data', 'rnn_oracle.json')) as _f:
    ORACLE = json.load(_f)


def _x(*shape, seed=0):
    return onp.random.default_rng(seed).uniform(-1, 1, shape).astype(onp.float32)


def _close(a, b, tol=1e-5):
    onp.testing.assert_allclose(onp.asarray(a), onp.asarray(b, dtype=onp.float32),
                                rtol=tol, atol=tol)


# ---- against MXNet 1.9.1 -------------------------------------------------------------------
LAYERS = {
    'lstm': lambda: rnn.LSTM(3, input_size=2),
    'gru_bi2': lambda: rnn.GRU(3, num_layers=2, bidirectional=True, input_size=2),
    'rnn_relu_ntc': lambda: rnn.RNN(4, activation='relu', layout='NTC', input_size=3),
    'rnn_tanh_nostate': lambda: rnn.RNN(3, activation='tanh', num_layers=2, input_size=2),
    'lstm_bi_ntc': lambda: rnn.LSTM(2, bidirectional=True, layout='NTC', input_size=3),
}


def _layer_keyed(layer):
    return {k[len(layer.prefix):]: p for k, p in layer.collect_params().items()}


def _run_case(case, block, keyed, call):
    block.initialize()
    params = keyed(block)
    assert sorted(params) == sorted(case['weights'])
    for k, v in case['weights'].items():
        params[k].set_data(np.array(v))
    x = np.array(case['x'])
    states = None if case['states'] is None else [np.array(s) for s in case['states']]
    x.attach_grad()
    for s in states or []:
        s.attach_grad()
    with autograd.record():
        y, new = call(block, x, states)
        loss = (y * np.array(case['head'])).sum()
        for s in new:
            loss = loss + s.sum()
    loss.backward()
    _close(y.asnumpy(), case['y'])
    assert len(new) == len(case['new_states'])
    for a, b in zip(new, case['new_states']):
        _close(a.asnumpy(), b)
    _close(x.grad.asnumpy(), case['dx'])
    for s, g in zip(states or [], case['dstates'] or []):
        _close(s.grad.asnumpy(), g)
    for k, g in case['dw'].items():
        _close(params[k].grad().asnumpy(), g)


@pytest.mark.parametrize('key', sorted(LAYERS))
def test_layer_matches_mxnet(key):
    case = ORACLE[key]

    def call(layer, x, states):
        if states is None:
            return layer(x), []
        return layer(x, states)
    _run_case(case, LAYERS[key](), _layer_keyed, call)


def _seq():
    s = rnn.SequentialRNNCell()
    with s.name_scope():
        s.add(rnn.LSTMCell(3, input_size=2))
        s.add(rnn.ResidualCell(rnn.GRUCell(3, input_size=3)))
    return s


def _bi():
    return rnn.BidirectionalCell(rnn.LSTMCell(2, input_size=2),
                                 rnn.RNNCell(3, activation='relu', input_size=2))


CELLS = {
    'lstmcell': lambda: rnn.LSTMCell(3, input_size=2),
    'grucell_tnc': lambda: rnn.GRUCell(3, input_size=2),
    'rnncell_relu': lambda: rnn.RNNCell(3, activation='relu', input_size=2),
    'lstmcell_valid': lambda: rnn.LSTMCell(3, input_size=2),
    'seq_residual': _seq,
    'bidir_valid': _bi,
    'bidir_tnc_list': _bi,
}


@pytest.mark.parametrize('key', sorted(CELLS))
def test_cell_unroll_matches_mxnet(key):
    case = ORACLE[key]
    layout = case['layout']
    T = onp.shape(case['x'])[layout.find('T')]

    def call(cell, x, states):
        vl = None if case['valid'] is None else np.array(case['valid'])
        y, new = cell.unroll(T, x, states, layout=layout, merge_outputs=case['merge'],
                             valid_length=vl)
        if not case['merge']:
            assert isinstance(y, list) and len(y) == T
            y = np.stack(y, axis=layout.find('T'))
        return y, new
    _run_case(case, CELLS[key](), lambda c: c._collect_params_with_prefix(), call)


# ---- against PyTorch (same gate order: LSTM [i, f, g, o], GRU [r, z, n]) ---------------------
@pytest.mark.parametrize('kind,bidirectional,layers', [
    ('LSTM', False, 2), ('LSTM', True, 1), ('GRU', True, 2), ('RNN', False, 2),
    ('RNN_tanh', True, 1)])
def test_layer_matches_torch(kind, bidirectional, layers):
    torch = pytest.importorskip('torch')
    H, I, T, N = 3, 4, 5, 2
    if kind.startswith('RNN'):
        act = 'tanh' if kind == 'RNN_tanh' else 'relu'
        ours = rnn.RNN(H, num_layers=layers, activation=act, bidirectional=bidirectional,
                       layout='NTC')
        ref = torch.nn.RNN(I, H, num_layers=layers, nonlinearity=act,
                           bidirectional=bidirectional, batch_first=True)
    else:
        ours = getattr(rnn, kind)(H, num_layers=layers, bidirectional=bidirectional,
                                  layout='NTC')
        ref = getattr(torch.nn, kind)(I, H, num_layers=layers, bidirectional=bidirectional,
                                      batch_first=True)
    ours.initialize()
    x = _x(N, T, I)
    ours(np.array(x))                       # deferred initialisation of input_size
    for l in range(layers):
        for d, sfx in (('l', ''), ('r', '_reverse'))[:2 if bidirectional else 1]:
            for ours_name, torch_name in (('i2h_weight', 'weight_ih'),
                                          ('h2h_weight', 'weight_hh'),
                                          ('i2h_bias', 'bias_ih'), ('h2h_bias', 'bias_hh')):
                getattr(ours, f'{d}{l}_{ours_name}').set_data(
                    np.array(getattr(ref, f'{torch_name}_l{l}{sfx}').detach().numpy()))
    n_states = 2 if kind == 'LSTM' else 1
    s0 = [_x(layers * (2 if bidirectional else 1), N, H, seed=i + 1) for i in range(n_states)]
    xa = np.array(x)
    xa.attach_grad()
    with autograd.record():
        y, states = ours(xa, [np.array(s) for s in s0])
        (y.sum() + states[0].sum()).backward()
    xt = torch.tensor(x, requires_grad=True)
    st = [torch.tensor(s) for s in s0]
    yt, ht = ref(xt, tuple(st) if kind == 'LSTM' else st[0])
    ht = list(ht) if kind == 'LSTM' else [ht]
    (yt.sum() + ht[0].sum()).backward()
    _close(y.asnumpy(), yt.detach().numpy())
    for a, b in zip(states, ht):
        _close(a.asnumpy(), b.detach().numpy())
    _close(xa.grad.asnumpy(), xt.grad.numpy())
    _close(ours.l0_h2h_weight.grad().asnumpy(), ref.weight_hh_l0.grad.numpy())
    _close(ours.l0_i2h_bias.grad().asnumpy(), ref.bias_ih_l0.grad.numpy())


@pytest.mark.parametrize('kind', ['LSTMCell', 'GRUCell', 'RNNCell'])
def test_cell_step_matches_torch(kind):
    torch = pytest.importorskip('torch')
    H, I, N = 3, 2, 4
    cell = getattr(rnn, kind)(H)
    ref = getattr(torch.nn, kind)(I, H)
    cell.initialize()
    x = _x(N, I)
    states = [np.array(_x(N, H, seed=i + 1)) for i in range(len(cell.state_info()))]
    cell(np.array(x), states)
    for ours_name, torch_name in (('i2h_weight', 'weight_ih'), ('h2h_weight', 'weight_hh'),
                                  ('i2h_bias', 'bias_ih'), ('h2h_bias', 'bias_hh')):
        getattr(cell, ours_name).set_data(np.array(getattr(ref, torch_name).detach().numpy()))
    out, new = cell(np.array(x), states)
    st = [torch.tensor(s.asnumpy()) for s in states]
    r = ref(torch.tensor(x), tuple(st) if kind == 'LSTMCell' else st[0])
    r = list(r) if kind == 'LSTMCell' else [r]
    _close(out.asnumpy(), r[0].detach().numpy())
    for a, b in zip(new, r):
        _close(a.asnumpy(), b.detach().numpy())


# ---- gradients by central differences ------------------------------------------------------
@pytest.mark.parametrize('make,n_states', [
    (lambda: rnn.LSTM(2, num_layers=2, bidirectional=True, input_size=2), 2),
    (lambda: rnn.GRU(2, layout='NTC', input_size=3), 1),
    (lambda: rnn.RNN(2, activation='tanh', input_size=2), 1),
    (lambda: rnn.LSTM(3, projection_size=2, input_size=2), 2)])
def test_layer_gradients_central_differences(make, n_states):
    layer = make()
    layer.initialize()
    layer.cast('float64')
    names = list(layer._reg_params)
    shape = (3, 2) if layer._layout == 'TNC' else (2, 3)
    shape += (layer.l0_i2h_weight.shape[1],)
    info = layer.state_info(2)
    rng = onp.random.default_rng(3)
    ws = [rng.uniform(-0.7, 0.7, layer._reg_params[n].shape) for n in names]
    ss = [rng.uniform(-0.5, 0.5, i['shape']) for i in info]

    def fun(x, *rest):
        states, weights = list(rest[:n_states]), rest[n_states:]
        y, new = layer._forward_kernel(x, states, dict(zip(names, weights)))
        return [y] + new
    check_grads(fun, rng.uniform(-1, 1, shape), *ss, *ws)


@pytest.mark.parametrize('make', [lambda: rnn.LSTMCell(2, input_size=2),
                                  lambda: rnn.GRUCell(2, input_size=2),
                                  lambda: rnn.RNNCell(2, activation='softsign', input_size=2)])
def test_cell_unroll_gradients_central_differences(make):
    cell = make()
    cell.initialize()
    cell.cast('float64')
    n = len(cell.state_info())
    rng = onp.random.default_rng(4)
    x = rng.uniform(-1, 1, (2, 3, 2))
    states = [rng.uniform(-0.5, 0.5, (2, 2)) for _ in range(n)]

    def fun(x, *states):
        y, new = cell.unroll(3, x, list(states), layout='NTC', merge_outputs=True,
                             valid_length=np.array([3, 2]))
        return [y] + new
    check_grads(fun, x, *states)


def test_bidirectional_cell_gradients_central_differences():
    cell = rnn.BidirectionalCell(rnn.GRUCell(2, input_size=2), rnn.LSTMCell(2, input_size=2))
    cell.initialize()
    cell.cast('float64')
    rng = onp.random.default_rng(5)

    def fun(x):
        y, new = cell.unroll(4, x, layout='TNC', merge_outputs=True,
                             valid_length=np.array([2, 4]))
        return [y] + new
    check_grads(fun, rng.uniform(-1, 1, (4, 2, 2)))


# ---- deferred initialisation, states, naming, saving ----------------------------------------
def test_deferred_input_size_and_repr():
    layer = rnn.GRU(5, num_layers=2, bidirectional=True, dropout=0.5, layout='NTC')
    assert repr(layer) == 'GRU(None -> 5, NTC, num_layers=2, dropout=0.5, bidirectional)'
    layer.initialize()
    out = layer(np.array(_x(2, 3, 7)))
    assert out.shape == (2, 3, 10)
    assert layer.l0_i2h_weight.shape == (15, 7) and layer.r0_i2h_weight.shape == (15, 7)
    assert layer.l1_i2h_weight.shape == (15, 10)
    assert repr(layer).startswith('GRU(7 -> 5, NTC')
    cell = rnn.LSTMCell(4)
    assert repr(cell) == 'LSTMCell(None -> 16)'
    cell.initialize()
    out, states = cell(np.array(_x(3, 6)), cell.begin_state(batch_size=3))
    assert out.shape == (3, 4) and cell.i2h_weight.shape == (16, 6)
    assert repr(cell) == 'LSTMCell(6 -> 16)'


def test_names_and_structural_keys_follow_mxnet():
    layer = rnn.LSTM(3, bidirectional=True)
    assert [k for k in layer.collect_params()] == [
        'lstm0_l0_i2h_weight', 'lstm0_l0_h2h_weight', 'lstm0_l0_i2h_bias', 'lstm0_l0_h2h_bias',
        'lstm0_r0_i2h_weight', 'lstm0_r0_h2h_weight', 'lstm0_r0_i2h_bias', 'lstm0_r0_h2h_bias']
    assert sorted(layer._collect_params_with_prefix()) == sorted(
        f'_unfused.0.{d}_cell.{g}_{t}' for d in 'lr' for g in ('i2h', 'h2h')
        for t in ('weight', 'bias'))
    assert rnn.ZoneoutCell(rnn.RNNCell(3), 0.5, 0.5).prefix == 'rnn0_zoneout'
    assert rnn.ResidualCell(rnn.RNNCell(3)).prefix == 'rnn1_residualcell'
    assert rnn.DropoutCell(0.5).prefix == 'dropout0_'


def test_save_and_load_parameters_roundtrip(tmp_path):
    a = rnn.LSTM(3, num_layers=2, input_size=2)
    a.initialize()
    f = str(tmp_path / 'lstm.params')
    a.save_parameters(f)
    b = rnn.LSTM(3, num_layers=2, input_size=2)
    b.load_parameters(f)
    x = np.array(_x(4, 2, 2))
    _close(b(x).asnumpy(), a(x).asnumpy(), tol=0)


def test_states_in_and_out_and_skip():
    layer = rnn.LSTM(3, num_layers=2, input_size=2)
    layer.initialize()
    x = np.array(_x(4, 2, 2))
    zeros = layer.begin_state(batch_size=2)
    assert [s.shape for s in zeros] == [(2, 2, 3), (2, 2, 3)]
    out, states = layer(x, zeros)
    assert len(states) == 2
    _close(layer(x).asnumpy(), out.asnumpy(), tol=0)   # no states given: zeros, output only
    # continuing from the returned states equals running the concatenated sequence
    x2 = np.array(_x(3, 2, 2, seed=1))
    out2, _ = layer(x2, states)
    whole = layer(np.concatenate([x, x2], axis=0))
    _close(out2.asnumpy(), whole[4:].asnumpy())
    ones = layer.begin_state(batch_size=2, func=np.ones)
    assert float(ones[1].sum()) == 12
    with pytest.raises(ShapeError, match='Invalid recurrent state shape'):
        layer(x, [np.zeros((1, 2, 3)), np.zeros((2, 2, 3))])


def test_layer_dropout_only_in_training():
    layer = rnn.GRU(4, num_layers=2, dropout=0.5, input_size=3)
    layer.initialize()
    x = np.array(_x(5, 2, 3))
    a, b = layer(x).asnumpy(), layer(x).asnumpy()
    _close(a, b, tol=0)
    np.random.seed(0)
    with autograd.train_mode():
        c = layer(x).asnumpy()
    assert not onp.allclose(a, c)


def test_unroll_list_and_merge_forms():
    cell = rnn.GRUCell(3, input_size=2)
    cell.initialize()
    x = np.array(_x(2, 4, 2))
    merged, _ = cell.unroll(4, x, layout='NTC', merge_outputs=True)
    steps, _ = cell.unroll(4, [x[:, t] for t in range(4)], layout='NTC')
    assert isinstance(steps, list) and len(steps) == 4
    _close(np.stack(steps, axis=1).asnumpy(), merged.asnumpy(), tol=0)
    as_given, _ = cell.unroll(4, x, layout='NTC')     # None: a plain cell gives steps (MXNet)
    assert isinstance(as_given, list) and as_given[0].shape == (2, 3)
    tnc, _ = cell.unroll(4, np.swapaxes(x, 0, 1), layout='TNC', merge_outputs=True)
    _close(np.swapaxes(tnc, 0, 1).asnumpy(), merged.asnumpy(), tol=0)
    with pytest.raises(ValueError, match='length=5'):
        cell.unroll(5, x, layout='NTC')
    with pytest.raises(ValueError, match="layout must be 'TNC' or 'NTC'"):
        cell.unroll(4, x, layout='CTN')


def test_hybrid_sequential_cell_step_and_unroll_agree():
    seq = rnn.HybridSequentialRNNCell()
    seq.add(rnn.LSTMCell(3, input_size=2))
    seq.add(rnn.DropoutCell(0.0))
    seq.add(rnn.RNNCell(2, input_size=3))
    seq.initialize()
    assert len(seq) == 3 and isinstance(seq[2], rnn.RNNCell)
    x = np.array(_x(2, 3, 2))
    unrolled, ust = seq.unroll(3, x, layout='NTC', merge_outputs=True)
    states = seq.begin_state(batch_size=2)
    outs = []
    for t in range(3):
        o, states = seq(x[:, t], states)
        outs.append(o)
    _close(np.stack(outs, axis=1).asnumpy(), unrolled.asnumpy())
    for a, b in zip(states, ust):
        _close(a.asnumpy(), b.asnumpy())


def test_zoneout_and_dropout_cells():
    base = rnn.RNNCell(3, input_size=2)
    zone = rnn.ZoneoutCell(base, zoneout_outputs=1.0, zoneout_states=1.0)
    zone.initialize()
    x = np.array(_x(2, 3, 2))
    s0 = [np.array(_x(2, 3, seed=2))]
    out, st = zone.unroll(3, x, s0, layout='NTC', merge_outputs=True)   # prediction: no zoneout
    base._modified = False
    ref, _ = base.unroll(3, x, s0, layout='NTC', merge_outputs=True)
    base._modified = True
    _close(out.asnumpy(), ref.asnumpy(), tol=0)
    with autograd.train_mode():
        out, st = zone.unroll(3, x, s0, layout='NTC', merge_outputs=True)
    # p=1 keeps the previous output (zeros at the start) and the previous state
    _close(out.asnumpy(), onp.zeros((2, 3, 3)), tol=0)
    _close(st[0].asnumpy(), s0[0].asnumpy(), tol=0)
    with pytest.raises(RuntimeError, match='modifier'):
        base.begin_state(batch_size=2)
    with pytest.raises(ValueError, match='already modified'):
        rnn.ResidualCell(base)
    drop = rnn.DropoutCell(0.5)
    y, _ = drop.unroll(3, x, layout='NTC', merge_outputs=True)
    _close(y.asnumpy(), x.asnumpy(), tol=0)
    with autograd.train_mode():
        y, _ = drop.unroll(3, x, layout='NTC', merge_outputs=True)
    kept = y.asnumpy() != 0
    _close(y.asnumpy()[kept], 2 * x.asnumpy()[kept])


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="layout"):
        rnn.LSTM(3, layout='NCT')
    with pytest.raises(ValueError, match="activation"):
        rnn.RNN(3, activation='sigmoid')
    with pytest.raises(NotImplementedError, match='use_sequence_length'):
        rnn.GRU(3, use_sequence_length=True)
    with pytest.raises(ShapeError, match='3-D'):
        layer = rnn.GRU(3)
        layer.initialize()
        layer(np.ones((2, 3)))
    bi = rnn.BidirectionalCell(rnn.GRUCell(2), rnn.GRUCell(2))
    with pytest.raises(NotImplementedError, match='unroll'):
        bi(np.ones((2, 2)), bi.begin_state(batch_size=2))
    with pytest.raises(ValueError, match='zoneout'):
        rnn.ZoneoutCell(bi)
    cell = rnn.LSTMCell(2)
    cell.initialize()
    with pytest.raises(ValueError, match='2 state'):
        cell(np.ones((1, 2)), [np.zeros((1, 2))])
    with pytest.raises(ValueError, match='valid_length'):
        cell.unroll(2, np.ones((1, 2, 2)), valid_length=np.array([3]))


@pytest.mark.parametrize('make', [lambda: rnn.LSTM(3, num_layers=2, input_size=2),
                                  lambda: rnn.GRU(2, bidirectional=True, layout='NTC',
                                                  input_size=2),
                                  lambda: rnn.RNN(2, input_size=2)])
def test_hybridized_layer_replays_compiled_inference(make):
    layer = make()
    layer.initialize()
    x = np.array(_x(4, 2, 2))
    states = layer.begin_state(batch_size=x.shape[layer._layout.find('N')], func=np.ones)
    eager_out, eager_states = layer(x, states)
    eager_plain = layer(x)
    layer.hybridize()
    for _ in range(2):                      # the second call replays the compiled program
        out, new = layer(x, states)
        assert layer.compiled_program is not None
        assert layer.compiled_fallback_reason is None
        _close(out.asnumpy(), eager_out.asnumpy())
        for a, b in zip(new, eager_states):
            _close(a.asnumpy(), b.asnumpy())
        _close(layer(x).asnumpy(), eager_plain.asnumpy())
    # training calls stay eager and give exact parameter gradients
    with autograd.record():
        loss = layer(x).sum()
    loss.backward()
    assert float(np.abs(layer.l0_i2h_weight.grad()).sum()) > 0
