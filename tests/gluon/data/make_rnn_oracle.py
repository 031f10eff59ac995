"""Regenerate rnn_oracle.json with MXNet 1.9.1 (run with ~/mxref/bin/python).

Each case builds a gluon.rnn layer or cell with known input_size, sets every parameter to
seeded uniform values (stored in the file under the parameter's name without the block
prefix), runs it on a seeded input and records the outputs, the output states and the
gradients (of sum(out * head) + sum of the states) for the input and every parameter.
Layers run in numpy mode (npx.set_np()); cells are unrolled in legacy ndarray mode,
because MXNet 1.9.1's unroll calls legacy operators (split, SequenceMask) that reject
numpy arrays — the arithmetic is the same.
"""
import json
import mxnet as mx
import numpy as onp
from mxnet import autograd, gluon

rng = onp.random.RandomState(0)


def uni(*shape):
    return rng.uniform(-0.6, 0.6, shape).astype('float32')


def keyed(block):
    """Layers: parameter names without the block's prefix; cells: structural keys."""
    if NP[0]:
        return {k[len(block.prefix):]: p for k, p in block.collect_params().items()}
    return block._collect_params_with_prefix()


def setw(block):
    ws = {}
    for key, p in sorted(keyed(block).items()):
        v = uni(*p.shape)
        p.set_data(mx.nd.array(v) if not NP[0] else mx.np.array(v))
        ws[key] = v.tolist()
    return ws


NP = [True]
out = {}
# ---- layers, numpy mode ------------------------------------------------------------------
mx.npx.set_np()
layer_cases = {
    'lstm': (lambda: gluon.rnn.LSTM(3, input_size=2), 'TNC', (4, 2, 2), True),
    'gru_bi2': (lambda: gluon.rnn.GRU(3, num_layers=2, bidirectional=True, input_size=2),
                'TNC', (3, 2, 2), True),
    'rnn_relu_ntc': (lambda: gluon.rnn.RNN(4, activation='relu', layout='NTC', input_size=3),
                     'NTC', (2, 3, 3), True),
    'rnn_tanh_nostate': (lambda: gluon.rnn.RNN(3, activation='tanh', num_layers=2,
                                               input_size=2), 'TNC', (3, 2, 2), False),
    'lstm_bi_ntc': (lambda: gluon.rnn.LSTM(2, bidirectional=True, layout='NTC', input_size=3),
                    'NTC', (2, 3, 3), True),
}
for key, (make, layout, xshape, with_states) in layer_cases.items():
    layer = make()
    layer.initialize()
    ws = setw(layer)
    x = mx.np.array(uni(*xshape))
    n = xshape[layout.find('N')]
    states = [mx.np.array(uni(*s.shape)) for s in layer.begin_state(n)]
    x.attach_grad()
    for s in states:
        s.attach_grad()
    with autograd.record():
        if with_states:
            y, new = layer(x, states)
        else:
            y, new = layer(x), []
        head = mx.np.array(uni(*y.shape))
        loss = (y * head).sum() + sum(s.sum() for s in new)
    loss.backward()
    out[key] = dict(weights=ws, x=x.asnumpy().tolist(),
                    states=[s.asnumpy().tolist() for s in states] if with_states else None,
                    head=head.asnumpy().tolist(), y=y.asnumpy().tolist(),
                    new_states=[s.asnumpy().tolist() for s in new],
                    dx=x.grad.asnumpy().tolist(),
                    dstates=[s.grad.asnumpy().tolist() for s in states] if with_states
                    else None,
                    dw={k: p.grad().asnumpy().tolist() for k, p in keyed(layer).items()})
mx.npx.reset_np()
NP[0] = False
# ---- cells, legacy mode (unroll) ---------------------------------------------------------


def seq():
    s = gluon.rnn.SequentialRNNCell()
    with s.name_scope():
        s.add(gluon.rnn.LSTMCell(3, input_size=2))
        s.add(gluon.rnn.ResidualCell(gluon.rnn.GRUCell(3, input_size=3)))
    return s


def bi():
    return gluon.rnn.BidirectionalCell(gluon.rnn.LSTMCell(2, input_size=2),
                                       gluon.rnn.RNNCell(3, activation='relu', input_size=2))


cell_cases = {
    'lstmcell': (lambda: gluon.rnn.LSTMCell(3, input_size=2), 'NTC', (2, 4, 2), None, True),
    'grucell_tnc': (lambda: gluon.rnn.GRUCell(3, input_size=2), 'TNC', (4, 2, 2), None, True),
    'rnncell_relu': (lambda: gluon.rnn.RNNCell(3, activation='relu', input_size=2), 'NTC',
                     (2, 3, 2), None, True),
    'lstmcell_valid': (lambda: gluon.rnn.LSTMCell(3, input_size=2), 'NTC', (3, 4, 2),
                       [2, 4, 1], True),
    'seq_residual': (seq, 'NTC', (2, 3, 2), None, True),
    'bidir_valid': (bi, 'NTC', (3, 4, 2), [4, 2, 3], True),
    'bidir_tnc_list': (bi, 'TNC', (3, 2, 2), None, False),
}
for key, (make, layout, xshape, valid, merge) in cell_cases.items():
    cell = make()
    cell.initialize()
    ws = setw(cell)
    x = mx.nd.array(uni(*xshape))
    T = xshape[layout.find('T')]
    n = xshape[layout.find('N')]
    states = [mx.nd.array(uni(*s.shape)) for s in cell.begin_state(batch_size=n, func=mx.nd.zeros)]
    x.attach_grad()
    for s in states:
        s.attach_grad()
    vl = None if valid is None else mx.nd.array(valid)
    with autograd.record():
        y, new = cell.unroll(T, x, states, layout=layout, merge_outputs=merge,
                             valid_length=vl)
        if not merge:
            y = mx.nd.stack(*y, axis=layout.find('T'))
        head = mx.nd.array(uni(*y.shape))
        loss = (y * head).sum() + sum(s.sum() for s in new)
    loss.backward()
    out[key] = dict(weights=ws, x=x.asnumpy().tolist(), layout=layout, valid=valid,
                    merge=merge, states=[s.asnumpy().tolist() for s in states],
                    head=head.asnumpy().tolist(), y=y.asnumpy().tolist(),
                    new_states=[s.asnumpy().tolist() for s in new],
                    dx=x.grad.asnumpy().tolist(),
                    dstates=[s.grad.asnumpy().tolist() for s in states],
                    dw={k: p.grad().asnumpy().tolist() for k, p in keyed(cell).items()})
json.dump(out, open(__file__.replace('make_rnn_oracle.py', 'rnn_oracle.json'), 'w'))
print({k: onp.asarray(v['y']).shape for k, v in out.items()})
