"""Sequence helpers of ``unroll``: splitting and merging along the time axis, masking,
reversing and picking the last valid step of variable-length sequences.

MXNet 1.9.1 does these with legacy operators (``split``, ``SequenceMask``,
``SequenceLast``, ``SequenceReverse``), which fail on numpy arrays in numpy mode; here they
are library ops (``stack``, ``npx.sequence_mask``, indexing), so every path is
differentiable.
"""
import numpy as _onp

from ... import np, npx
from ...ndarray import ndarray

__all__ = ['format_sequence', 'mask_sequence', 'reverse_sequences', 'sequence_last',
           'check_layout']


def check_layout(layout, who):
    """``layout`` must be 'TNC' or 'NTC' (the two MXNet's recurrent code accepts)."""
    if layout not in ('TNC', 'NTC'):
        raise ValueError(f"{who}: layout must be 'TNC' or 'NTC', got {layout!r}")
    return layout


def format_sequence(length, inputs, layout, merge, in_layout=None):
    """Bring ``inputs`` (one array with a time axis, or a list of per-step arrays) to the
    form ``merge`` asks for: True -> one array in ``layout``, False -> a list of
    ``(N, C)`` steps, None -> as given.  Returns ``(inputs, time_axis, batch_size)``."""
    if inputs is None:
        raise ValueError("unroll: inputs must be given (an array or a list of arrays)")
    check_layout(layout, 'unroll')
    axis = layout.find('T')
    in_axis = in_layout.find('T') if in_layout is not None else axis
    if isinstance(inputs, ndarray):
        batch_size = inputs.shape[layout.find('N')]
        if length is not None and length != inputs.shape[in_axis]:
            raise ValueError(f"unroll: length={length} but the inputs have "
                             f"{inputs.shape[in_axis]} steps along axis {in_axis} "
                             f"(shape {inputs.shape}, layout {layout!r})")
        if merge is False:
            return [inputs[(slice(None),) * in_axis + (t,)]
                    for t in range(inputs.shape[in_axis])], axis, batch_size
    else:
        inputs = list(inputs)
        if not inputs:
            raise ValueError("unroll: inputs is an empty list")
        if length is not None and len(inputs) != length:
            raise ValueError(f"unroll: length={length} but {len(inputs)} input steps given")
        batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = np.stack(inputs, axis=axis)
            in_axis = axis
    if isinstance(inputs, ndarray) and axis != in_axis:
        inputs = np.swapaxes(inputs, axis, in_axis)
    return inputs, axis, batch_size


def _lengths(valid_length, batch, steps):
    v = valid_length.asnumpy() if isinstance(valid_length, ndarray) else \
        _onp.asarray(valid_length)
    v = v.astype(_onp.int64).reshape(-1)
    if v.shape != (batch,):
        raise ValueError(f"unroll: valid_length must hold one length per sequence "
                         f"({batch}), got shape {_onp.shape(valid_length)}")
    if (v < 1).any() or (v > steps).any():
        raise ValueError(f"unroll: valid_length values must lie in [1, {steps}], got {v}")
    return v


def mask_sequence(data, length, valid_length, time_axis, merge):
    """Zero the steps at or beyond each sequence's ``valid_length`` (``SequenceMask``)."""
    if not isinstance(data, ndarray):
        data = np.stack(list(data), axis=time_axis)
    vl = valid_length if isinstance(valid_length, ndarray) else np.array(valid_length)
    out = npx.sequence_mask(data, sequence_length=vl, use_sequence_length=True,
                            axis=time_axis)
    if not merge:
        out = [out[(slice(None),) * time_axis + (t,)] for t in range(length)]
    return out


def sequence_last(steps, valid_length):
    """From a list of per-step arrays ``(N, ...)``, each sequence's last valid step."""
    stacked = np.stack(list(steps), axis=0)
    lengths = _lengths(valid_length, stacked.shape[1], stacked.shape[0])
    return stacked[lengths - 1, _onp.arange(stacked.shape[1])]


def reverse_sequences(sequences, length, valid_length=None):
    """Reverse a list of steps; with ``valid_length`` only each sequence's valid part
    (the padding stays in place), as ``SequenceReverse``."""
    sequences = list(sequences)
    if valid_length is None:
        return sequences[::-1]
    stacked = np.stack(sequences, axis=0)
    T, N = stacked.shape[0], stacked.shape[1]
    lengths = _lengths(valid_length, N, T)
    t = _onp.arange(T)[:, None]
    idx = _onp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
    rev = stacked[idx, _onp.arange(N)[None, :]]
    return [rev[i] for i in range(T)]
