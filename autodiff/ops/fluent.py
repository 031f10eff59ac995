"""MXNet's fluent methods: ``x.exp()``, ``x.softmax()``, ``x.std()``, ``x.slice_axis(...)``.

Each method forwards to the op function that computes it (written once, elsewhere) with
the array as its first argument; ``autodiff/ops/methods.py`` copies ``_FluentMethods``'
members onto ``ndarray``.  Three kinds:

- **elementwise** (``_ELEMENTWISE``): ``x.exp()`` is ``np.exp(x)``; ``out=`` writes the result
  into an array.  MXNet 1.9.1's np ndarray lists these names but raises AttributeError when
  they are called (``expand_dims`` and ``tile`` too, which this library already runs): here
  they work, as the function of the same name does.
- **forwarded to ``autodiff.np``** (``_np_function``): ``std``, ``cumsum``, ``sort``,
  ``nonzero``, ``norm`` (``np.linalg.norm``)... call the ``np`` function itself, looked up when
  the method is called (``np`` sits above this layer), so its keyword checks and ``out=``
  apply to the method too.
- **MXNet's legacy NDArray methods** with no NumPy function (``rsqrt``, ``softmin``,
  ``slice_axis``, ``broadcast_axes``, ``depth_to_space``, ``nansum``...): short compositions
  of differentiable ops, with the legacy operator's arguments, so gradients (of any order)
  come from those ops.  They also raise AttributeError in MXNet 1.9.1's numpy mode.
"""
import numpy as _onp

from .. import dtypes
from .._mxargs import guard as _guard
from .._state import off_tape, state
from ..errors import AxisError, ShapeError
from . import binary as _binary, creation as _creation, indexing as _indexing
from . import nn as _nn, npx_index as _npx_index, npx_shape as _npx_shape
from . import matrix as _matrix, rearrange as _rearrange, select as _select
from . import reduce as _reduce, shape as _shape, unary as _unary
from .axes import normalize_axes, normalize_axis
from .core import wrap

_OUT = {'out': None, 'name': None}      # MXNet's fluent methods take out= (and a symbol name)


def _np_function(name):
    """``autodiff.np``'s function ``name`` (dotted: ``'linalg.norm'``), looked up now."""
    from .. import np as _np    # (np sits above the op layer; its functions are read at call time)
    obj = _np
    for part in name.split('.'):
        obj = getattr(obj, part)
    return obj


def _elementwise(name, fn):
    def method(self):
        return fn(self)
    method.__name__ = name
    method.__doc__ = (f"``np.{name}(x)`` as a method (``out=`` writes into an array); "
                      f"differentiable where ``np.{name}`` is.")
    return _guard(method, 'ndarray', _OUT)


# name -> the op function
_ELEMENTWISE = {
    'abs': _unary.abs, 'sign': _unary.sign, 'exp': _unary.exp, 'expm1': _unary.expm1,
    'log': _unary.log, 'log10': _unary.log10, 'log2': _unary.log2, 'log1p': _unary.log1p,
    'sqrt': _unary.sqrt, 'cbrt': _unary.cbrt, 'square': _unary.square,
    'reciprocal': _unary.reciprocal,
    'sin': _unary.sin, 'cos': _unary.cos, 'tan': _unary.tan, 'arcsin': _unary.arcsin,
    'arccos': _unary.arccos, 'arctan': _unary.arctan, 'sinh': _unary.sinh,
    'cosh': _unary.cosh, 'tanh': _unary.tanh, 'arcsinh': _unary.arcsinh,
    'arccosh': _unary.arccosh, 'arctanh': _unary.arctanh,
    'floor': _unary.floor, 'ceil': _unary.ceil, 'rint': _unary.rint,
    'relu': _unary.relu, 'sigmoid': _unary.sigmoid,
    'trunc': _unary.trunc, 'fix': _unary.fix, 'degrees': _unary.degrees,
    'radians': _unary.radians,
}


