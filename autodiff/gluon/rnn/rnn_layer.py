"""Fused recurrent layers ``RNN``, ``LSTM``, ``GRU`` (MXNet 1.9.1's ``gluon.rnn.rnn_layer``).

Each layer keeps one set of Parameters per layer and direction, named as MXNet's
(``l0_i2h_weight``, ``l0_h2h_weight``, ``l0_i2h_bias``, ``l0_h2h_bias``, ``r0_...`` for the
reverse direction, ``l0_h2r_weight`` with an LSTM projection), and packs them on each call
into the vector ``npx.rnn`` takes (every weight, then every bias; layer by layer, left
before right).  ``layout`` 'TNC' or 'NTC'; ``states`` given or zeros from
``begin_state``; with states given the call returns ``(output, new_states)``, without
them just the output.  ``input_size=0`` leaves the first layer's input size to the first
call.  ``hybridize()`` compiles the layer for inference calls (``autograd.compile``;
training calls run eagerly, as every HybridBlock).  ``save_parameters`` uses MXNet's structural keys (``_unfused.0.i2h_weight``,
``_unfused.0.l_cell.i2h_weight`` when bidirectional), so files are interchangeable.
"""
import re

from ... import np, npx
from ...errors import ShapeError
from ...ndarray import ndarray
from ..hybrid import HybridBlock
from ._sequence import check_layout
from .rnn_cell import _state_array

__all__ = ['RNN', 'LSTM', 'GRU']

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


class _RNNLayer(HybridBlock):
    """The machinery shared by RNN, LSTM and GRU (see the module docstring)."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, mode, projection_size, h2r_weight_initializer,
                 lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan, dtype,
                 use_sequence_length=False, **kwargs):
        super().__init__(**kwargs)
        check_layout(layout, type(self).__name__)
        for name, v in (('hidden_size', hidden_size), ('num_layers', num_layers)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{type(self).__name__}: {name} must be a positive integer, "
                                 f"got {v!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), got "
                             f"{dropout!r}")
        if use_sequence_length:
            raise NotImplementedError(f"{type(self).__name__}(use_sequence_length=True): "
                                      "MXNet 1.9.1 has it with cuDNN only; pad the sequences "
                                      "and mask the outputs (or unroll a cell with "
                                      "valid_length)")
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = _GATES[mode]
        ng, ni, nh = self._gates, input_size, hidden_size
        nr = self._projection_size or nh
        for i in range(num_layers):
            for j in ['l', 'r'][:self._dir]:
                self._register_param(f'{j}{i}_i2h_weight', (ng * nh, ni),
                                     i2h_weight_initializer, dtype)
                self._register_param(f'{j}{i}_h2h_weight', (ng * nh, nr),
                                     h2h_weight_initializer, dtype)
                self._register_param(f'{j}{i}_i2h_bias', (ng * nh,), i2h_bias_initializer,
                                     dtype)
                self._register_param(f'{j}{i}_h2h_bias', (ng * nh,), h2h_bias_initializer,
                                     dtype)
                if self._projection_size:
                    self._register_param(f'{j}{i}_h2r_weight', (nr, nh),
                                         h2r_weight_initializer, dtype)
            ni = nr * self._dir

    def _register_param(self, name, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True,
                            dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self):
        s = f'{self.__class__.__name__}({{mapping}}, {self._layout}'
        if self._num_layers != 1:
            s += f', num_layers={self._num_layers}'
        if self._dropout != 0:
            s += f', dropout={self._dropout}'
        if self._dir == 2:
            s += ', bidirectional'
        s += ')'
        shape = self.l0_i2h_weight.shape
        inp = shape[1] if shape[1] > 0 else None
        return s.format(mapping=f'{inp} -> {shape[0] // self._gates}')

    def _collect_params_with_prefix(self, prefix=''):
        """MXNet's structural keys for the fused layer: ``_unfused.<layer>.<i2h|h2h>_
        <weight|bias>`` (bidirectional: ``_unfused.<layer>.<l|r>_cell....``)."""
        if prefix:
            prefix += '.'
        pattern = re.compile(r'(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z')
        bidirectional = self._dir == 2

        def convert(key):
            d, l, g, t = pattern.match(key).groups()
            if bidirectional:
                return f'_unfused.{l}.{d}_cell.{g}_{t}'
            return f'_unfused.{l}.{g}_{t}'

        ret = {prefix + convert(k): v for k, v in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def state_info(self, batch_size=0):
        """The shapes of the states (``num_layers * directions, batch, size``)."""
        raise NotImplementedError

    def cast(self, dtype):
        """Cast the parameters (and the default states) to ``dtype``."""
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size=0, func=np.zeros, **kwargs):
        """Initial states: ``func(shape=..., **kwargs)`` per ``state_info`` entry
        (zeros by default)."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info or {})
            info.update(kwargs)
            states.append(_state_array(func, f'{self.prefix}h0_{i}', info))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        if sequence_length is not None:
            raise NotImplementedError(f"{self.name}: sequence_length needs "
                                      "use_sequence_length=True, which is not supported")
        if not isinstance(inputs, ndarray):
            raise TypeError(f"{self.name}: inputs must be an autodiff ndarray, got "
                            f"{type(inputs).__name__}")
        if inputs.ndim != 3:
            raise ShapeError(f"{self.name}: inputs must be 3-D in layout {self._layout!r}, "
                             f"got shape {inputs.shape}")
        self.skip_states = states is None
        if states is None:
            batch_size = inputs.shape[self._layout.find('N')]
            states = self.begin_state(batch_size, dtype=inputs.dtype)
        if isinstance(states, ndarray):
            states = [states]
        # hybrid_forward returns the flat tuple (output, *states), which autograd.compile
        # can replay when the layer is hybridized; the states are nested again here
        out = super().__call__(inputs, *states)
        return out[0] if self.skip_states else (out[0], list(out[1:]))

    def infer_shape(self, inputs, *states):
        """The first layer's input size from the inputs' last axis."""
        for j in ['l', 'r'][:self._dir]:
            getattr(self, f'{j}0_i2h_weight').shape = (self._gates * self._hidden_size,
                                                       inputs.shape[2])

    def hybrid_forward(self, F, inputs, *states, **params):
        """Pack the parameters and run ``npx.rnn``: the tuple ``(output, *states)``."""
        batch_size = inputs.shape[self._layout.find('N')]
        info = self.state_info(batch_size)
        if len(states) != len(info):
            raise ValueError(f"{self.name}: expected {len(info)} state array(s), got "
                             f"{len(states)}")
        for state, i in zip(states, info):
            if tuple(state.shape) != tuple(i['shape']):
                raise ShapeError(f"{self.name}: Invalid recurrent state shape. Expecting "
                                 f"{i['shape']}, got {state.shape}.")
        out, new_states = self._forward_kernel(inputs, list(states), params)
        return (out, *new_states)

    def _packed(self, params):
        gates = ['i2h', 'h2h'] + (['h2r'] if self._projection_size else [])
        names = [f'{d}{l}_{g}_{t}'
                 for t in ['weight', 'bias']
                 for l in range(self._num_layers)
                 for d in ['l', 'r'][:self._dir]
                 for g in gates
                 if g != 'h2r' or t != 'bias']
        return np.concatenate([params[n].reshape(-1) for n in names], axis=0)

    def _forward_kernel(self, inputs, states, params):
        if self._layout == 'NTC':
            inputs = np.swapaxes(inputs, 0, 1)
        rnn = npx.rnn(inputs, self._packed(params), *states, state_size=self._hidden_size,
                      projection_size=self._projection_size, num_layers=self._num_layers,
                      bidirectional=self._dir == 2, p=self._dropout, state_outputs=True,
                      mode=self._mode, lstm_state_clip_min=self._lstm_state_clip_min,
                      lstm_state_clip_max=self._lstm_state_clip_max,
                      lstm_state_clip_nan=self._lstm_state_clip_nan)
        outputs, states = rnn[0], list(rnn[1:])
        if self._layout == 'NTC':
            outputs = np.swapaxes(outputs, 0, 1)
        return outputs, states


