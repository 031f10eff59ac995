"""``ndarray``: a NumPy buffer plus its autograd history, with MXNet numpy-mode behaviour.

This module sits below the ops: it holds the buffer, the history, the conversions and the
autograd members.  The operators and computing methods (``x + y``, ``x[k]``, ``x.sum()``,
``x.reshape()``...) are attached by the op layer (``autodiff/ops/methods.py``) and
``backward`` by ``autodiff/engine.py``; each op decides whether to record.
"""
import numpy as _onp

from . import dtypes
from ._state import state
from .errors import GraphError, DTypeError
from .tape import Variable, tick as _tick
from . import versions as _versions
from . import device as _device

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
    __slots__ = ('_data', '_node', '_idx', '_detached', '_why', '_ctx', '__weakref__')
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
    def ctx(self):
        """The device the array lives on, a ``Context`` (``cpu(0)`` unless it was made with
        ``ctx=`` / inside ``with ctx:`` or moved by ``as_in_ctx``); also ``context`` and
        ``device``.  Every CPU device is the same host memory; an op's result reports
        ``cpu(0)``."""
        try:
            return self._ctx
        except AttributeError:
            return _device.CPU0

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

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of unsized object (a 0-d array)")
        return self._data.shape[0]

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

    __hash__ = None             # (ops.methods attaches __eq__: arrays compare elementwise)
