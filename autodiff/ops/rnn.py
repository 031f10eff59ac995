"""``npx.rnn``: MXNet 1.9.1's fused RNN operator (rnn_relu, rnn_tanh, lstm, gru; stacked,
bidirectional; layout TNC), written with library ops so it is differentiable to any order.

The packed ``parameters`` vector has MXNet's (and cuDNN's) layout: first every weight, for
each layer, for each direction (left-to-right, then right-to-left), ``W_i2h`` (G*H, in)
then ``W_h2h`` (G*H, H) (then ``W_h2r`` with a projection); then every bias in the same order, ``b_i2h`` (G*H,) then
``b_h2h`` (G*H,).  Gates are stacked as LSTM [i, f, g, o] and GRU [r, z, n] (as PyTorch).
The input projection of all time steps is one matmul per layer and direction; each step
then adds ``h @ W_h2h.T``.
"""
import numbers

import numpy as _onp

from .. import random as _random
from .._state import state as _state
from ..errors import ShapeError, DTypeError
from .binary import clip
from .convert import as_array
from .linalg import matmul
from .shape import concatenate, split, stack
from .unary import relu, sigmoid, tanh

GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def _weight_shapes(mode, input_size, h, num_layers, dirs, proj):
    """Per (layer, direction): the weight shapes in packing order (i2h, h2h[, h2r])."""
    g, r = GATES[mode], proj or h
    shapes, inp = [], input_size
    for _ in range(num_layers):
        for _ in range(dirs):
            shapes.append([(g * h, inp), (g * h, r)] + ([(proj, h)] if proj else []))
        inp = r * dirs
    return shapes


def param_size(mode, input_size, state_size, num_layers=1, bidirectional=False,
               projection_size=None):
    """Length of the packed parameter vector ``npx.rnn`` expects."""
    shapes = _weight_shapes(mode, input_size, state_size, num_layers,
                            2 if bidirectional else 1, projection_size)
    g = GATES[mode]
    return sum(a * b for ws in shapes for a, b in ws) + len(shapes) * 2 * g * state_size


def _unpack(params, mode, input_size, h, num_layers, dirs, proj):
    """Per (layer, direction): [W_i2h, W_h2h, b_i2h, b_h2h, W_h2r or None], slices of
    ``params``."""
    g = GATES[mode]
    out, pos = [], 0
    for ws in _weight_shapes(mode, input_size, h, num_layers, dirs, proj):
        arrays = []
        for shape in ws:
            arrays.append(params[pos:pos + shape[0] * shape[1]].reshape(shape))
            pos += shape[0] * shape[1]
        out.append(arrays)
    for arrays in out:
        wr = arrays.pop() if proj else None
        arrays += [params[pos:pos + g * h], params[pos + g * h:pos + 2 * g * h], wr]
        pos += 2 * g * h
    return out