class RNN(_RNNLayer):
    """Multi-layer Elman RNN: ``h_t = activation(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)``
    with ``activation`` 'relu' (default) or 'tanh'.  States: one array
    ``(num_layers * directions, N, hidden_size)``."""

    def __init__(self, hidden_size, num_layers=1, activation='relu', layout='TNC', dropout=0,
                 bidirectional=False, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, dtype='float32', **kwargs):
        if activation not in ('relu', 'tanh'):
            raise ValueError(f"RNN: activation must be 'relu' or 'tanh', got {activation!r}")
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, 'rnn_' + activation,
                         None, None, None, None, False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        """One state ``(num_layers * directions, batch_size, hidden_size)``."""
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]


class LSTM(_RNNLayer):
    """Multi-layer LSTM (gates [i, f, g, o]); states ``[h, c]``, each
    ``(num_layers * directions, N, hidden_size)`` (h: ``projection_size`` with a
    projection, LSTMP).  ``lstm_state_clip_min``/``_max`` clip the cell state."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0,
                 bidirectional=False, input_size=0, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', projection_size=None,
                 h2r_weight_initializer=None, state_clip_min=None, state_clip_max=None,
                 state_clip_nan=False, dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, 'lstm',
                         projection_size, h2r_weight_initializer, state_clip_min,
                         state_clip_max, state_clip_nan, dtype, **kwargs)

    def state_info(self, batch_size=0):
        """``[h, c]`` shapes."""
        n = self._num_layers * self._dir
        return [{'shape': (n, batch_size, self._projection_size or self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype},
                {'shape': (n, batch_size, self._hidden_size), '__layout__': 'LNC',
                 'dtype': self._dtype}]


class GRU(_RNNLayer):
    """Multi-layer GRU (gates [r, z, n], as MXNet and cuDNN); one state
    ``(num_layers * directions, N, hidden_size)``."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0,
                 bidirectional=False, input_size=0, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, 'gru', None, None,
                         None, None, False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        """One state ``(num_layers * directions, batch_size, hidden_size)``."""
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]
