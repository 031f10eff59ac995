"""Recurrent cells (MXNet 1.9.1's ``gluon.rnn.rnn_cell``): one time step per call,
``unroll`` for a whole sequence.

A cell is called as ``output, new_states = cell(x_t, states)`` with ``x_t`` of shape
``(N, C)`` and ``states`` a list (``state_info()`` describes it).  ``RNNCell``,
``LSTMCell`` and ``GRUCell`` are written with library ops (matmul, split, sigmoid,
tanh), so their gradients come from the ops' rows, to any order; their parameters are
MXNet's ``i2h_weight`` (G*H, C), ``h2h_weight`` (G*H, H), ``i2h_bias``, ``h2h_bias``
with the gates stacked as in ``npx.rnn`` (LSTM [i, f, g, o], GRU [r, z, n]).
``input_size=0`` leaves C to the first call (deferred initialisation).

Containers (``SequentialRNNCell``, ``HybridSequentialRNNCell``, ``BidirectionalCell``)
and modifiers (``DropoutCell``, ``ZoneoutCell``, ``ResidualCell``) follow MXNet's
semantics; MXNet's ``assert`` checks are clear ``ValueError``/``RuntimeError`` here.
"""
import inspect
import math
import numbers

from ... import np, npx, autograd
from ...ndarray import ndarray
from ..block import Block, indent
from ..hybrid import HybridBlock
from ..nn.activations import LeakyReLU
from ._sequence import format_sequence, mask_sequence, reverse_sequences, sequence_last

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'DropoutCell', 'ModifierCell',
           'ZoneoutCell', 'ResidualCell', 'BidirectionalCell']


def _state_array(func, name, info):
    """Call a ``begin_state`` function MXNet's way (``func(name=..., shape=..., ...)``),
    leaving out ``name`` for functions that do not take it (``np.zeros``)."""
    info = {k: v for k, v in info.items() if k != '__layout__'}
    try:
        sig = inspect.signature(func)
        takes_name = 'name' in sig.parameters or any(
            p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    except (TypeError, ValueError):
        takes_name = False
    if takes_name:
        info['name'] = name
    return func(**info)


def _cells_state_info(cells, batch_size):
    return sum([c.state_info(batch_size) for c in cells], [])


def _cells_begin_state(cells, **kwargs):
    return sum([c.begin_state(**kwargs) for c in cells], [])


def _get_begin_state(cell, begin_state, batch_size):
    if begin_state is None:
        begin_state = cell.begin_state(batch_size=batch_size, func=np.zeros)
    return list(begin_state) if isinstance(begin_state, (list, tuple)) else [begin_state]


def _check_unmodified(cell):
    if cell._modified:
        raise RuntimeError(f"{cell.name}: after applying modifier cells (e.g. ZoneoutCell) "
                           "the base cell cannot be called directly. Call the modifier cell "
                           "instead.")


class RecurrentCell(Block):
    """Base class of recurrent cells: ``state_info``, ``begin_state``, ``unroll``.

    Subclasses define ``state_info(batch_size)`` and the step (``forward`` or, for
    HybridRecurrentCell, ``hybrid_forward(F, inputs, states, **params)``).
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Reset the step counters (``unroll`` does it before each sequence)."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            if isinstance(cell, RecurrentCell):
                cell.reset()

    def state_info(self, batch_size=0):
        """A list of ``{'shape': ..., '__layout__': ...}``, one per state array."""
        raise NotImplementedError(f"{type(self).__name__} must define state_info")

    def begin_state(self, batch_size=0, func=np.zeros, **kwargs):
        """The initial states: ``func(shape=..., **kwargs)`` for each entry of
        ``state_info(batch_size)`` (``np.zeros`` by default; MXNet also passes
        ``name='<prefix>begin_state_<i>'`` to functions that take one)."""
        _check_unmodified(self)
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info or {})
            info.update(kwargs)
            states.append(_state_array(func, f'{self._prefix}begin_state_'
                                       f'{self._init_counter}', info))
        return states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Run the cell over ``length`` steps of ``inputs`` (an array in ``layout``, or a
        list of ``(N, C)`` steps).  Returns ``(outputs, states)``: outputs merged into one
        array (``merge_outputs=True``), a list of steps (False), or as the inputs came
        (None).  ``valid_length`` (N,): outputs beyond each sequence's length are zero
        and the states are those of its last valid step."""
        self.reset()
        inputs, axis, batch_size = format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, begin_state, batch_size)
        outputs, all_states = [], []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [sequence_last(steps, valid_length) for steps in zip(*all_states)]
            outputs = mask_sequence(outputs, length, valid_length, axis, True)
        outputs, _, _ = format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F, inputs, activation, **kwargs):
        """Apply ``activation``: 'tanh', 'relu', 'sigmoid', 'softsign', another
        ``npx.activation`` name, a ``LeakyReLU`` block, or any callable."""
        func = {'tanh': np.tanh, 'relu': npx.relu, 'sigmoid': npx.sigmoid}.get(activation)
        if func is not None:
            return func(inputs)
        if isinstance(activation, str):
            return npx.activation(inputs, act_type=activation)
        if isinstance(activation, LeakyReLU):
            return npx.leaky_relu(inputs, act_type='leaky', slope=activation._alpha)
        if not callable(activation):
            raise ValueError(f"{self.name}: activation must be a name or a callable, got "
                             f"{activation!r}")
        return activation(inputs)

    def forward(self, inputs, states):
        """One step (counts the step, then runs the subclass's computation)."""
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell whose step is ``hybrid_forward(F, inputs, states, **params)``."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override this: one step."""
        raise NotImplementedError(f"{type(self).__name__} must define hybrid_forward")


