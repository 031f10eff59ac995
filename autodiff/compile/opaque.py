"""Ops outside the compiler's table as opaque steps: the op's own eager code, unrecorded.

A tape node of an op listed in ``FORWARDS`` is lowered to one ``opaque`` value: on replay it
calls the op's eager forward on the step's inputs (``forward(datas, attrs) -> (data,
attrs)``: the recorded attrs give the static parameters, and the returned attrs are what
the op's backward rule reads, e.g. pooling's argmax or a normalization's batch statistics,
recomputed on every call).  Its adjoint is one ``opaque_grad`` value per input: the first
one that runs calls the op's eager backward rule (unrecorded, on a fresh ``Node`` holding
this call's inputs, output and attrs) for every input the program needs, the others pick
their part.  The fused loops around these steps stay fused.

Two declarations extend the protocol, one rule each:

- ``RANDOM``: ops whose forward draws from ``np.random``'s generator.  Their opaque forward
  draws afresh on every replay (a new dropout mask, as MXNet's hybridized dropout), and
  its attrs (the mask) are what the backward reads.  A program that replays a forward twice (the check against the
  recording call) repeats the draws of the run it repeats with
  ``replay_draws(generator_state())``; a call inside ``record()`` keeps its masks among
  the residuals its backward half reads;
- ``WRITES``: the positions of inputs an op's backward writes in place (a training-mode
  ``batch_norm`` updates its running statistics, inputs 3 and 4, as MXNet 1.9.1 does in
  backward).  ``lower`` takes these only when they are inputs of the program (the
  caller's arrays, so the program writes into them at the point the eager backward
  would); under ``replay_draws(..., write_state=False)`` (a check run, a traced backward
  that is not the call's own) the written arrays are restored afterwards.

``np.random``'s continuous draws (``random_normal``..., the rows of
``ops/random_ops.DISTS``; ``beta`` and ``chisquare`` are drawn through ``gamma``) are
``RANDOM`` ops too: their opaque forward draws fresh noise (attrs: the noise) in the dtype
of the recorded output (``forward_of``).  Under a recording they are op applications
whatever their parameters: with history on the tape, without it (numbers, constants) off
the tape, where ``lower`` takes them in the order they were drawn (``Trace.draws``).

Not taken (``refusal``): ops listed in ``REFUSED`` and ops absent from ``FORWARDS``.
A ``WRITES`` input that another step of the same program reads after the backward's write
would see the new value (eager mode's order too, but not checked).
"""
import contextlib
import threading

import numpy as _onp

from .. import random as _random
from .._state import state
from ..ndarray import wrap
from ..ops import activation, conv_pool, dense, dropout, norm, random_ops, special
from ..ops.conv import Geometry, conv_data, conv_transpose_data
from ..ops.pool import Pool, _forward_data
from ..tape import Node


def _elementwise(run_name):
    """Forward of an op made by ``ops.special.elementwise`` (attrs: its parameters)."""
    def forward(datas, attrs):
        fn = getattr(activation, run_name, None) or getattr(special, run_name)
        y = fn(wrap(datas[0]), *(attrs or ()))
        return y._data, attrs
    return forward


def _convolution(datas, attrs):
    g = Geometry(*attrs[:len(Geometry._fields)])
    return conv_data(datas[0], datas[1], datas[2] if len(datas) > 2 else None, g), attrs


def _deconvolution(datas, attrs):
    n = len(Geometry._fields)
    g = Geometry(*attrs[:n])
    return conv_transpose_data(datas[0], datas[1], datas[2] if len(datas) > 2 else None, g,
                               attrs[n]), attrs


def _pooling(datas, attrs, relu=False):
    n = len(Pool._fields)
    y, idx = _forward_data(datas[0], Pool(*attrs[:n]), relu)
    return y, tuple(attrs[:n]) + (idx,) + tuple(attrs[n + 1:])


def _conv_relu_pooling(datas, attrs):
    """Convolution (+ bias), relu and max pooling in one pass per piece of samples
    (``ops/conv_pool``; ``window_fusion`` puts it where nothing else reads the two
    intermediates)."""
    ng, n = len(Geometry._fields), len(Geometry._fields) + len(Pool._fields)
    y, idx = conv_pool.forward_data(datas[0], datas[1], datas[2] if len(datas) > 2 else None,
                                    Geometry(*attrs[:ng]), Pool(*attrs[ng:n]))
    return y, tuple(attrs[:n]) + (idx,)


