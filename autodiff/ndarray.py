"""``ndarray``: a NumPy buffer plus its autograd history, with MXNet numpy-mode behaviour.

Arithmetic, reductions and shape methods delegate to the op modules (imported at the
bottom of this file to break the import cycle); each op decides whether to record.
"""
import numpy as _onp

from . import dtypes
from ._state import state
from .errors import GraphError, DTypeError
from .tape import Node, Variable, tick as _tick
from . import versions as _versions
from ._mxargs import guard as _guard, METHODS as _METHODS

_GRAD_REQS = ('write', 'add', 'null')
_IN_GRAPH_MESSAGE = (
    "Assigning to an array that is already in a computational graph (inside "
    "autograd.record()) would make its gradients wrong. Compute a new array instead "
    "(e.g. y = x + 1 rather than x += 1), or do this outside record().")
_INPLACE_MESSAGE = (
    "In-place operations (+=, -=, *=, ...) are not supported when recording with autograd: "
    "the result depends on arrays with history. Compute a new array instead (y = x + v).")


def wrap(data):
    """A new array around NumPy buffer ``data`` (no copy, no history)."""
    a = _new(ndarray)
    a._data = data
    a._node = None
    a._idx = 0
    return a


_new = object.__new__


class ndarray:
    """An n-dimensional array on the CPU with MXNet's autograd members.

    ``attach_grad()`` marks it as a variable; inside ``autograd.record()`` every op
    on it is recorded; ``backward()`` fills ``.grad``.
    """
    # ``_detached``: set by detach(); ``_why``: why it has no history (engine.no_history)
    __slots__ = ('_data', '_node', '_idx', '_detached', '_why', '__weakref__')
    __array_priority__ = 100.0   # NumPy defers to our reflected operators

    def __init__(self, shape=(), dtype=None):
        self._data = _onp.empty(shape, dtypes.DEFAULT if dtype is None else dtypes.check(dtype))
        self._node = None
        self._idx = 0

    # ---- attributes -------------------------------------------------------------------
    @property
    def shape(self):
        """The dimensions, a tuple of ints."""
        return self._data.shape

    @property
    def dtype(self):
        """The element type, a NumPy dtype."""
        return self._data.dtype

    @property
    def ndim(self):
        """The number of dimensions."""
        return self._data.ndim

    @property
    def size(self):
        """The number of elements."""
        return self._data.size

    @property
    def T(self):
        """The array with its axes reversed (differentiable; ``transpose()``)."""
        return _shape.transpose(self)

    @property
    def ctx(self):
        """The device the array lives on: always the CPU (``'cpu(0)'``); also ``context``
        and ``device``."""
        return 'cpu(0)'

    context = device = ctx

    # ---- conversion -------------------------------------------------------------------
    def _read(self, name, value=None):
        """Tell an active ``autograd.compile`` recording that this array's values were read
        into Python (``_state.Tracer.on_read``)."""
        tracer = state.tracer
        if tracer is not None:
            tracer.on_read(name, (self,), value)

    def asnumpy(self):
        """A NumPy copy of the data."""
        out = self._data.copy()
        if state.tracer is not None:
            self._read('asnumpy')
        return out

    def item(self, *args):
        """One element as a Python scalar (``item()`` needs a size-1 array; ``item(i)``
        takes the i-th element of the flattened array)."""
        out = self._data.item(*args)
        if state.tracer is not None:
            self._read('item')
        return out

    def tolist(self):
        """The values as nested Python lists (a scalar for a 0-d array)."""
        out = self._data.tolist()
        if state.tracer is not None:
            self._read('tolist')
        return out

    def __array__(self, dtype=None, copy=None):
        """A NumPy copy (``numpy.asarray(x)``): as in MXNet 1.9.1, writing into it leaves
        this array unchanged.  ``copy=False`` (no copy allowed) is refused."""
        if copy is False:
            raise ValueError("an autodiff array cannot be turned into a NumPy array without "
                             "a copy (MXNet copies too); use x.asnumpy()")
        if dtype is not None and _onp.dtype(dtype) != self._data.dtype:
            out = self._data.astype(dtype)
        else:
            out = self._data.copy()
        if state.tracer is not None:
            self._read('__array__')
        return out

    def astype(self, dtype, copy=True):
        """Cast to ``dtype`` (differentiable: the gradient is cast back)."""
        dt = dtypes.check(dtype, 'astype')
        if dt == self._data.dtype and not copy:
            return self
        return _shape.astype(self, dt)

    def copy(self):
        """A copy that keeps the history (differentiable identity)."""
        return _shape.copy(self)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of unsized object (a 0-d array)")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        for i in range(self._data.shape[0]):
            yield _indexing.getitem(self, i)

    def __bool__(self):
        if self._data.size != 1:
            raise ValueError(
                f"The truth value of an array with {self._data.size} elements is ambiguous; "
                "use a.any() or a.all()")
        truth = bool(self._data.reshape(-1)[0])
        if state.tracer is not None:
            self._read('__bool__', truth)      # (a branch on data: a guard of the replay)
        return truth

    def __float__(self):
        out = float(self._size1('float'))
        if state.tracer is not None:
            self._read('__float__')
        return out

    def __int__(self):
        out = int(self._size1('int'))
        if state.tracer is not None:
            self._read('__int__')
        return out

    def __index__(self):
        """``operator.index(x)`` of a 0-d integer array (as NumPy); a bool array or an array
        with dimensions raises TypeError (MXNet 1.9.1 refuses every array)."""
        if self._data.dtype.kind not in 'iu':
            raise TypeError(f"only integer arrays can be used as an index, not {self.dtype} "
                            "(use int(x) to convert a bool)")
        if self._data.ndim != 0:
            raise TypeError(f"only 0-d integer arrays can be used as an index, this one has "
                            f"shape {self._data.shape}")
        if state.tracer is not None:
            self._read('__index__')
        return int(self._data)

    def _size1(self, what):
        if self._data.size != 1:
            raise TypeError(f"only size-1 arrays can be converted to Python {what}s "
                            f"(this one has shape {self._data.shape})")
        return self._data.reshape(-1)[0]

    # ---- printing (MXNet numpy mode: numpy's text, dtype shown unless default) --------------
    def __repr__(self):
        text = repr(self._data)
        dt = self._data.dtype
        if 'dtype=' in text:
            if dt == dtypes.DEFAULT:
                text = text[:text.rindex(',')] + ')'
        elif dt != dtypes.DEFAULT and dt != _onp.bool_:
            text = text[:-1] + f', dtype={dt})'
        return text

    def __str__(self):
        return str(self._data)

    # ---- autograd ------------------------------------------------------------------
    def attach_grad(self, grad_req='write', stype=None):
        """Mark this array as a variable (a new leaf) with a zero gradient buffer.

        ``grad_req``: 'write' (each backward overwrites), 'add' (accumulates) or 'null'
        (no gradient: ``.grad`` stays None).  Integer arrays take it too (their gradient
        has their dtype, as in MXNet 1.9.1).

        The mark always makes a fresh leaf, as in MXNet 1.9.1: on a recorded intermediate
        (inside or after ``record()``) it cuts the history, like ``detach()`` — ops
        recorded from it afterwards stop there, and the graph draws it as a detached
        variable.  Graphs recorded through the array before the mark keep their path to
        the old history (or the old mark).
        """
        if grad_req not in _GRAD_REQS:
            raise ValueError(f"grad_req must be one of {_GRAD_REQS}, got {grad_req!r}")
        if stype not in (None, 'default'):
            raise ValueError(f"attach_grad: only dense gradients (stype='default') are "
                             f"supported, got stype={stype!r}")
        if self._data.dtype.kind not in 'fiub':
            raise DTypeError(f"attach_grad needs a numeric or bool array, this one "
                             f"is {self.dtype}")
        node = self._node
        cut = node is not None and type(node) is not Variable     # history it had is cut
        if type(node) is Variable:
            cut = node.detached
        grad = None if grad_req == 'null' else wrap(_onp.zeros_like(self._data))
        self._node = Variable(grad, grad_req, (), self._data.shape, self._data.dtype,
                              detached=cut or getattr(self, '_detached', False))
        self._idx = 0

    def drop_grad(self):
        """Undo ``attach_grad()``: ``.grad`` becomes None and the array a plain constant.

        Since ``attach_grad()`` makes a new leaf (MXNet 1.9.1), there is no history to go
        back to: the array stops being a variable, and graphs recorded through the mark
        stop filling its gradient.  A no-op on an unmarked array.
        """
        var = self._node
        if type(var) is not Variable:
            return
        var.grad_req = 'null'          # graphs recorded through the mark stop delivering
        self._node, self._idx = None, 0

    @property
    def grad(self):
        """The gradient buffer of a marked array, else None."""
        node = self._node
        return node.grad if isinstance(node, Variable) else None

    @property
    def grad_req(self):
        """'write', 'add' or 'null' for a marked array ('null' when unmarked)."""
        node = self._node
        return node.grad_req if isinstance(node, Variable) else 'null'

    def detach(self):
        """A new array sharing this one's memory, with no history (a cut point in the graph)."""
        out = wrap(self._data)
        out._detached = True
        if state.tracer is not None:
            state.tracer.on_op('detach', (self,), None, (out,), None)
        return out

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Compute gradients of this array with respect to the marked variables.

        A missing ``out_grad`` means ones of this array's shape.
        """
        _engine.backward([self], [out_grad], retain_graph=retain_graph, train_mode=train_mode)

    # ---- arithmetic --------------------------------------------------------------------
    def __add__(self, o): return _binary.add(self, o)
    def __radd__(self, o): return _binary.add(o, self)
    def __sub__(self, o): return _binary.subtract(self, o)
    def __rsub__(self, o): return _binary.subtract(o, self)
    def __mul__(self, o): return _binary.multiply(self, o)
    def __rmul__(self, o): return _binary.multiply(o, self)
    def __truediv__(self, o): return _binary.divide(self, o)
    def __rtruediv__(self, o): return _binary.divide(o, self)
    def __mod__(self, o): return _binary.mod(self, o)
    def __rmod__(self, o): return _binary.mod(o, self)
    def __pow__(self, o): return _binary.power(self, o)
    def __rpow__(self, o): return _binary.power(o, self)
    def __matmul__(self, o): return _linalg.matmul(self, o)
    def __rmatmul__(self, o): return _linalg.matmul(o, self)
    def __neg__(self): return _unary.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _unary.abs(self)

    def __floordiv__(self, o): return _unary.floor(_binary.divide(self, o))
    def __rfloordiv__(self, o): return _unary.floor(_binary.divide(o, self))

    def _inplace(self, result):
        """Write ``result`` into this array's buffer (``x += y`` and friends).

        Refused while recording when this array is in a graph (its gradient would be
        wrong) or when the result has history (MXNet: in-place operations are not
        recorded); outside ``record()`` it is a plain update, e.g. an SGD step on a
        marked weight, which stays marked.
        """
        if state.recording and (self._node is not None or result._node is not None):
            raise GraphError(_IN_GRAPH_MESSAGE if self._node is not None else _INPLACE_MESSAGE)
        if result.shape != self.shape:
            raise ValueError(f"in-place result of shape {result.shape} does not fit the "
                             f"array's shape {self.shape}")
        _onp.copyto(self._data, result._data, casting='unsafe')
        _versions.stamp(self._data, _tick())
        return self

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
    __hash__ = None

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


from .ops import unary as _unary, binary as _binary, reduce as _reduce  # noqa: E402
from .ops import shape as _shape, indexing as _indexing, linalg as _linalg  # noqa: E402
from . import engine as _engine  # noqa: E402
from .ops.core import Op as _Op  # noqa: E402

