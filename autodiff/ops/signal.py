"""Window functions (``hamming``, ``hanning``, ``blackman``) and bit packing (``packbits``,
``unpackbits``).

The windows are constants computed from their cosine formulas in float64 and cast to the
requested dtype (float32 by default, as MXNet 1.9.1).  Bit packing is NumPy's
(``numpy.packbits``), on integer or bool arrays only, giving uint8; not differentiable.
"""
import numpy as _onp

from .. import dtypes
from ..device import place
from ..errors import AxisError, DTypeError
from ..ndarray import ndarray, wrap
from .core import nondiff


def _window(name, terms, M, dtype, ctx, device):
    if not isinstance(M, (int, _onp.integer)) or isinstance(M, bool):
        raise TypeError(f"{name}: M must be an int, got {M!r}")
    dt = dtypes.DEFAULT if dtype is None else dtypes.check(dtype)
    if M < 1:
        return place(wrap(_onp.zeros(0, dt)), name, ctx, device)
    if M == 1:
        return place(wrap(_onp.ones(1, dt)), name, ctx, device)
    n = _onp.arange(M, dtype=_onp.float64)
    w = _onp.zeros(M)
    for k, c in enumerate(terms):
        w += c * _onp.cos(2 * _onp.pi * k * n / (M - 1))
    return place(wrap(w.astype(dt)), name, ctx, device)


def hamming(M, dtype=_onp.float32, ctx=None, device=None):
    """The Hamming window of ``M`` points: 0.54 - 0.46 cos(2 pi n / (M - 1))."""
    return _window('hamming', (0.54, -0.46), M, dtype, ctx, device)


def hanning(M, dtype=_onp.float32, ctx=None, device=None):
    """The Hann window of ``M`` points: 0.5 - 0.5 cos(2 pi n / (M - 1))."""
    return _window('hanning', (0.5, -0.5), M, dtype, ctx, device)


def blackman(M, dtype=_onp.float32, ctx=None, device=None):
    """The Blackman window: 0.42 - 0.5 cos(2 pi n / (M - 1)) + 0.08 cos(4 pi n / (M - 1))."""
    return _window('blackman', (0.42, -0.5, 0.08), M, dtype, ctx, device)


def _bits_input(a, name, kinds, what):
    d = a._data if isinstance(a, ndarray) else _onp.asarray(a)
    if d.dtype.kind not in kinds:
        raise DTypeError(f"{name}: expected an input array of {what} data type, got {d.dtype}")
    return d


def _bit_args(name, d, axis, bitorder):
    if bitorder not in ('big', 'little'):
        raise ValueError(f"{name}: bitorder must be 'big' or 'little', got {bitorder!r}")
    if axis is not None and not -d.ndim <= axis < d.ndim:
        raise AxisError(f"{name}: axis {axis} is out of bounds for array of dimension {d.ndim}")
    return axis


def packbits(a, axis=None, bitorder='big'):
    """The elements of an integer or bool array (nonzero: 1) packed into the bits of uint8,
    along ``axis`` (of the flattened array when None), padded with zero bits."""
    d = _bits_input(a, 'packbits', 'biu', 'integer or boolean')
    _bit_args('packbits', d, axis, bitorder)
    try:
        out = _onp.packbits(d, axis=axis, bitorder=bitorder)
    except (TypeError, ValueError) as e:
        raise type(e)(f"packbits: {e}") from None
    return nondiff('packbits', (a,), wrap(out)) if isinstance(a, ndarray) else wrap(out)


def unpackbits(a, axis=None, count=None, bitorder='big'):
    """The bits of a uint8 array as a uint8 array of 0 and 1, along ``axis``; ``count``: how
    many bits to keep (or drop, when negative)."""
    d = _bits_input(a, 'unpackbits', 'u', 'uint8')
    if d.dtype != _onp.uint8:
        raise DTypeError(f"unpackbits: expected an input array of uint8, got {d.dtype}")
    _bit_args('unpackbits', d, axis, bitorder)
    try:
        out = _onp.unpackbits(d, axis=axis, count=count, bitorder=bitorder)
    except (TypeError, ValueError) as e:
        raise type(e)(f"unpackbits: {e}") from None
    return nondiff('unpackbits', (a,), wrap(out)) if isinstance(a, ndarray) else wrap(out)
