"""Shared test utilities: NumPy-reference comparison, memory layouts, gradient checks.

The test packages ``kernels`` and ``ops`` put ``tests/`` on ``sys.path`` (pytest's
default rootdir insertion for packages), so tests import this as ``helpers``.
"""
from .arrays import (FLOATS, TOL, assert_close, assert_same, layout_pair, LAYOUTS, sample)
from .gradcheck import check_grads, numeric_directional
from .optable import (UNARY, UNARY_BY_NAME, ZERO_GRAD, SPECIAL, BINARY, BINARY_BY_NAME,
                      PREDICATES, NONDIFF_BINARY)

__all__ = ['FLOATS', 'TOL', 'assert_close', 'assert_same', 'layout_pair', 'LAYOUTS', 'sample',
           'check_grads', 'numeric_directional', 'UNARY', 'UNARY_BY_NAME', 'ZERO_GRAD',
           'SPECIAL', 'BINARY', 'BINARY_BY_NAME', 'PREDICATES', 'NONDIFF_BINARY']