def _relu_pooling(datas, attrs):
    """Max pooling of the relu of ``datas[0]`` (``ops/pool.relu_pool``; ``window_fusion``
    puts it where a program pools a relu nothing else reads)."""
    return _pooling(datas, attrs, relu=True)


def _norm_forward(name):
    """Forward of a normalization that uses its batch's statistics (recomputed here)."""
    def forward(datas, attrs):
        prefix = tuple(attrs[:-6])
        shape3, stat_shape, _mean, _inv, _fixed, fix_gamma = attrs[-6:]
        eps = prefix[norm._EPS_INDEX[name]]
        x, gamma, beta = (wrap(d) for d in datas)
        y, mean, _var, inv = norm._normalize(norm._layer_norm_op, x, gamma, beta, shape3,
                                             stat_shape, eps, prefix, None, fix_gamma)
        return y._data, prefix + (shape3, stat_shape, mean, inv, False, fix_gamma)
    return forward


def _batch_norm(datas, attrs):
    """Batch norm on this call's data and running statistics (inputs 3 and 4)."""
    y, new_attrs, _mean, _inv = norm.batch_norm_apply(*(wrap(d) for d in datas), attrs[:6])
    return y._data, new_attrs


def _dropout(datas, attrs):
    """Dropout with a mask drawn now (an active dropout: predict mode records a copy)."""
    y, new_attrs = dropout.dropout_apply(wrap(datas[0]), attrs[:3])
    return y._data, new_attrs


def _embedding(datas, attrs):
    """Rows of the weight picked by this call's indices (float tokens, MXNet's habit, or integers)."""
    vocab, dim = attrs[0], attrs[1]
    index = dense.clipped_indices(datas[0], vocab)
    return datas[1][index], (vocab, dim, index)


def _redraw(name):
    """Forward of a reparameterised ``np.random.<name>`` draw with array parameters: fresh
    noise of the recorded noise's shape (attrs: the noise, what the backward reads), the
    draw in the recorded output's ``dtype`` (``forward_of`` gives it)."""
    def forward(datas, attrs, dtype):
        y, noise = random_ops.redraw(name, _random._rng, datas, attrs[0].shape, dtype)
        return y, (noise,)
    return forward


# op name -> forward(datas, recorded attrs) -> (output data, attrs for the backward rule)
FORWARDS = {
    'batch_norm': _batch_norm,
    'dropout': _dropout,
    'convolution': _convolution,
    'deconvolution': _deconvolution,
    'embedding': _embedding,
    'pooling': _pooling,
    'relu_pooling': _relu_pooling,
    'conv_relu_pooling': _conv_relu_pooling,
    'layer_norm': _norm_forward('layer_norm'),
    'instance_norm': _norm_forward('instance_norm'),
    'group_norm': _norm_forward('group_norm'),
}
for _name, _fn in (('softrelu', 'softrelu'), ('softsign', 'softsign'),
                   ('leaky_relu', '_leaky'), ('elu', '_elu'), ('selu', '_selu'),
                   ('gelu', '_gelu'), ('smooth_l1', '_smooth_l1'), ('erf', 'erf'),
                   ('erfinv', 'erfinv'), ('gamma', 'gamma'), ('gammaln', 'gammaln'),
                   ('digamma', 'digamma'), ('polygamma', '_polygamma')):
    FORWARDS[_name] = _elementwise(_fn)

def _mvn_redraw(datas, attrs, dtype):
    """Forward of ``np.random.multivariate_normal(mean, cov)``: fresh noise of the recorded
    noise's shape (attrs: the noise), the draw in the recorded output's dtype."""
    y, z = random_ops.mvn_redraw(_random._rng, datas, attrs[0].shape, dtype)
    return y, (z,)


# np.random's reparameterised draws (random_ops.DISTS, and the multivariate normal):
# forward(datas, attrs, dtype)
DRAWS = {'random_' + _name: _name for _name in random_ops.DISTS}
for _op, _name in DRAWS.items():
    FORWARDS[_op] = _redraw(_name)
