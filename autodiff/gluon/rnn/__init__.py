"""``gluon.rnn``: recurrent layers (``RNN``, ``LSTM``, ``GRU`` on the fused ``npx.rnn``)
and cells (``RNNCell``, ``LSTMCell``, ``GRUCell``, containers and modifiers) with
``unroll`` — MXNet 1.9.1's names and arguments."""
from .rnn_cell import (RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell,  # noqa: F401
                       GRUCell, SequentialRNNCell, HybridSequentialRNNCell, DropoutCell,
                       ModifierCell, ZoneoutCell, ResidualCell, BidirectionalCell)
from .rnn_layer import RNN, LSTM, GRU  # noqa: F401
