"""ndarray's operators and methods, attached by the op layer (as Chainer and HIPS autograd do).

``ndarray`` (below the ops) holds the buffer, the history and the conversions; the methods
that compute (``x + y``, ``x[k]``, ``x.sum()``, ``x.reshape()``...) are written here, in
``_ArrayMethods``'s body, each delegating to its op, and copied onto ``ndarray`` when this
module is imported (by ``autodiff.engine``, hence by every entry point of the package).
Two more bodies are attached with it: MXNet's fluent methods (``x.exp()``, ``x.std()``,
``x.slice_axis()``..., ``autodiff/ops/fluent.py``) and the interop members (DLPack,
``__format__``, ``stype``, ``wait_to_read``..., ``autodiff/ops/interop.py``).
``ndarray.backward`` is attached by ``autodiff.engine``, the layer above.
"""
from .. import device as _device, dtypes
from .._mxargs import guard as _guard, METHODS as _METHODS
from .._state import state
from ..errors import GraphError, ShapeError
from ..ndarray import ndarray, _IN_GRAPH_MESSAGE
from . import binary as _binary, indexing as _indexing, linalg as _linalg
from . import reduce as _reduce, shape as _shape, unary as _unary
from .fluent import _FluentMethods
from .interop import _InteropMethods


class _ArrayMethods:
    """The body whose members become ``ndarray``'s (see the module docstring)."""

    @property
    def T(self):
        """The array with its axes reversed (differentiable; ``transpose()``)."""
        return _shape.transpose(self)

    # ---- devices ---------------------------------------------------------------------------
    def as_in_ctx(self, ctx):
        """This array on device ``ctx``: itself when it is already there, else a copy that
        keeps the history (differentiable); a GPU raises ``DeviceError``."""
        c = _device.resolve('as_in_ctx', ctx)
        if c == self.ctx:
            return self
        return _device.place(_shape.copy(self), 'as_in_ctx', c)

    as_in_context = as_in_ctx
    to_device = as_in_ctx          # (MXNet 2.x's name)

    def copyto(self, other):
        """Copy the values into array ``other`` (of the same shape; cast to its dtype) and
        return it, or into a new array on device ``other`` (a ``Context``); recorded."""
        if isinstance(other, ndarray):
            if other.shape != self.shape:
                raise ShapeError(f"copyto: the target has shape {other.shape}, this array "
                                 f"{self.shape}")
            other[...] = self
            return other
        if not isinstance(other, (_device.Context, str)):
            raise TypeError(f"copyto: other must be an array or a device (npx.cpu()), "
                            f"got {type(other).__name__}")
        return _device.place(_shape.copy(self), 'copyto', _device.resolve('copyto', other))

    # ---- conversion ------------------------------------------------------------------------
    def astype(self, dtype, copy=True):
        """Cast to ``dtype`` (differentiable: the gradient is cast back)."""
        dt = dtypes.check(dtype, 'astype')
        if dt == self._data.dtype and not copy:
            return self
        return _shape.astype(self, dt)

    def copy(self):
        """A copy that keeps the history (differentiable identity)."""
        return _shape.copy(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        for i in range(self._data.shape[0]):
            yield _indexing.getitem(self, i)

    # ---- arithmetic --------------------------------------------------------------------
    # ``x + y`` with the array on the left is the op itself (``self`` is its first operand):
    # no method frame between the operator and the row's function (issue 18, W9)
    __add__ = _binary.add
    def __radd__(self, o): return _binary.add(o, self)
    __sub__ = _binary.subtract
    def __rsub__(self, o): return _binary.subtract(o, self)
    __mul__ = _binary.multiply
    def __rmul__(self, o): return _binary.multiply(o, self)
    __truediv__ = _binary.divide
    def __rtruediv__(self, o): return _binary.divide(o, self)
    __mod__ = _binary.mod
    def __rmod__(self, o): return _binary.mod(o, self)
    __pow__ = _binary.power
    def __rpow__(self, o): return _binary.power(o, self)
    __matmul__ = _linalg.matmul
    def __rmatmul__(self, o): return _linalg.matmul(o, self)
    def __neg__(self): return _unary.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _unary.abs(self)

    def __floordiv__(self, o): return _unary.floor(_binary.divide(self, o))
    def __rfloordiv__(self, o): return _unary.floor(_binary.divide(o, self))

    def __iadd__(self, o): return self._inplace(_binary.add(self, o))
    def __isub__(self, o): return self._inplace(_binary.subtract(self, o))
    def __imul__(self, o): return self._inplace(_binary.multiply(self, o))
    def __itruediv__(self, o): return self._inplace(_binary.divide(self, o))
    def __ipow__(self, o): return self._inplace(_binary.power(self, o))
    def __imod__(self, o): return self._inplace(_binary.mod(self, o))

    # ---- comparisons (bool arrays, not differentiable) -----------------------------------
    def __eq__(self, o): return _binary.equal(self, o)
    def __ne__(self, o): return _binary.not_equal(self, o)
    def __lt__(self, o): return _binary.less(self, o)
    def __le__(self, o): return _binary.less_equal(self, o)
    def __gt__(self, o): return _binary.greater(self, o)
    def __ge__(self, o): return _binary.greater_equal(self, o)
    def __invert__(self): return _unary.logical_not(self)
    def __and__(self, o): return _binary.logical_and(self, o)
    def __or__(self, o): return _binary.logical_or(self, o)
    def __xor__(self, o): return _binary.logical_xor(self, o)

    # ---- indexing ----------------------------------------------------------------------
    def __getitem__(self, key):
        return _indexing.getitem(self, key)

    def __setitem__(self, key, value):
        """``a[key] = value``.  While recording, an array already in a graph refuses it;
        a value with history is recorded (as MXNet does), so the gradient reaches it."""
        if state.recording and self._node is not None:
            raise GraphError(_IN_GRAPH_MESSAGE)
        _indexing.setitem(self, key, value)       # (the op ``setitem``: stamps and records it)

    # ---- reductions and shape --------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (None: all; an int or a tuple), keeping reduced axes as size 1
        with ``keepdims`` (differentiable; ``np.sum``)."""
        return _reduce.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (None, int or tuple); integers give float32 (``np.mean``)."""
        return _reduce.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        """Maximum over ``axis``; every tied maximum gets the full gradient (``np.max``)."""
        return _reduce.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        """Minimum over ``axis``; every tied minimum gets the full gradient (``np.min``)."""
        return _reduce.min(self, axis, keepdims)

    def prod(self, axis=None, keepdims=False):
        """Product over ``axis`` (differentiable, exact at zeros; ``np.prod``)."""
        return _reduce.prod(self, axis, keepdims)

    def argmax(self, axis=None):
        """Index of the first maximum (over the flattened array when ``axis`` is None);
        not differentiable: a backward through it gives zero gradients."""
        return _reduce.argmax(self, axis)

    def argmin(self, axis=None):
        """Index of the first minimum (see ``argmax``)."""
        return _reduce.argmin(self, axis)

    def clip(self, a_min=None, a_max=None):
        """Values limited to [a_min, a_max] (scalars, either may be None); the gradient
        passes inside and at the bounds (``np.clip``)."""
        return _binary.clip(self, a_min, a_max)

    def reshape(self, *shape, order='C', **kwargs):
        """A copy with a new shape (MXNet: "always a copy"): ``x.reshape(2, 3)``,
        ``x.reshape((2, 3))`` or ``x.reshape(newshape=(2, 3))``; one dimension may be -1;
        differentiable."""
        newshape = kwargs.pop('newshape', None)
        if kwargs:
            raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        if shape and newshape is not None:
            raise TypeError("reshape() got the shape both positionally and as newshape=")
        return _shape.reshape(self, tuple(shape) if shape else (newshape or ()), order)

    def transpose(self, *axes):
        """A copy with permuted axes (``transpose(1, 0, 2)`` or a tuple; none given, or
        ``None``: reversed); differentiable."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return _shape.transpose(self, tuple(axes) if axes else None)

    def swapaxes(self, a1, a2):
        """The array with axes ``a1`` and ``a2`` interchanged (differentiable)."""
        return _shape.swapaxes(self, a1, a2)

    def flatten(self, order='C'):
        """A 1-D copy of the values (differentiable)."""
        return _shape.reshape(self, (-1,), order)

    def squeeze(self, axis=None):
        """The array without its size-1 axes (or only ``axis``); differentiable."""
        return _shape.squeeze(self, axis)

    def expand_dims(self, axis):
        """The array with a new size-1 axis at ``axis`` (differentiable)."""
        return _shape.expand_dims(self, axis)

    def repeat(self, repeats, axis=None):
        """Each element repeated ``repeats`` times along ``axis`` (None: flattened first);
        differentiable (``np.repeat``)."""
        return _shape.repeat(self, repeats, axis)

    def tile(self, reps):
        """The array repeated ``reps`` times along each axis (differentiable; ``np.tile``)."""
        return _shape.tile(self, reps)

    def dot(self, other):
        """Dot product with ``other`` (``np.dot``: matrix product for 2-D; differentiable)."""
        return _linalg.dot(self, other)

    # MXNet 1.9.1's keywords these methods do not implement raise NotImplementedError naming
    # them; out= writes the result into an array (autodiff/_mxargs.py)
    astype, copy = _guard(astype, 'ndarray', _METHODS['astype']), _guard(copy, 'ndarray', _METHODS['copy'])
    sum, mean = _guard(sum, 'ndarray', _METHODS['sum']), _guard(mean, 'ndarray', _METHODS['mean'])
    prod, clip = _guard(prod, 'ndarray', _METHODS['prod']), _guard(clip, 'ndarray', _METHODS['clip'])
    max, min = _guard(max, 'ndarray', _METHODS['max']), _guard(min, 'ndarray', _METHODS['min'])
    argmax = _guard(argmax, 'ndarray', _METHODS['argmax'])
    argmin = _guard(argmin, 'ndarray', _METHODS['argmin'])
    dot = _guard(dot, 'ndarray', _METHODS['dot'])




def _attach():
    for body in (_ArrayMethods, _FluentMethods, _InteropMethods):
        for name, member in vars(body).items():
            if name in ('__module__', '__qualname__', '__doc__', '__dict__', '__weakref__'):
                continue
            if hasattr(ndarray, name) and name not in vars(object) and body is not _ArrayMethods:
                raise TypeError(f"ndarray.{name} is defined twice ({body.__name__})")
            fn = member.fget if isinstance(member, property) else member
            # (renamed only when written in the body: ``__mul__`` is ``np.multiply`` itself)
            if getattr(fn, '__qualname__', '').startswith(body.__name__ + '.'):
                fn.__qualname__ = f'ndarray.{name}'
            setattr(ndarray, name, member)


_attach()
