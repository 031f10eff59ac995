"""npx.rnn (MXNet 1.9.1's fused RNN op): values written down from MXNet 1.9.1 on the same
packed parameters, PyTorch's LSTM/GRU/RNN with the weights re-packed, central-difference
gradients (float64) to data, parameters and states, second order, bad input."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import ShapeError, DTypeError
from autodiff.ops.rnn import param_size
from helpers import check_grads

T, N, I, H = 3, 2, 3, 2


def inputs(mode, L, bi):
    """The deterministic inputs the MXNet values below were computed from (float64)."""
    D = 2 if bi else 1
    params = onp.sin(onp.arange(param_size(mode, I, H, L, bi)) * 1.3) * 0.4
    x = onp.cos(onp.arange(T * N * I) * 0.7).reshape(T, N, I)
    h0 = 0.1 * onp.sin(onp.arange(L * D * N * H) + 1.0).reshape(L * D, N, H)
    c0 = 0.2 * onp.cos(onp.arange(L * D * N * H)).reshape(L * D, N, H)
    return x, params, h0, c0


# (mode, num_layers, bidirectional, clip): (output, h_n[, c_n]) flattened, from mxnet 1.9.1:
# npx.rnn(x, params, h0[, c0], state_size=2, num_layers=L, bidirectional=bi, mode=mode,
# state_outputs=True) in float64 (its LSTM state clipping is GPU-only: clip stays None)
MXNET = {
    ('rnn_tanh', 1, False, None): (
        [ 0.5271712567, -0.5104083135, -0.3355835491,  0.4075949455,  0.5287365112,  0.138862454 ,
          0.4230103648, -0.4764151352, -0.1165176203,  0.2006022334,  0.5077158897,  0.153692934 ],
        [-0.1165176203,  0.2006022334,  0.5077158897,  0.153692934 ],
    ),
    ('rnn_relu', 1, False, None): (
        [0.5862196088, 0.          , 0.          , 0.4327236116, 0.6771228909, 0.          ,
         0.5885980725, 0.          , 0.          , 0.196549058 , 0.6865954995, 0.          ],
        [0.          , 0.196549058 , 0.6865954995, 0.          ],
    ),
    ('lstm', 1, False, None): (
        [-0.0790265394,  0.1742947281,  0.073718307 , -0.0980560978, -0.2184315478,  0.1209482767,
         -0.080419896 ,  0.1144384284, -0.0029153301,  0.0157506685, -0.2142948923,  0.0953234528],
        [-0.0029153301,  0.0157506685, -0.2142948923,  0.0953234528],
        [-0.0050276917,  0.0275703625, -0.3378839895,  0.2709603508],
    ),
    ('gru', 1, False, None): (
        [ 0.0812049261,  0.4514264781,  0.4437105564, -0.034299112 ,  0.0342145535,  0.3972469902,
          0.2875051388,  0.3969615549,  0.4608546205,  0.1458161877,  0.1055400491,  0.3506488953],
        [0.4608546205, 0.1458161877, 0.1055400491, 0.3506488953],
    ),
    ('lstm', 2, True, None): (
        [-0.0827411627, -0.1393074801, -0.0015342731,  0.1308623671, -0.1362812494, -0.0955622639,
         -0.0157785668,  0.1267959171, -0.1023437119, -0.1550803854,  0.0177972506,  0.1263258693,
         -0.1423269499, -0.1509540376, -0.0010193126,  0.0945263087, -0.1382497171, -0.1799044702,
          0.0249720321,  0.1213856545, -0.1298916166, -0.1627929441,  0.0156364535,  0.0450123948],
        [ 0.117640578 ,  0.054242825 , -0.0569442915,  0.0920423571, -0.0129353   , -0.0806643066,
          0.0265376381, -0.0139647786, -0.1382497171, -0.1799044702, -0.1298916166, -0.1627929441,
         -0.0015342731,  0.1308623671, -0.0157785668,  0.1267959171],
        [ 0.2309278334,  0.108305285 , -0.0954110803,  0.3139333201, -0.0265351211, -0.2227550089,
          0.0924170977, -0.0236102671, -0.2458120424, -0.3251336792, -0.2373997482, -0.3070537647,
         -0.0029513725,  0.2963546774, -0.0289567974,  0.2863972296],
    ),
    ('gru', 2, True, None): (
        [ 9.5902487798e-02,  2.5144995201e-02, -2.2700745311e-02, -1.6544699361e-01,  6.2626835367e-02,
          1.2664679981e-01, -2.6698271411e-02, -2.8788180824e-01,  1.4701942912e-01,  4.1132537302e-02,
         -2.5859412477e-02, -1.1970070487e-01,  1.0928204102e-01,  1.1902840623e-01,  2.0441606417e-03,
         -1.8355333769e-01,  1.7840688175e-01,  1.4305880047e-01, -1.4599222853e-02, -8.5238187449e-02,
          1.8644797173e-01,  1.0901306237e-01, -1.9089500338e-04, -1.1184678249e-01],
        [ 0.5429240781,  0.008223172 ,  0.2481303848,  0.1938826263, -0.331629239 , -0.2288724769,
         -0.2630081624, -0.1025994704,  0.1784068818,  0.1430588005,  0.1864479717,  0.1090130624,
         -0.0227007453, -0.1654469936, -0.0266982714, -0.2878818082],
    ),
    ('rnn_tanh', 2, True, None): (
        [ 0.0103765671,  0.1941114168, -0.3343781318,  0.0515643258, -0.0601830347,  0.228923704 ,
         -0.287461382 ,  0.0128557985, -0.0702534741,  0.129129368 , -0.2003863594,  0.1209333788,
          0.041736469 ,  0.2561405945, -0.3263751352,  0.0172805368, -0.1157854869,  0.0813380331,
         -0.0804263525,  0.0615438197, -0.0685524039,  0.2261355201, -0.1700253168,  0.0116923479],
        [-0.1387364275,  0.1700947034,  0.4906528221,  0.120995229 ,  0.5596264704, -0.4144809832,
         -0.0898854737,  0.2020570982, -0.1157854869,  0.0813380331, -0.0685524039,  0.2261355201,
         -0.3343781318,  0.0515643258, -0.287461382 ,  0.0128557985],
    ),
    ('rnn_relu', 2, True, None): (
        [0.0257870313, 0.3330036998, 0.          , 0.          , 0.0844505206, 0.2574632168,
         0.          , 0.          , 0.          , 0.1686792076, 0.          , 0.1053710803,
         0.0066475403, 0.4174206853, 0.          , 0.          , 0.          , 0.193073675 ,
         0.          , 0.          , 0.          , 0.1869544983, 0.          , 0.0779813528],
        [0.          , 0.1558347642, 0.6667638421, 0.          , 0.6849264503, 0.          ,
         0.          , 0.0906698182, 0.          , 0.193073675 , 0.          , 0.1869544983,
         0.          , 0.          , 0.          , 0.          ],
    ),
}


# LSTM with projection_size (LSTMP), mxnet 1.9.1, float64: I = 3, state_size 3, projection 2;
# the inputs as ``inputs`` makes them, with h0 of width 2 and W_h2r after each W_h2h
PROJ_H, PROJ = 3, 2
MXNET_PROJ = {
    (1, False): (
        [-0.0412380823,  0.0294849235,  0.0114969048,  0.0098217959,  0.0018587175, -0.0120220338,
         -0.0389452959,  0.0238241882,  0.0310522006,  0.0108603478,  0.0010709865, -0.0175983743],
        [ 0.0310522006,  0.0108603478,  0.0010709865, -0.0175983743],
        [ 0.0982514833,  0.0899823126, -0.1973876727,  0.0652115553, -0.1841541675,  0.1170145997],
    ),
    (2, True): (
        [ 0.0186917441,  0.0018731466, -0.0110829085,  0.0143223777, -0.0187166099,  0.0046492387,
         -0.0086572508,  0.005072682 ,  0.0087562989,  0.0042273995, -0.0053231756,  0.0165611406,
         -0.012104057 ,  0.0095821003, -0.0056297167, -0.0034776646,  0.0070960447,  0.0046571314,
         -0.0066754595,  0.0263401964, -0.0064316008,  0.0063173584,  0.006335961 , -0.0190247006],
        [ 0.0275884656,  0.0117668821, -0.0042462018, -0.0159472676,  0.036371664 , -0.0409256037,
         -0.0109869225, -0.0037151701,  0.0070960447,  0.0046571314, -0.0064316008,  0.0063173584,
         -0.0110829085,  0.0143223777, -0.0086572508,  0.005072682 ],
        [ 0.0893232604,  0.0945422436, -0.185937349 ,  0.0511617117, -0.1788217754,  0.1317876763,
         -0.0098408997,  0.2241028736, -0.1767344588,  0.1474509657, -0.1551752847,  0.0506119833,
          0.0212285771,  0.0687321465,  0.0267468398, -0.0195836978, -0.0051073435,  0.0153926918,
         -0.0013399395,  0.0526438395,  0.0378259735, -0.0298886765,  0.0096916358,  0.0160385393],
    ),
}


@pytest.mark.parametrize('case', list(MXNET_PROJ), ids=str)
def test_lstm_projection_matches_mxnet(case):
    L, bi = case
    D = 2 if bi else 1
    size = param_size('lstm', I, PROJ_H, L, bi, projection_size=PROJ)
    params = onp.sin(onp.arange(size) * 1.3) * 0.4
    x = onp.cos(onp.arange(T * N * I) * 0.7).reshape(T, N, I)
    h0 = 0.1 * onp.sin(onp.arange(L * D * N * PROJ) + 1.0).reshape(L * D, N, PROJ)
    c0 = 0.2 * onp.cos(onp.arange(L * D * N * PROJ_H)).reshape(L * D, N, PROJ_H)
    got = npx.rnn(*[np.array(a, dtype='float64') for a in (x, params, h0, c0)],
                  state_size=PROJ_H, num_layers=L, bidirectional=bi, mode='lstm',
                  projection_size=PROJ, state_outputs=True)
    shapes = [(T, N, D * PROJ), (L * D, N, PROJ), (L * D, N, PROJ_H)]
    for g, want, shape in zip(got, MXNET_PROJ[case], shapes):
        assert g.shape == shape
        onp.testing.assert_allclose(g.asnumpy().ravel(), want, rtol=1e-8, atol=1e-10)
    if case == (2, True):
        check_grads(lambda x, p, h, c: npx.rnn(x, p, h, c, state_size=PROJ_H, num_layers=L,
                                               bidirectional=bi, mode='lstm',
                                               projection_size=PROJ, state_outputs=True),
                    x, params, h0, c0)


def run(mode, L, bi, clip=None, dtype='float64', **kw):
    x, params, h0, c0 = inputs(mode, L, bi)
    args = [np.array(a, dtype=dtype) for a in (x, params, h0)]
    if mode == 'lstm':
        args.append(np.array(c0, dtype=dtype))
    if clip:
        kw.update(lstm_state_clip_min=clip[0], lstm_state_clip_max=clip[1])
    return npx.rnn(*args, state_size=H, num_layers=L, bidirectional=bi, mode=mode,
                   state_outputs=True, **kw)


@pytest.mark.parametrize('case', list(MXNET), ids=str)
def test_matches_mxnet(case):
    mode, L, bi, clip = case
    got = run(mode, L, bi, clip)
    D = 2 if bi else 1
    shapes = [(T, N, D * H), (L * D, N, H), (L * D, N, H)]
    assert len(got) == len(MXNET[case]) == (3 if mode == 'lstm' else 2)
    # MXNet 1.9.1's float64 rnn_relu agrees with ours (and PyTorch's, to 1e-12 below) only
    # to float32 precision: it must round through float32 somewhere
    rtol = 2e-6 if mode == 'rnn_relu' else 1e-8
    for g, want, shape in zip(got, MXNET[case], shapes):
        assert g.shape == shape and g.dtype == onp.float64
        onp.testing.assert_allclose(g.asnumpy().ravel(), want, rtol=rtol, atol=1e-10)


def test_float32_and_output_only():
    """Without state_outputs the output alone (an array, as MXNet); float32 stays float32."""
    x, params, h0, c0 = inputs('gru', 1, False)
    out = npx.rnn(*[np.array(a, dtype='float32') for a in (x, params, h0)], state_size=H,
                  num_layers=1, mode='gru')
    assert isinstance(out, np.ndarray) and out.dtype == onp.float32
    want = MXNET[('gru', 1, False, None)][0]
    onp.testing.assert_allclose(out.asnumpy().ravel(), want, rtol=2e-6, atol=1e-7)


# ---- PyTorch, with MXNet's packed vector re-split into torch's weights ------------------------
def _torch_module(torch, mode, L, bi, params):
    cls = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}.get(mode, torch.nn.RNN)
    kw = {} if cls is not torch.nn.RNN else {'nonlinearity': mode[4:]}
    m = cls(I, H, num_layers=L, bidirectional=bi, dtype=torch.float64, **kw)
    G = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}[mode]
    D, pos, inp, names = 2 if bi else 1, 0, I, []
    for layer in range(L):
        for d in range(D):
            sfx = f'l{layer}' + ('_reverse' if d else '')
            names.append((f'weight_ih_{sfx}', (G * H, inp)))
            names.append((f'weight_hh_{sfx}', (G * H, H)))
        inp = H * D
    for layer in range(L):
        for d in range(D):
            sfx = f'l{layer}' + ('_reverse' if d else '')
            names += [(f'bias_ih_{sfx}', (G * H,)), (f'bias_hh_{sfx}', (G * H,))]
    with torch.no_grad():
        for name, shape in names:
            size = int(onp.prod(shape))
            getattr(m, name).copy_(torch.tensor(params[pos:pos + size].reshape(shape)))
            pos += size
    assert pos == params.size
    return m


@pytest.mark.parametrize('case', [c for c in MXNET if c[3] is None], ids=str)
def test_matches_torch(case):
    torch = pytest.importorskip('torch')     # (an extra cross-check; MXNet's values above)
    mode, L, bi, _ = case
    x, params, h0, c0 = inputs(mode, L, bi)
    m = _torch_module(torch, mode, L, bi, params)
    state = (torch.tensor(h0), torch.tensor(c0)) if mode == 'lstm' else torch.tensor(h0)
    with torch.no_grad():
        out, st = m(torch.tensor(x), state)
    want = [out] + (list(st) if mode == 'lstm' else [st])
    for g, w in zip(run(mode, L, bi), want):
        onp.testing.assert_allclose(g.asnumpy(), w.numpy(), rtol=1e-12, atol=1e-14)


# ---- gradients ---------------------------------------------------------------------------------
@pytest.mark.parametrize('case', [('rnn_tanh', 2, True), ('rnn_relu', 1, False),
                                  ('lstm', 2, True), ('gru', 2, True)], ids=str)
def test_gradients_match_central_differences(case):
    """To data, the packed parameters, the initial state(s), through all outputs."""
    mode, L, bi = case
    x, params, h0, c0 = inputs(mode, L, bi)

    def f(x, params, h0, *c0):
        return npx.rnn(x, params, h0, *c0, state_size=H, num_layers=L, bidirectional=bi,
                       mode=mode, state_outputs=True)
    check_grads(f, x, params, h0, *([c0] if mode == 'lstm' else []))


# (second order: 'rnn lstm' and 'rnn gru' in tests/autograd/test_higher_order_ops.py)


def _lstm_ref(x, params, h0, c0, lo, hi):
    """One-layer LSTM in NumPy with the cell state clipped to [lo, hi] after each step."""
    G = 4 * H
    wi = params[:G * I].reshape(G, I)
    wh = params[G * I:G * I + G * H].reshape(G, H)
    bi, bh = params[G * (I + H):G * (I + H) + G], params[G * (I + H) + G:]
    sig = lambda v: 1 / (1 + onp.exp(-v))       # noqa: E731
    h, c, outs = h0[0], c0[0], []
    for t in range(x.shape[0]):
        z = x[t] @ wi.T + bi + h @ wh.T + bh
        i, f, g, o = onp.split(z, 4, axis=1)
        c = onp.clip(sig(f) * c + sig(i) * onp.tanh(g), lo, hi)
        h = sig(o) * onp.tanh(c)
        outs.append(h)
    return onp.stack(outs), h[None], c[None]


def test_lstm_state_clipping_against_numpy():
    """MXNet 1.9.1 clips LSTM states on GPUs only; here on the CPU, checked against NumPy
    (the clip really binds: some cell states exceed 0.05 unclipped)."""
    x, params, h0, c0 = inputs('lstm', 1, False)
    got = run('lstm', 1, False, clip=(-0.05, 0.05))
    for g, w in zip(got, _lstm_ref(x, params, h0, c0, -0.05, 0.05)):
        onp.testing.assert_allclose(g.asnumpy(), w, rtol=1e-12, atol=1e-15)
    assert abs(run('lstm', 1, False)[2].asnumpy()).max() > 0.05
    # and without clipping the same reference gives MXNet's values
    ref = _lstm_ref(x, params, h0, c0, -onp.inf, onp.inf)
    onp.testing.assert_allclose(ref[0].ravel(), MXNET[('lstm', 1, False, None)][0], rtol=1e-8,
                                atol=1e-10)


def test_dropout_between_layers_only_in_training():
    x, params, h0, _ = inputs('rnn_tanh', 2, False)
    args = [np.array(a, dtype='float64') for a in (x, params, h0)]
    kw = dict(state_size=H, num_layers=2, mode='rnn_tanh')
    plain = npx.rnn(*args, **kw).asnumpy()
    onp.testing.assert_array_equal(npx.rnn(*args, p=0.5, **kw).asnumpy(), plain)  # predict
    with autograd.train_mode():
        dropped = npx.rnn(*args, p=0.5, **kw).asnumpy()
    assert not onp.allclose(dropped, plain)


BAD = [
    ('mode', dict(mode='lstmx'), ValueError, ['mode', 'gru']),
    ('state_size', dict(state_size=0), ValueError, ['state_size']),
    ('num_layers', dict(num_layers=1.5), ValueError, ['num_layers']),
    ('params size', dict(parameters=onp.zeros(5)), ShapeError, ['parameters', '14']),
    ('state shape', dict(state=onp.zeros((2, 2, 2))), ShapeError, ['state', '(1, 2, 2)']),
    ('data 2-D', dict(data=onp.zeros((3, 3))), ShapeError, ['3-D', 'TNC']),
    ('data int', dict(data=onp.zeros((3, 2, 3), onp.int32)), DTypeError, ['float']),
    ('projection without lstm', dict(projection_size=2), ValueError, ['projection_size',
                                                                      'lstm']),
    ('sequence length', dict(use_sequence_length=True), NotImplementedError,
     ['sequence_length']),
    ('clip without lstm', dict(lstm_state_clip_min=-1, lstm_state_clip_max=1), ValueError,
     ['lstm']),
    ('dropout', dict(p=1.0), ValueError, ['p']),
]


@pytest.mark.parametrize('name, change, err, words', BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_a_clear_error(name, change, err, words):
    x, params, h0, _ = inputs('rnn_tanh', 1, False)
    kw = dict(data=x, parameters=params, state=h0, state_size=H, num_layers=1,
              mode='rnn_tanh')
    kw.update(change)
    with pytest.raises(err) as info:
        npx.rnn(**kw)
    for w in words:
        assert w in str(info.value), str(info.value)


def test_lstm_needs_state_cell():
    x, params, h0, _ = inputs('lstm', 1, False)
    with pytest.raises(ValueError, match='state_cell'):
        npx.rnn(np.array(x), np.array(params), np.array(h0), state_size=H, num_layers=1,
                mode='lstm')
