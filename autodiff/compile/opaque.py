"""Ops outside the compiler's table as opaque steps: the op's own eager code, unrecorded.

A tape node of an op listed in ``FORWARDS`` is lowered to one ``opaque`` value: on replay it
calls the op's eager forward on the step's inputs (``forward(datas, attrs) -> (data,
attrs)``: the recorded attrs give the static parameters, and the returned attrs are what
the op's backward rule reads, e.g. pooling's argmax or a normalization's batch statistics,
recomputed on every call).  Its adjoint is one ``opaque_grad`` value per input: the first
one that runs calls the op's eager backward rule (unrecorded, on a fresh ``Node`` holding
this call's inputs, output and attrs) for every input the program needs, the others pick
their part.  The fused loops around these steps stay fused.

Not taken (``refusal``): random ops (dropout: a replay would repeat the mask), ops whose
eager code writes state (a training-mode ``batch_norm`` updates the running statistics in
its backward) or reads arrays that are not its inputs (an inference-mode ``batch_norm``
reads the running statistics outside the tape), and ops absent from ``FORWARDS``.
"""
import numpy as _onp

from .._state import state
from ..ndarray import wrap
from ..ops import activation, norm, special
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


def _pooling(datas, attrs):
    n = len(Pool._fields)
    y, idx = _forward_data(datas[0], Pool(*attrs[:n]))
    return y, tuple(attrs[:n]) + (idx,) + tuple(attrs[n + 1:])


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


# op name -> forward(datas, recorded attrs) -> (output data, attrs for the backward rule)
FORWARDS = {
    'convolution': _convolution,
    'deconvolution': _deconvolution,
    'pooling': _pooling,
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

# ops that stay eager, and why
REFUSED = {
    'dropout': "it draws a random mask (a replay would repeat the recorded one)",
    'embedding': "its indices are integers (the compiler takes float and bool inputs)",
    'prod': "no opaque forward is registered for it",
}


def refusal(node):
    """Why the tape node ``node`` cannot be an opaque step (None when it can)."""
    name = node.op.name
    if name == 'batch_norm':
        if node.attrs[6] is not None:
            return ("batch_norm in training mode updates the running statistics in its "
                    "backward (state a replay would not write)")
        return ("batch_norm with running statistics reads them outside the tape (a replay "
                "would reuse the recorded ones)")
    if name in REFUSED:
        return REFUSED[name]
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
    input."""
    with Unrecorded():
        node = Node(op, [wrap(d) for d in datas], (out,), attrs)
        grads = op.backward(node, [wrap(g)], tuple(needs))
    return [_onp.zeros(d.shape, d.dtype) if r is None
            else _onp.ascontiguousarray(r._data, dtype=d.dtype) for r, d in zip(grads, datas)]
