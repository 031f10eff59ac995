"""Set operations on 1-D arrays: ``in1d``, ``isin``, ``intersect1d``, ``setdiff1d``,
``setxor1d``, ``union1d``.

They are sorting and searching algorithms: NumPy's implementations compute them.  Results
are sorted unique values (or bool masks) and not differentiable; their dtype is the
promoted dtype of the operands (bool for the masks), as MXNet 1.9.1 (NumPy's code) gives.
"""
import numpy as _onp

from ..ndarray import wrap
from .convert import as_array
from .core import nondiff


def _operands(a, b):
    return as_array(a), as_array(b)


def in1d(ar1, ar2, assume_unique=False, invert=False):
    """For each element of the flattened ``ar1``: whether it is in ``ar2`` (bool, 1-D)."""
    x, y = _operands(ar1, ar2)
    out = _onp.isin(x._data.reshape(-1), y._data, assume_unique=assume_unique, invert=invert)
    return nondiff('in1d', (x, y), wrap(out))


def isin(element, test_elements, assume_unique=False, invert=False):
    """For each element of ``element``: whether it is in ``test_elements`` (bool, the shape
    of ``element``)."""
    x, y = _operands(element, test_elements)
    out = _onp.isin(x._data, y._data, assume_unique=assume_unique, invert=invert)
    return nondiff('isin', (x, y), wrap(_onp.asarray(out)))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """The sorted unique values in both; with ``return_indices`` also the int64 indices of
    their first occurrences in each (flattened) input."""
    x, y = _operands(ar1, ar2)
    r = _onp.intersect1d(x._data, y._data, assume_unique, return_indices)
    if not return_indices:
        return nondiff('intersect1d', (x, y), wrap(r))
    values, i, j = r
    return tuple(nondiff('intersect1d', (x, y), wrap(v))
                 for v in (values, i.astype(_onp.int64), j.astype(_onp.int64)))


def setdiff1d(ar1, ar2, assume_unique=False):
    """The sorted unique values of ``ar1`` that are not in ``ar2``."""
    x, y = _operands(ar1, ar2)
    return nondiff('setdiff1d', (x, y), wrap(_onp.setdiff1d(x._data, y._data, assume_unique)))


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted unique values that are in exactly one of the inputs."""
    x, y = _operands(ar1, ar2)
    return nondiff('setxor1d', (x, y), wrap(_onp.setxor1d(x._data, y._data, assume_unique)))


def union1d(ar1, ar2):
    """The sorted unique values that are in either input."""
    x, y = _operands(ar1, ar2)
    return nondiff('union1d', (x, y), wrap(_onp.union1d(x._data, y._data)))
