"""autodiff: MXNet's ``np`` / ``npx`` / ``autograd`` API on Numba kernels, with the tape as a graph.

    from autodiff import np, npx, autograd
"""
from . import np, npx, autograd  # noqa: F401
from .ndarray import ndarray  # noqa: F401
from .errors import (AutodiffError, ShapeError, DTypeError, AxisError, GraphError,  # noqa: F401
                     FunctionError, AnomalyError)

__version__ = '0.1.0'