def _cell(mode, xw, hh, h, c, clip_range, wrT):
    """One step: ``xw`` = x W_i2h.T + b_i2h, ``hh`` = h W_h2h.T + b_h2h -> (h, c)."""
    if mode == 'rnn_tanh':
        return tanh(xw + hh), None
    if mode == 'rnn_relu':
        return relu(xw + hh), None
    if mode == 'lstm':
        i, f, gg, o = split(xw + hh, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * tanh(gg)
        if clip_range is not None:
            c = clip(c, *clip_range)
        h = sigmoid(o) * tanh(c)
        return (h if wrT is None else matmul(h, wrT)), c
    xr, xz, xn = split(xw, 3, axis=1)
    hr, hz, hn = split(hh, 3, axis=1)
    r = sigmoid(xr + hr)
    z = sigmoid(xz + hz)
    n = tanh(xn + r * hn)
    return (1 - z) * n + z * h, None


def _direction(mode, x, weights, h, c, reverse, clip_range):
    """Run one layer in one direction over ``x`` (T, N, in): outputs (T, N, H), h, c."""
    wi, wh, bi, bh, wr = weights
    wrT = None if wr is None else wr.T
    T, N = x.shape[0], x.shape[1]
    xw = (matmul(x.reshape((T * N, x.shape[2])), wi.T) + bi).reshape((T, N, wi.shape[0]))
    whT = wh.T
    outs = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        h, c = _cell(mode, xw[t], matmul(h, whT) + bh, h, c, clip_range, wrT)
        outs[t] = h
    return stack(outs, axis=0), h, c


def _positive_int(name, v):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise ValueError(f"rnn: {name} must be a positive integer, got {v!r}")
    return int(v)


def rnn(data, parameters, state, state_cell=None, sequence_length=None, state_size=None,
        num_layers=None, bidirectional=False, mode=None, p=0.0, state_outputs=False,
        projection_size=None, lstm_state_clip_min=None, lstm_state_clip_max=None,
        lstm_state_clip_nan=False, use_sequence_length=False):
    """MXNet 1.9.1's fused recurrent layer (``npx.rnn``), layout TNC.

    ``data`` (T, N, I); ``parameters`` the packed vector (see the module docstring and
    ``param_size``); ``state`` (and for LSTM ``state_cell``) of shape
    (num_layers * directions, N, state_size).  Returns the output (T, N, directions *
    state_size), or with ``state_outputs=True`` the list [output, h_n] ([output, h_n, c_n]
    for LSTM).  LSTM ``projection_size`` P (LSTMP): h = (o * tanh(c)) W_h2r.T, so h, the
    state and the output have P features (the cell keeps state_size); each direction's
    ``W_h2r`` (P, state_size) follows its ``W_h2h`` in the packed vector (no bias).  ``p`` is dropout on the outputs of every layer but the last, in training
    only.  LSTM state clipping (``lstm_state_clip_min``/``_max``) clips the cell state
    after each step (MXNet 1.9.1 does that on GPUs only).  Not supported (clear errors):
    ``use_sequence_length`` (cuDNN-only in MXNet 1.9.1), ``lstm_state_clip_nan``.
    """
    if mode not in GATES:
        raise ValueError(f"rnn: mode must be one of {sorted(GATES)}, got {mode!r}")
    h_size = _positive_int('state_size', state_size)
    layers = _positive_int('num_layers', num_layers)
    proj = None
    if projection_size is not None:
        if mode != 'lstm':
            raise ValueError("rnn: projection_size works with mode='lstm' only")
        proj = _positive_int('projection_size', projection_size)
    if use_sequence_length or sequence_length is not None:
        raise NotImplementedError("rnn: use_sequence_length / sequence_length is not "
                                  "supported (MXNet 1.9.1 has it with cuDNN only); pad the "
                                  "sequences and mask the outputs")
    if lstm_state_clip_nan:
        raise NotImplementedError("rnn: lstm_state_clip_nan is not supported")
    clip_range = None
    if lstm_state_clip_min is not None or lstm_state_clip_max is not None:
        if mode != 'lstm' or lstm_state_clip_min is None or lstm_state_clip_max is None:
            raise ValueError("rnn: lstm_state_clip_min and lstm_state_clip_max go together, "
                             "and only with mode='lstm'")
        clip_range = (float(lstm_state_clip_min), float(lstm_state_clip_max))
    if not 0 <= p < 1:
        raise ValueError(f"rnn: dropout p must lie in [0, 1), got {p!r}")
    x, params, h0 = as_array(data), as_array(parameters), as_array(state)
    dirs = 2 if bidirectional else 1
    if x.ndim != 3:
        raise ShapeError(f"rnn: data must be 3-D (T, N, C) (layout TNC), got shape {x.shape}")
    if x.dtype.kind != 'f':
        raise DTypeError(f"rnn: data must be a float array, got {x.dtype}")
    T, N, I = x.shape
    want = param_size(mode, I, h_size, layers, bidirectional, proj)
    if params.shape != (want,):
        raise ShapeError(f"rnn: parameters must be a vector of {want} values for mode "
                         f"{mode!r}, input size {I}, state_size {h_size}, num_layers "
                         f"{layers}, bidirectional={bool(bidirectional)}, projection_size "
                         f"{proj}; got shape {params.shape}")
    sshape = (layers * dirs, N, proj or h_size)
    if h0.shape != sshape:
        raise ShapeError(f"rnn: state must have shape {sshape} (num_layers * directions, "
                         f"batch, state_size), got {h0.shape}")
    c0 = None
    if mode == 'lstm':
        if state_cell is None:
            raise ValueError("rnn: mode 'lstm' needs state_cell")
        c0 = as_array(state_cell)
        cshape = (layers * dirs, N, h_size)
        if c0.shape != cshape:
            raise ShapeError(f"rnn: state_cell must have shape {cshape}, got {c0.shape}")
    weights = _unpack(params, mode, I, h_size, layers, dirs, proj)
    hs, cs, inp = [], [], x
    for layer in range(layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            o, h, c = _direction(mode, inp, weights[k], h0[k], None if c0 is None else c0[k],
                                 d == 1, clip_range)
            outs.append(o)
            hs.append(h)
            cs.append(c)
        inp = outs[0] if dirs == 1 else concatenate(outs, axis=2)
        if p > 0 and _state.training and layer < layers - 1:
            keep = _random.uniform(0, 1, inp.shape, dtype=inp.dtype)._data >= p
            inp = inp * (keep.astype(inp.dtype) / (1 - p))
    if not state_outputs:
        return inp
    res = [inp, stack(hs, axis=0)]
    if mode == 'lstm':
        res.append(stack(cs, axis=0))
    return res
