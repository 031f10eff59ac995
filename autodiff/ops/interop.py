"""ndarray's interop and MXNet-compatibility members, and ``from_dlpack``.

- DLPack: ``x.__dlpack__()`` / ``x.__dlpack_device__()`` (the protocol ``torch.from_dlpack``
  and ``numpy.from_dlpack`` read), MXNet's ``to_dlpack_for_read`` / ``to_dlpack_for_write``
  (capsules), and ``from_dlpack`` (``np.from_dlpack``, ``npx.from_dlpack``,
  ``mx.nd.from_dlpack``).  All of them share memory, as DLPack means to: a write through
  the other library's tensor is seen here (the library's write stamps, which only
  ``autograd.compile``'s guards read, do not see it).  NumPy does the exporting and
  importing.
- ``__format__``: ``f'{x:.5f}'`` for a 0-d array formats its value; other arrays take only
  an empty format spec (MXNet 1.9.1).
- MXNet's members that have nothing to do on one CPU device: ``wait_to_read()``, ``stype``
  ('default'), ``writable``, ``as_np_ndarray()`` / ``as_nd_ndarray()`` (there is one array
  class: both return the array itself), ``tostype('default')``; ``asscalar()`` raises
  AttributeError, as in MXNet 1.9.1's numpy mode.
"""
import numpy as _onp

from .._state import state
from ..errors import DeviceError
from .core import wrap
from . import shape as _shape

_CPU = 1        # DLPack's device type of host memory (kDLCPU)
_VERSION = (1, 0)   # DLPack 1.0: its capsules carry a read-only flag, so importers may write


class _InteropMethods:
    """The body whose members become ``ndarray``'s (see the module docstring)."""

    # ---- DLPack ------------------------------------------------------------------------------
    def __dlpack__(self, **kwargs):
        """A DLPack capsule of this array's memory (shared, not copied); the keywords of the
        DLPack protocol (``stream``, ``max_version``, ...) go to NumPy's exporter."""
        if state.tracer is not None:
            self._read('__dlpack__')
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        """``(1, 0)``: DLPack's CPU device."""
        return (_CPU, 0)

    def to_dlpack_for_read(self):
        """A DLPack capsule sharing this array's memory, for reading (MXNet's name; every
        op here has finished when it returns).  A DLPack 1.0 (versioned) capsule, which
        NumPy and PyTorch import as writable, as MXNet's ``from_dlpack`` does."""
        return self.__dlpack__(max_version=_VERSION)

    def to_dlpack_for_write(self):
        """A DLPack capsule sharing this array's memory, for writing (MXNet's name; see
        ``to_dlpack_for_read``)."""
        return self.__dlpack__(max_version=_VERSION)

    # ---- printing -------------------------------------------------------------------------
    def __format__(self, fmt):
        """``format(x, spec)``: a 0-d array formats its value (``f'{x:.3f}'``); other arrays
        accept only an empty spec, which gives ``str(x)`` (MXNet 1.9.1)."""
        if self.ndim == 0:
            return format(self.item(), fmt)
        if not fmt:
            return format(str(self), fmt)
        raise TypeError(f"cannot format an array of shape {self.shape} with format spec "
                        f"{fmt!r} (only 0-d arrays take one; MXNet 1.9.1 refuses it too)")

    # ---- MXNet's storage and engine members ------------------------------------------------
    @property
    def stype(self):
        """The storage type: always 'default' (dense; there are no sparse arrays here)."""
        return 'default'

    def tostype(self, stype):
        """``tostype('default')``: a copy (dense to dense).  Sparse storage types ('csr',
        'row_sparse') are not supported.  (MXNet 1.9.1's numpy arrays raise AttributeError
        for every stype.)"""
        if stype == 'default':
            return _shape.copy(self)
        if stype in ('csr', 'row_sparse'):
            raise NotImplementedError(f"tostype: sparse storage ({stype!r}) is not supported; "
                                      f"arrays here are dense ('default')")
        raise ValueError(f"tostype: stype must be 'default', 'csr' or 'row_sparse', got "
                         f"{stype!r}")

    @property
    def writable(self):
        """Whether the array can be written to (False for a read-only buffer, e.g. one
        imported from a read-only DLPack tensor)."""
        return bool(self._data.flags.writeable)

    def wait_to_read(self):
        """Wait until the array's value is computed: ops run synchronously here, so it
        returns at once (MXNet's asynchronous engine needs it)."""

    def as_np_ndarray(self):
        """The array itself (it already is a numpy-mode array)."""
        return self

    def as_nd_ndarray(self):
        """The array itself: there is no separate legacy NDArray class here, and MXNet's
        conversion shares memory too."""
        return self

    def asscalar(self):
        """Removed in MXNet's numpy mode: raises AttributeError as MXNet 1.9.1 does; use
        ``x.item()``."""
        raise AttributeError("ndarray.asscalar() does not exist in numpy mode (MXNet 1.9.1 "
                             "raises this too); use x.item()")


class _Capsule:
    """A DLPack capsule dressed as an exporter, for ``numpy.from_dlpack``."""
    __slots__ = ('capsule',)

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (_CPU, 0)


def from_dlpack(x):
    """An array sharing memory with ``x``: an object of the DLPack protocol (a PyTorch tensor,
    a NumPy array, another autodiff array...) or a DLPack capsule (``to_dlpack_for_read``'s).
    Only CPU memory can be imported.  The dtype is kept; the result has no history."""
    if type(x).__name__ == 'PyCapsule':
        x = _Capsule(x)
    elif not hasattr(x, '__dlpack__'):
        raise TypeError(f"from_dlpack: x must support the DLPack protocol (__dlpack__) or "
                        f"be a DLPack capsule, got {type(x).__name__}")
    try:
        device = x.__dlpack_device__()[0]
    except AttributeError:
        device = _CPU
    if device != _CPU:
        raise DeviceError(f"from_dlpack: x lives on DLPack device type {device}; only CPU "
                          f"memory (type 1) can be imported")
    try:
        data = _onp.from_dlpack(x)
    except (BufferError, RuntimeError, TypeError) as e:
        raise TypeError(f"from_dlpack: could not import x ({e})") from None
    return wrap(data)