DRAWS['random_multivariate_normal'] = 'multivariate_normal'
FORWARDS['random_multivariate_normal'] = _mvn_redraw

# ops whose opaque forward draws from np.random's generator on every replay
RANDOM = frozenset({'dropout'} | set(DRAWS))

# op name -> positions of the inputs its backward writes in place (state, not gradients)
WRITES = {'batch_norm': (3, 4)}

# ops that stay eager, and why
REFUSED = {
    'prod': "no opaque forward is registered for it",
}


def forward_of(name, dtype):
    """The opaque forward ``forward(datas, attrs)`` of op ``name`` whose output has
    ``dtype`` (a random draw's forward is told the dtype its node recorded)."""
    forward = FORWARDS[name]
    if name in DRAWS:
        return lambda datas, attrs: forward(datas, attrs, dtype)
    return forward


def draws(name):
    """Whether op ``name``'s opaque forward draws from ``np.random``'s generator."""
    return name in RANDOM


def refusal(node):
    """Why the tape node ``node`` cannot be an opaque step (None when it can)."""
    name = node.op.name
    if name in REFUSED:
        return REFUSED[name]
    if name == 'embedding':
        if len(node.inputs) != 2:
            return ("it gathers rows at indices fixed when it was recorded (a backward "
                    "recorded under create_graph)")
    if name not in FORWARDS:
        return "no opaque forward is registered for it"
    return None


class Unrecorded:
    """Run eager library code with recording and the tracer off (restored afterwards)."""

    def __enter__(self):
        self.saved = state.recording, state.tracer
        state.recording, state.tracer = False, None

    def __exit__(self, *exc):
        state.recording, state.tracer = self.saved


def run_forward(op, forward, datas, attrs):
    """This call's (output, attrs) of the opaque step."""
    with Unrecorded():
        y, new_attrs = forward(datas, attrs)
    return _onp.ascontiguousarray(y), new_attrs


def run_backward(op, datas, out, attrs, g, needs):
    """The op's eager backward rule on this call's values: one gradient (NumPy) or None per
    input (None where ``needs`` is false; the inputs ``WRITES`` lists are written in
    place, as eagerly)."""
    with Unrecorded(), kept_state(op, datas):
        node = Node(op, [wrap(d) for d in datas], (out,), attrs)
        grads = op.backward(node, [wrap(g)], tuple(needs))
    return [None if not need else _onp.zeros(d.shape, d.dtype) if r is None
            else _onp.ascontiguousarray(r._data, dtype=d.dtype)
            for r, d, need in zip(grads, datas, needs)]


# ---- random draws and state writes on replay ---------------------------------------------
_local = threading.local()


def generator_state():
    """The state of ``np.random``'s generator now (for ``replay_draws``)."""
    return _random._rng.bit_generator.state


@contextlib.contextmanager
def replay_draws(rng_state, write_state=True):
    """Run a replay that repeats the draws made from ``rng_state`` (None: draw on), leaving
    the generator as it was on entry; ``write_state=False``: the arrays ``WRITES`` lists
    are restored after each backward step (a check run, or a traced backward that is not
    the call's own)."""
    saved = _random._rng.bit_generator.state if rng_state is not None else None
    dry = getattr(_local, 'dry', False)
    try:
        if rng_state is not None:
            _random._rng.bit_generator.state = rng_state
        _local.dry = dry or not write_state
        yield
    finally:
        _local.dry = dry
        if saved is not None:
            _random._rng.bit_generator.state = saved


@contextlib.contextmanager
def kept_state(op, datas):
    """Around an op's backward: under ``replay_draws(..., write_state=False)``, restore the
    arrays (NumPy buffers or ``ndarray``s) at the positions ``WRITES`` lists for it."""
    where = WRITES.get(op.name)
    if not where or not getattr(_local, 'dry', False):
        yield
        return
    bufs = [getattr(datas[i], '_data', datas[i]) for i in where]
    copies = [b.copy() for b in bufs]
    try:
        yield
    finally:
        for b, c in zip(bufs, copies):
            b[...] = c