def _size(value, what, name):
    if isinstance(value, bool) or not isinstance(value, (int, _onp.integer)) or value < 1:
        raise ValueError(f"{name}: {what} must be a positive int, got {value!r}")
    return int(value)


def _ints(value, name, what):
    return _shape.int_tuple(value, name, what) if value is not None else ()


class _FluentMethods:
    """The body whose members become ``ndarray``'s (see the module docstring)."""

    def round(self, decimals=0):
        """``np.round(x)`` as a method: halves to even (MXNet 1.9.1's ``rint`` rounds them
        down, a defect not copied); only ``decimals=0``."""
        if decimals != 0:
            raise NotImplementedError(f"ndarray.round: decimals={decimals!r} is not supported "
                                      f"(MXNet 1.9.1 knows this argument; autodiff implements "
                                      f"only decimals=0)")
        return _unary.round(self)

    round = _guard(round, 'ndarray', _OUT)

    # ---- forwarded by name to np functions ------------------------------------------------
    def all(self, axis=None, out=None, keepdims=False):
        """``np.all(x, axis, keepdims)``: whether every element is non-zero."""
        return _np_function('all')(self, axis=axis, keepdims=keepdims, **_given(out=out))

    def any(self, axis=None, out=None, keepdims=False):
        """``np.any(x, axis, keepdims)``: whether any element is non-zero."""
        return _np_function('any')(self, axis=axis, keepdims=keepdims, **_given(out=out))

    def cumsum(self, axis=None, dtype=None, out=None):
        """``np.cumsum(x, axis, dtype)``: the running sum (differentiable)."""
        return _np_function('cumsum')(self, axis=axis, **_given(dtype=dtype, out=out))

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        """``np.std(x, axis, ddof=..., keepdims=...)`` (differentiable)."""
        return _np_function('std')(self, axis=axis, ddof=ddof, keepdims=keepdims,
                                   **_given(dtype=dtype, out=out))

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        """``np.var(x, axis, ddof=..., keepdims=...)`` (differentiable)."""
        return _np_function('var')(self, axis=axis, ddof=ddof, keepdims=keepdims,
                                   **_given(dtype=dtype, out=out))

    def sort(self, axis=-1, kind=None, order=None):
        """``np.sort(x, axis)``: a sorted copy (MXNet 1.9.1's method raises a TypeError of
        its own making here, a defect not copied)."""
        return _np_function('sort')(self, axis=axis, **_given(kind=kind, order=order))

    def argsort(self, axis=-1, kind=None, order=None):
        """``np.argsort(x, axis)``: the indices that sort ``x`` (not differentiable)."""
        return _np_function('argsort')(self, axis=axis, **_given(kind=kind, order=order))

    def nonzero(self):
        """``np.nonzero(x)``: a tuple of index arrays, one per axis."""
        return _np_function('nonzero')(self)

    def norm(self, ord=None, axis=None, keepdims=False):
        """``np.linalg.norm(x, ord, axis, keepdims)`` as a method (differentiable)."""
        return _np_function('linalg.norm')(self, ord, axis, keepdims)

    # ---- numpy-mode functions of np / npx with the array first ------------------------------
    def take(self, indices, axis=None, mode='raise'):
        """``np.take(x, indices, axis, mode)``: elements at ``indices`` (differentiable)."""
        return _select.take(self, indices, axis, mode)

    def diag(self, k=0):
        """``np.diag(x, k)``: the k-th diagonal of a 2-D array, or a diagonal matrix of a
        1-D one (differentiable)."""
        return _matrix.diag(self, k)

    def pad(self, pad_width=None, mode='constant', **kwargs):
        """``np.pad(x, pad_width, mode, ...)`` (differentiable)."""
        return _rearrange.pad(self, pad_width, mode, **kwargs)

    def flip(self, axis=None):
        """``np.flip(x, axis)``: the elements reversed along ``axis`` (differentiable)."""
        return _shape.flip(self, axis)

    def broadcast_to(self, shape):
        """``np.broadcast_to(x, shape)`` (a copy; differentiable)."""
        return _shape.broadcast_to(self, shape)

    def split(self, indices_or_sections, axis=0):
        """``np.split(x, indices_or_sections, axis)``: a list of arrays (differentiable).
        NumPy's arguments, not the legacy ``num_outputs=`` ones."""
        return _shape.split(self, indices_or_sections, axis)

    def zeros_like(self, dtype=None):
        """``np.zeros_like(x)``: zeros of this shape (and dtype unless given)."""
        return _creation.zeros_like(self, dtype)

    def ones_like(self, dtype=None):
        """``np.ones_like(x)``: ones of this shape (and dtype unless given)."""
        return _creation.ones_like(self, dtype)

    def softmax(self, *args, **kwargs):
        """``npx.softmax(x, ...)`` (default ``axis=-1``; differentiable)."""
        return _nn.softmax(self, *args, **kwargs)

    def log_softmax(self, *args, **kwargs):
        """``npx.log_softmax(x, ...)`` (default ``axis=-1``; differentiable)."""
        return _nn.log_softmax(self, *args, **kwargs)

    def pick(self, *args, **kwargs):
        """``npx.pick(x, index, axis=-1, ...)``: one element per row along ``axis``."""
        return _npx_index.pick(self, *args, **kwargs)

    def topk(self, *args, **kwargs):
        """``npx.topk(x, axis=-1, k=1, ret_typ='indices', ...)``."""
        return _npx_index.topk(self, *args, **kwargs)

    def one_hot(self, *args, **kwargs):
        """``npx.one_hot(x, depth, ...)``: x holds the indices."""
        return _npx_index.one_hot(self, *args, **kwargs)

    def slice(self, *args, **kwargs):
        """``npx.slice(x, begin, end, step=())`` (differentiable)."""
        return _npx_shape.slice(self, *args, **kwargs)

    def reshape_like(self, *args, **kwargs):
        """``npx.reshape_like(x, rhs, ...)`` (differentiable)."""
        return _npx_shape.reshape_like(self, *args, **kwargs)

    def shape_array(self):
        """``npx.shape_array(x)``: the shape as a 1-D int64 array."""
        return _npx_shape.shape_array(self)

    # ---- legacy NDArray operators, composed from differentiable ops -------------------------
    def size_array(self):
        """The number of elements as a 1-D int64 array of length 1 (legacy ``size_array``)."""
        return off_tape('size_array', (self,), wrap(_onp.array([self.size], _onp.int64)))

    def rsqrt(self):
        """``1 / sqrt(x)`` (legacy ``rsqrt``; differentiable)."""
        return _unary.reciprocal(_unary.sqrt(self))

    def rcbrt(self):
        """``1 / cbrt(x)`` (legacy ``rcbrt``; differentiable)."""
        return _unary.reciprocal(_unary.cbrt(self))

    def softmin(self, axis=-1, temperature=None, dtype=None, use_length=False, length=None):
        """``softmax(-x)`` along ``axis`` (legacy ``softmin``; differentiable)."""
        return _nn.softmax(_unary.negative(self), length=length, axis=axis,
                           temperature=temperature, dtype=dtype, use_length=use_length)

    def nansum(self, axis=None, keepdims=False):
        """The sum over ``axis`` with NaNs counted as zero (legacy ``nansum``;
        differentiable: a NaN's gradient is zero)."""
        return _reduce.sum(_binary.where(_unary.isnan(self), 0, self), axis, keepdims)

    def nanprod(self, axis=None, keepdims=False):
        """The product over ``axis`` with NaNs counted as one (legacy ``nanprod``;
        differentiable: a NaN's gradient is zero)."""
        return _reduce.prod(_binary.where(_unary.isnan(self), 1, self), axis, keepdims)

    def argmax_channel(self):
        """The index of the first maximum along the last axis, as float32 (legacy
        ``argmax_channel``, whose indices are float32; not differentiable)."""
        return _shape.astype(_reduce.argmax(self, -1), dtypes.DEFAULT)

    def broadcast_axes(self, axis=(), size=()):
        """Broadcast the length-1 axes ``axis`` to lengths ``size`` (legacy
        ``broadcast_axes``; differentiable)."""
        axes = normalize_axes(_ints(axis, 'broadcast_axes', 'axis'), self.ndim, 'broadcast_axes')
        sizes = _ints(size, 'broadcast_axes', 'size')
        if len(axes) != len(sizes):
            raise ValueError(f"broadcast_axes: axis {axis} and size {size} must have the same "
                             f"length")
        shape = list(self.shape)
        for ax, n in zip(axes, sizes):
            if shape[ax] != 1:
                raise ShapeError(f"broadcast_axes: axis {ax} has length {shape[ax]}, only "
                                 f"length-1 axes can be broadcast")
            shape[ax] = n
        return _shape.broadcast_to(self, tuple(shape))

    def broadcast_like(self, other, lhs_axes=None, rhs_axes=None):
        """Broadcast to ``other``'s shape, or set axes ``lhs_axes`` to the lengths of
        ``other``'s ``rhs_axes`` (legacy ``broadcast_like``; differentiable)."""
        if lhs_axes is None and rhs_axes is None:
            return _shape.broadcast_to(self, other.shape)
        lhs = normalize_axes(_ints(lhs_axes, 'broadcast_like', 'lhs_axes'), self.ndim,
                             'broadcast_like')
        rhs = _ints(rhs_axes, 'broadcast_like', 'rhs_axes')
        if len(lhs) != len(rhs):
            raise ValueError("broadcast_like: lhs_axes and rhs_axes must have the same length")
        shape = list(self.shape)
        for a, b in zip(_ints(lhs_axes, 'broadcast_like', 'lhs_axes'), rhs):
            shape[a] = other.shape[normalize_axis(b, other.ndim, 'broadcast_like')]
        return _shape.broadcast_to(self, tuple(shape))

    def slice_axis(self, axis, begin, end):
        """``x[..., begin:end, ...]`` along ``axis`` (``end`` None: to the end; legacy
        ``slice_axis``; differentiable)."""
        ax = normalize_axis(axis, self.ndim, 'slice_axis')
        key = (slice(None),) * ax + (slice(begin, end),)
        return _indexing.getitem(self, key)

    def slice_like(self, shape_like, axes=()):
        """The leading ``shape_like.shape`` corner of ``x`` (over ``axes`` only when given;
        legacy ``slice_like``; differentiable)."""
        like = shape_like.shape
        axes = (normalize_axes(axes, self.ndim, 'slice_like') if axes
                else tuple(range(min(self.ndim, len(like)))))
        key = [slice(None)] * self.ndim
        for ax in axes:
            if ax >= len(like):
                raise AxisError(f"slice_like: axis {ax} is out of range for shape_like of "
                                f"shape {like}")
            if like[ax] > self.shape[ax]:
                raise ShapeError(f"slice_like: shape_like's axis {ax} ({like[ax]}) is longer "
                                 f"than this array's ({self.shape[ax]})")
            key[ax] = slice(0, like[ax])
        return _indexing.getitem(self, tuple(key))

    def split_v2(self, indices_or_sections, axis=0, squeeze_axis=False):
        """``np.split`` with the legacy ``squeeze_axis`` (drop ``axis`` from each piece when
        the pieces have length 1 there); differentiable."""
        parts = _shape.split(self, indices_or_sections, axis)
        if not squeeze_axis:
            return parts
        ax = normalize_axis(axis, self.ndim, 'split_v2')
        if any(p.shape[ax] != 1 for p in parts):
            raise ShapeError("split_v2: squeeze_axis=True needs pieces of length 1 along axis "
                             f"{ax}")
        return [_shape.squeeze(p, ax) for p in parts]

    def slice_assign(self, rhs, begin, end, step):
        """Write array ``rhs`` into ``x[begin0:end0:step0, ...]`` in place and return ``x``
        (MXNet's ``slice_assign``; None entries are a Python slice's defaults).  Recorded as
        ``x[...] = rhs`` is."""
        self[_slices('slice_assign', begin, end, step)] = rhs
        return self

    def slice_assign_scalar(self, value, begin, end, step):
        """Write scalar ``value`` into ``x[begin0:end0:step0, ...]`` in place and return
        ``x`` (MXNet's ``slice_assign_scalar``)."""
        if not isinstance(value, (int, float, _onp.number)) or isinstance(value, bool):
            raise TypeError(f"slice_assign_scalar: value must be a number, got {value!r}")
        self[_slices('slice_assign_scalar', begin, end, step)] = value
        return self

    def depth_to_space(self, block_size):
        """(N, C, H, W) to (N, C/b², H·b, W·b): depth moved into b×b spatial blocks (legacy
        ``depth_to_space``, DCR order; differentiable)."""
        b = _size(block_size, 'block_size', 'depth_to_space')
        n, c, h, w = _nchw(self, 'depth_to_space')
        if c % (b * b):
            raise ShapeError(f"depth_to_space: the channel count {c} is not a multiple of "
                             f"block_size² = {b * b}")
        x = _shape.reshape(self, (n, b, b, c // (b * b), h, w))
        x = _shape.transpose(x, (0, 3, 4, 1, 5, 2))
        return _shape.reshape(x, (n, c // (b * b), h * b, w * b))

    def space_to_depth(self, block_size):
        """(N, C, H, W) to (N, C·b², H/b, W/b): each b×b spatial block moved into depth
        (legacy ``space_to_depth``; differentiable)."""
        b = _size(block_size, 'block_size', 'space_to_depth')
        n, c, h, w = _nchw(self, 'space_to_depth')
        if h % b or w % b:
            raise ShapeError(f"space_to_depth: height {h} and width {w} must be multiples of "
                             f"block_size {b}")
        x = _shape.reshape(self, (n, c, h // b, b, w // b, b))
        x = _shape.transpose(x, (0, 3, 5, 1, 2, 4))
        return _shape.reshape(x, (n, c * b * b, h // b, w // b))

    def reshape_view(self, *shape, reverse=False):
        """A view with a new shape (legacy ``NDArray.reshape``: it shares this array's memory,
        and is recorded).  The legacy codes work: 0 copies an axis, -1 infers one, -2 copies
        the rest, -3 merges two axes, -4 splits one into the next two values."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        if not shape:
            raise TypeError("reshape_view: give the new shape")
        codes = tuple(_LEGACY_CODES.get(v, v) for v in _shape.int_tuple(shape, 'reshape_view',
                                                                         'shape'))
        new = _npx_shape.reshape_codes(self.shape, codes, reverse)
        prev, state.views = state.views, True   # (reshape hands out NumPy's view then)
        try:
            return _shape.reshape(self, new)
        finally:
            state.views = prev


# the legacy reshape codes as numpy mode's npx.reshape spells them
_LEGACY_CODES = {0: -2, -2: -4, -3: -5, -4: -6}


def _nchw(x, name):
    if x.ndim != 4:
        raise ShapeError(f"{name}: the input must be 4-D (N, C, H, W), got shape {x.shape}")
    return x.shape


def _slices(name, begin, end, step):
    """The index ``(slice(b0, e0, s0), ...)`` of MXNet's begin/end/step tuples."""
    begin, end = tuple(begin), tuple(end)
    step = tuple(step) if step else (None,) * len(begin)
    if not len(begin) == len(end) == len(step):
        raise ValueError(f"{name}: begin {begin}, end {end} and step {step} must have the same "
                         f"length")
    if any(s == 0 for s in step):
        raise ValueError(f"{name}: step must not be 0")
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


def _given(**kwargs):
    """The keyword arguments that were given (not None), to pass on."""
    return {k: v for k, v in kwargs.items() if v is not None}


def _attach_elementwise():
    for name, fn in _ELEMENTWISE.items():
        setattr(_FluentMethods, name, _elementwise(name, fn))


_attach_elementwise()
