"""np's utilities and constants (autodiff/nputils.py) against NumPy and MXNet 1.9.1."""
import math

import numpy as onp
import pytest

from autodiff import np
from tests.helpers.gradcheck import check_grads


def test_constants_and_bool_are_mxnets():
    # MXNet 1.9.1: np.bool is Python's bool; NAN/NaN nan, NINF -inf, PINF inf, NZERO -0.0
    assert np.bool is bool
    assert np.ones(2, dtype=np.bool).dtype == onp.bool_
    assert math.isnan(np.NAN) and math.isnan(np.NaN)
    assert np.PINF == math.inf and np.NINF == -math.inf
    assert np.PZERO == 0.0 and math.copysign(1, np.PZERO) == 1
    assert np.NZERO == 0.0 and math.copysign(1, np.NZERO) == -1


def test_dtype_rules_are_numpys_and_take_arrays():
    assert np.finfo(np.float32).eps == onp.finfo(onp.float32).eps
    assert np.promote_types('int32', 'float32') == onp.float64
    assert np.min_scalar_type(10) == onp.uint8
    # MXNet 1.9.1's result_type raises TypeError on its own arrays (a defect not copied)
    assert np.result_type(np.ones(2), np.array(onp.ones(1, 'int32'))) == onp.float64
    assert np.result_type('int32', onp.float32) == onp.float64


def test_memory_sharing_follows_the_library_views():
    x = np.zeros((3, 4))
    # MXNet 1.9.1: x[0] shares memory (first-axis slice), x[:, 0] is a copy
    assert np.may_share_memory(x, x[1]) and np.shares_memory(x, x[1])
    assert not np.may_share_memory(x[:, 0], x[:, 1])
    assert not np.shares_memory(x, x.copy())
    with pytest.raises(TypeError, match='b must be an array'):
        np.shares_memory(x, [1, 2])


def test_set_printoptions_takes_precision_and_threshold_only():
    saved = onp.get_printoptions()
    try:
        np.set_printoptions(precision=2)
        assert str(np.array([1.23456])) == '[1.23]'
        np.set_printoptions(threshold=5)
        assert '...' in str(np.arange(10))
        with pytest.raises(NotImplementedError, match='suppress'):
            np.set_printoptions(suppress=True)        # MXNet 1.9.1 raises this too
    finally:
        onp.set_printoptions(**saved)


def test_genfromtxt_keeps_numpys_dtype(tmp_path):
    p = tmp_path / 't.csv'
    p.write_text('1,2\n3,4\n')
    a = np.genfromtxt(str(p), delimiter=',')
    assert a.dtype == onp.float64 and a.tolist() == [[1., 2.], [3., 4.]]   # as MXNet 1.9.1
    assert np.genfromtxt(str(p), delimiter=',', dtype='int32').dtype == onp.int32


def test_real_is_a_differentiable_copy():
    x = np.array([1., -2.])
    r = np.real(x)
    r[0] = 5.
    assert float(x[0]) == 1.                          # a copy (as MXNet 1.9.1)
    check_grads(lambda a: np.real(a) * a, [0.5, -1.5])