def _fc(x, weight, bias):
    """``FullyConnected``: the input flattened to (N, features), times ``weight.T``."""
    if x.ndim != 2:
        x = x.reshape((x.shape[0], -1))
    return np.matmul(x, weight.T) + bias


class _GatedCell(HybridRecurrentCell):
    """The parameters and shape inference shared by RNNCell, LSTMCell and GRUCell."""

    _gates = 1

    def __init__(self, hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params):
        super().__init__(prefix=prefix, params=params)
        if isinstance(hidden_size, bool) or not isinstance(hidden_size, numbers.Integral) \
                or hidden_size < 1:
            raise ValueError(f"{type(self).__name__}: hidden_size must be a positive "
                             f"integer, got {hidden_size!r}")
        self._hidden_size = int(hidden_size)
        self._input_size = input_size
        g = self._gates * self._hidden_size
        self.i2h_weight = self.params.get('i2h_weight', shape=(g, input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get('h2h_weight', shape=(g, self._hidden_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get('i2h_bias', shape=(g,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get('h2h_bias', shape=(g,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size=0):
        """One ``(batch_size, hidden_size)`` state (LSTMCell: two)."""
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def infer_shape(self, inputs, states):
        """The input size from the first step's input (all axes but the first)."""
        self.i2h_weight.shape = (self._gates * self._hidden_size,
                                 math.prod(inputs.shape[1:]))

    def _check_states(self, states):
        n = len(self.state_info())
        if not isinstance(states, (list, tuple)) or len(states) != n:
            raise ValueError(f"{self.name}: expected a list of {n} state array(s), got "
                             f"{type(states).__name__}"
                             f"{'' if not isinstance(states, (list, tuple)) else ' of ' + str(len(states))}")

    def __repr__(self):
        shape = self.i2h_weight.shape
        mapping = f'{shape[1] if shape[1] and shape[1] > 0 else None} -> {shape[0]}'
        return f'{self.__class__.__name__}({mapping})'


class RNNCell(_GatedCell):
    """Elman cell: ``h' = activation(x W_i2h.T + b_i2h + h W_h2h.T + b_h2h)``."""

    def __init__(self, hidden_size, activation='tanh', i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, prefix=None, params=None):
        self._activation = activation
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)

    def _alias(self):
        return 'rnn'

    def __repr__(self):
        return super().__repr__()[:-1] + f', {self._activation})'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        """One step: returns ``(h', [h'])``."""
        self._check_states(states)
        out = self._get_activation(F, _fc(inputs, i2h_weight, i2h_bias)
                                   + _fc(states[0], h2h_weight, h2h_bias), self._activation)
        return out, [out]


class LSTMCell(_GatedCell):
    """LSTM cell (gates [i, f, g, o]): ``c' = f*c + i*g``, ``h' = o * activation(c')``
    with ``recurrent_activation`` (sigmoid) on i, f, o and ``activation`` (tanh) on g."""

    _gates = 4

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None, activation='tanh', recurrent_activation='sigmoid'):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def _alias(self):
        return 'lstm'

    def state_info(self, batch_size=0):
        """Two ``(batch_size, hidden_size)`` states: h and c."""
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'},
                {'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        """One step: returns ``(h', [h', c'])``."""
        self._check_states(states)
        gates = _fc(inputs, i2h_weight, i2h_bias) + _fc(states[0], h2h_weight, h2h_bias)
        i, f, g, o = np.split(gates, 4, axis=1)
        act, rec = self._activation, self._recurrent_activation
        i = self._get_activation(F, i, rec)
        f = self._get_activation(F, f, rec)
        g = self._get_activation(F, g, act)
        o = self._get_activation(F, o, rec)
        next_c = f * states[1] + i * g
        next_h = o * self._get_activation(F, next_c, act)
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """GRU cell (gates [r, z, n], as MXNet and cuDNN): ``n = tanh(x_n + r * h_n)`` with
    ``h_n = h W_h2h_n.T + b_h2h_n``, ``h' = (1 - z) * n + z * h``."""

    _gates = 3

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)

    def _alias(self):
        return 'gru'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        """One step: returns ``(h', [h'])``."""
        self._check_states(states)
        h = states[0]
        xr, xz, xn = np.split(_fc(inputs, i2h_weight, i2h_bias), 3, axis=1)
        hr, hz, hn = np.split(_fc(h, h2h_weight, h2h_bias), 3, axis=1)
        r = npx.sigmoid(xr + hr)
        z = npx.sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        next_h = (1 - z) * n + z * h
        return next_h, [next_h]


class _SequentialCellMixin:
    """``add``, indexing, stepping and unrolling of the two sequential containers."""

    def __repr__(self):
        mods = '\n'.join(f'({i}): {indent(repr(m), 2)}' for i, m in self._children.items())
        return f'{self.__class__.__name__}(\n{mods}\n)'

    def add(self, cell):
        """Append a cell; its output is the next cell's input."""
        self.register_child(cell)

    def state_info(self, batch_size=0):
        """The children's states, in order."""
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        """The children's initial states, in order."""
        _check_unmodified(self)
        return _cells_begin_state(self._children.values(), **kwargs)

    def _step(self, inputs, states):
        self._counter += 1
        next_states, p = [], 0
        for cell in self._children.values():
            if isinstance(cell, BidirectionalCell):
                raise ValueError(f"{self.name}: a BidirectionalCell cannot be stepped; use "
                                 "unroll")
            n = len(cell.state_info())
            inputs, state = cell(inputs, list(states[p:p + n]))
            p += n
            next_states.append(state)
        return inputs, sum(next_states, [])

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Unroll each child over the whole sequence in turn (see RecurrentCell.unroll)."""
        self.reset()
        inputs, _, batch_size = format_sequence(length, inputs, layout, None)
        num_cells = len(self._children)
        begin_state = _get_begin_state(self, begin_state, batch_size)
        p, next_states = 0, []
        for i, cell in enumerate(self._children.values()):
            n = len(cell.state_info())
            states = begin_state[p:p + n]
            p += n
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=states,
                                         layout=layout,
                                         merge_outputs=None if i < num_cells - 1
                                         else merge_outputs,
                                         valid_length=valid_length)
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, i):
        return self._children[str(i)]

    def __len__(self):
        return len(self._children)


class SequentialRNNCell(_SequentialCellMixin, RecurrentCell):
    """Stacks recurrent cells: ``cell(x, states)`` steps through them in order."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs, states):
        return self._step(inputs, states)


class HybridSequentialRNNCell(_SequentialCellMixin, HybridRecurrentCell):
    """Stacks HybridRecurrentCells (as SequentialRNNCell)."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs, states):
        return self._step(inputs, states)

    def hybrid_forward(self, F, inputs, states):
        """One step through every child."""
        return self._step(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs (``rate``; ``axes`` share one draw), in training mode only;
    no states."""

    def __init__(self, rate, axes=(), prefix=None, params=None):
        super().__init__(prefix, params)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
            raise ValueError(f"DropoutCell: rate must be a number, got {rate!r}")
        if not 0 <= rate <= 1:
            raise ValueError(f"DropoutCell: rate must be in [0, 1], got {rate}")
        self._rate = rate
        self._axes = tuple(axes)

    def __repr__(self):
        return f'{self.__class__.__name__}(rate={self._rate}, axes={self._axes})'

    def _alias(self):
        return 'dropout'

    def state_info(self, batch_size=0):
        """No states."""
        return []

    def hybrid_forward(self, F, inputs, states):
        """Dropout on ``inputs``; the states pass through."""
        if self._rate > 0:
            inputs = npx.dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Dropout on the whole sequence at once when it comes as one array."""
        self.reset()
        inputs, _, _ = format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, ndarray):
            return self.hybrid_forward(None, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=None)


class ModifierCell(HybridRecurrentCell):
    """Base of cells that wrap another cell (``base_cell``) and change its step; they
    share its parameters and states.  A cell can be modified once."""

    def __init__(self, base_cell):
        if base_cell._modified:
            raise ValueError(f"Cell {base_cell.name} is already modified. One cell cannot be "
                             "modified twice")
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        """The base cell's parameters."""
        return self.base_cell.params

    def state_info(self, batch_size=0):
        """The base cell's states."""
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=np.zeros, **kwargs):
        """The base cell's initial states."""
        _check_unmodified(self)
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F, inputs, states):
        """Override this: the modified step."""
        raise NotImplementedError(f"{type(self).__name__} must define hybrid_forward")

    def __repr__(self):
        return f'{self.__class__.__name__}({self.base_cell!r})'


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al. 2016): in training mode each output / state element keeps
    its previous value with probability ``zoneout_outputs`` / ``zoneout_states``."""

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        if isinstance(base_cell, BidirectionalCell):
            raise ValueError("BidirectionalCell doesn't support zoneout since it doesn't "
                             "support step. Please add ZoneoutCell to the cells underneath "
                             "instead.")
        for name, p in (('zoneout_outputs', zoneout_outputs),
                        ('zoneout_states', zoneout_states)):
            if not 0 <= p <= 1:
                raise ValueError(f"ZoneoutCell: {name} must be in [0, 1], got {p}")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self):
        return (f'{self.__class__.__name__}(p_out={self.zoneout_outputs}, '
                f'p_state={self.zoneout_states}, {self.base_cell!r})')

    def _alias(self):
        return 'zoneout'

    def reset(self):
        """Reset the counters and forget the previous output."""
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F, inputs, states):
        """One step of the base cell, then zoneout on its output and states."""
        next_output, next_states = self.base_cell(inputs, states)
        training = autograd.is_training()

        def zone(p, new, old):
            if p == 0 or not training:
                return new
            keep = np.random.uniform(0, 1, new.shape) >= p
            return np.where(keep, new, old)

        prev = self._prev_output
        if prev is None:
            prev = np.zeros_like(next_output)
        output = zone(self.zoneout_outputs, next_output, prev)
        states = [zone(self.zoneout_states, new, old)
                  for new, old in zip(next_states, states)]
        self._prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (He et al. 2016): ``y = cell(x) + x``."""

    def __init__(self, base_cell):
        super().__init__(base_cell)

    def hybrid_forward(self, F, inputs, states):
        """One step of the base cell plus the input."""
        output, states = self.base_cell(inputs, states)
        return output + inputs, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Unroll the base cell, then add the (masked) inputs."""
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                    begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs,
                                                    valid_length=valid_length)
        finally:
            self.base_cell._modified = True
        merge_outputs = isinstance(outputs, ndarray) if merge_outputs is None \
            else merge_outputs
        inputs, axis, _ = format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = mask_sequence(inputs, length, valid_length, axis, merge_outputs)
        if merge_outputs:
            return outputs + inputs, states
        return [o + i for o, i in zip(outputs, inputs)], states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forwards and ``r_cell`` backwards over the sequence and
    concatenates their outputs (features axis); only ``unroll`` (no stepping)."""

    def __init__(self, l_cell, r_cell, output_prefix='bi_'):
        super().__init__(prefix='', params=None)
        self.register_child(l_cell, 'l_cell')
        self.register_child(r_cell, 'r_cell')
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self):
        return (f"{self.__class__.__name__}(forward={self._children['l_cell']!r}, "
                f"backward={self._children['r_cell']!r})")

    def state_info(self, batch_size=0):
        """The left cell's states, then the right cell's."""
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        """The left cell's initial states, then the right cell's."""
        _check_unmodified(self)
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Unroll both directions; outputs ``concat(left, right)`` per step."""
        self.reset()
        inputs, axis, batch_size = format_sequence(length, inputs, layout, False)
        reversed_inputs = reverse_sequences(inputs, length, valid_length)
        states = _get_begin_state(self, begin_state, batch_size)
        l_cell, r_cell = self._children.values()
        nl = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:nl],
                                            layout=layout, merge_outputs=merge_outputs,
                                            valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=reversed_inputs,
                                            begin_state=states[nl:], layout=layout,
                                            merge_outputs=False, valid_length=valid_length)
        reversed_r = reverse_sequences(r_outputs, length, valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, ndarray)
            l_outputs, _, _ = format_sequence(None, l_outputs, layout, merge_outputs)
            reversed_r, _, _ = format_sequence(None, reversed_r, layout, merge_outputs)
        if merge_outputs:
            if not isinstance(reversed_r, ndarray):
                reversed_r = np.stack(reversed_r, axis=axis)
            outputs = np.concatenate([l_outputs, reversed_r], axis=2)
        else:
            outputs = [np.concatenate([lo, ro], axis=1)
                       for lo, ro in zip(l_outputs, reversed_r)]
        if valid_length is not None:
            outputs = mask_sequence(outputs, length, valid_length, axis, merge_outputs)
        return outputs, l_states + r_states
