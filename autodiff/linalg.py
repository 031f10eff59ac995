"""``np.linalg``: MXNet 1.9.1's 20 linear-algebra functions, over stacks of matrices.

LAPACK is NumPy's; the ops live in ``autodiff/ops/np_linalg_*.py``.  Differentiable (to any
order): ``norm``, ``inv``, ``det``, ``slogdet`` (its log), ``solve``, ``cholesky``, ``svd``,
``eigh``, ``eigvalsh``, ``qr``, ``pinv``, ``lstsq`` (solution and residuals),
``matrix_power``, ``multi_dot``, ``tensorinv``, ``tensorsolve``.  Not differentiable:
``eig``, ``eigvals`` (real eigenvalues only, as MXNet 1.9.1), ``matrix_rank``, ``cond``.
Failures (a singular matrix, one not positive definite) raise ``autodiff.errors.LinAlgError``,
a ``numpy.linalg.LinAlgError``.
"""
from . import _mxargs
from .ops.np_linalg_compose import lstsq, matrix_power, multi_dot, tensorinv, tensorsolve
from .ops.np_linalg_decomp import eig, eigh, eigvals, eigvalsh, pinv, qr, svd
from .ops.np_linalg_inverse import cholesky, det, inv, slogdet, solve
from .ops.np_linalg_norm import cond, matrix_rank, norm

# MXNet 1.9.1's keywords these functions do not implement raise NotImplementedError naming
# them; out= writes the result into an array (the table: autodiff/_mxargs.py)
_mxargs.apply(globals(), _mxargs.LINALG, 'np.linalg')

__all__ = ['cholesky', 'cond', 'det', 'eig', 'eigh', 'eigvals', 'eigvalsh', 'inv', 'lstsq',
           'matrix_power', 'matrix_rank', 'multi_dot', 'norm', 'pinv', 'qr', 'slogdet', 'solve',
           'svd', 'tensorinv', 'tensorsolve']


def __dir__():
    return __all__
