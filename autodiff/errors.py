"""The library's exception classes.

Each subclasses the builtin a user would expect, so ``except ValueError`` keeps
working, and ``AutodiffError`` catches them all.
"""
import numpy.linalg as _numpy_linalg


class AutodiffError(Exception):
    """Base class of every error raised by autodiff itself."""


class ShapeError(AutodiffError, ValueError):
    """Operand shapes do not fit (broadcasting, matmul, head gradient, Function outputs)."""


class DTypeError(AutodiffError, TypeError):
    """An unsupported or mismatched dtype."""


class AxisError(AutodiffError, ValueError, IndexError):
    """An axis out of range for the array's number of dimensions."""


class LinAlgError(AutodiffError, _numpy_linalg.LinAlgError):
    """A linear-algebra failure: a singular matrix, one not positive definite, no convergence
    (a ``numpy.linalg.LinAlgError``, so a ValueError, as NumPy's)."""


class GraphError(AutodiffError, RuntimeError):
    """Misuse of the recorded graph: no history, freed graph, unmarked variable, in-place change."""


class FunctionError(AutodiffError, RuntimeError):
    """Misuse of a custom ``autograd.Function``."""


class DeviceError(AutodiffError, RuntimeError):
    """A device this library does not have (a GPU), or a malformed device."""


class AnomalyError(AutodiffError, FloatingPointError):
    """Raised in anomaly mode at the first op whose result holds NaN or inf."""


FREED_MESSAGE = (
    "Cannot differentiate node because it is not in a computational graph: the graph "
    "that produced it was freed by an earlier backward. If you want to differentiate "
    "the same graph twice, you need to pass retain_graph=True to backward."
)


def typename(obj):
    """``numpy.ndarray`` / ``list``: the type of ``obj`` as an error message should name it."""
    t = type(obj)
    return t.__name__ if t.__module__ == 'builtins' else f"{t.__module__}.{t.__name__}"
