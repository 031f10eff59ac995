"""``import autodiff as mx`` for MXNet code: mx.np / npx / autograd / nd / random / context,
``autodiff.numpy`` and ``autodiff.numpy_extension``, and ``mx.test_utils`` (values and
messages from the MXNet 1.9.1 oracle, ``~/mxref``)."""
import os
import subprocess
import sys

import numpy as onp
import pytest

import autodiff as mx
from autodiff.errors import DeviceError

ND_NAMES = os.path.join(os.path.dirname(__file__), 'data', 'mxnet_1_9_1', 'nd_names.txt')


def test_the_mxnet_module_names_are_the_same_modules():
    import autodiff.numpy
    import autodiff.numpy.random
    import autodiff.numpy_extension
    assert autodiff.numpy is mx.np and autodiff.numpy_extension is mx.npx
    assert autodiff.numpy.random is mx.np.random
    from autodiff.numpy import array
    assert array is mx.np.array


def test_every_submodule_of_np_and_npx_imports_under_the_mxnet_name():
    # np.random today; np.linalg (and any later one) the same way
    import importlib
    import types
    for alias, mod in (('numpy', mx.np), ('numpy_extension', mx.npx)):
        subs = [n for n, v in vars(mod).items()
                if isinstance(v, types.ModuleType) and not n.startswith('_')
                and v.__name__.startswith('autodiff')]
        for name in subs:
            assert importlib.import_module(f'autodiff.{alias}.{name}') is getattr(mod, name)
    assert 'random' in dir(mx.numpy)


def test_devices_and_seed_at_the_top_level():
    assert str(mx.cpu()) == 'cpu(0)' and str(mx.gpu(1)) == 'gpu(1)'    # MXNet's text
    assert mx.context.cpu() == mx.cpu() and mx.context.current_context() == mx.cpu()
    mx.random.seed(7)
    a = mx.np.random.uniform(size=3)
    mx.random.seed(7)
    assert mx.np.random.uniform(size=3).tolist() == a.tolist()


def test_nd_and_test_utils_load_lazily():
    code = ("import sys, autodiff as mx; assert 'autodiff.nd' not in sys.modules; "
            "assert 'autodiff.test_utils' not in sys.modules; mx.nd.array([1]); "
            "assert 'autodiff.nd' in sys.modules; print('ok')")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__)))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == 'ok', out.stderr


def test_every_nd_name_is_mxnets_legacy_name():
    with open(ND_NAMES) as f:
        mxnet = {line.strip() for line in f if line.strip() and not line.startswith('#')}
    assert len(mxnet) == 333
    ours = set(mx.nd.__all__)
    assert ours <= mxnet, sorted(ours - mxnet)
    assert len(ours) > 100


def test_nd_functions_compute_what_the_legacy_ones_do():
    nd = mx.nd
    x = nd.array([[1, 2], [3, 4]])
    assert x.dtype == onp.float32 and isinstance(x, nd.NDArray)   # legacy: float32
    onp.testing.assert_array_equal(nd.broadcast_add(x, nd.ones((1, 2))).asnumpy(),
                                   [[2, 3], [4, 5]])
    onp.testing.assert_array_equal(nd.lesser(x, 2.5).asnumpy(), [[True, True], [False, False]])
    onp.testing.assert_array_equal(nd.modulo(x, 3).asnumpy(), [[1, 2], [0, 1]])
    onp.testing.assert_array_equal(nd.dot(x, x).asnumpy(), [[7, 10], [15, 22]])
    onp.testing.assert_allclose(nd.exp(x).asnumpy(), onp.exp([[1, 2], [3, 4]]), rtol=1e-6)
    assert nd.waitall() is None
    cap = nd.to_dlpack_for_write(x)
    y = nd.from_dlpack(cap)
    y[0, 0] = -1
    assert float(x[0, 0]) == -1                       # shared, as MXNet's DLPack is


# ---- test_utils ------------------------------------------------------------------------------
A = [[1., 2., 3.], [4., 5., 6.]]
B = [[1., 2.5, 3.], [4., 5., 9.]]


def test_assert_almost_equal_uses_the_per_dtype_tolerances():
    from autodiff.test_utils import assert_almost_equal
    np = mx.np
    assert_almost_equal(np.array([1.0]), np.array([1.0005]))          # float32: 1e-4 / 1e-3
    with pytest.raises(AssertionError):                                # float64: 1e-5 / 1e-20
        assert_almost_equal(onp.array([1.0]), onp.array([1.0005]))
    assert_almost_equal(np.array([1.0, onp.nan]), np.array([1.0, onp.nan]), equal_nan=True)
    with pytest.raises(AssertionError):
        assert_almost_equal(np.array([1.0, onp.nan]), np.array([1.0, onp.nan]))
    assert_almost_equal(np.array([1.0]), [1.0005])                   # lists and numbers too
    assert_almost_equal(3, np.array(3.0))
    assert_almost_equal(np.array([1.0]), np.array([1.1]), rtol=0.2, atol=0)


def test_assert_almost_equal_message_is_mxnets():
    from autodiff.test_utils import assert_almost_equal
    a, b = mx.np.array(A), mx.np.array(B)
    # the message MXNet 1.9.1 gives for these arrays (oracle)
    with pytest.raises(AssertionError) as e:
        assert_almost_equal(a, b)
    assert ("Error 1578.947388 exceeds tolerance rtol=1.000000e-04, atol=1.000000e-03 "
            "(mismatch 33.333333%).\nLocation of maximum error: (1, 2), a=6.00000000, "
            "b=9.00000000") in str(e.value)
    with pytest.raises(AssertionError) as e:
        assert_almost_equal(a, b, names=('x', 'y'), mismatches=(1, 1))
    assert ("(mismatch at least 33.333333%).\nLocation of maximum error: (1, 2), "
            "x=6.00000000, y=9.00000000") in str(e.value)
    with pytest.raises(AssertionError, match='are not equal'):
        assert_almost_equal(a, mx.np.ones((1, 3)), use_broadcast=False)


def test_the_other_test_utils():
    tu = mx.test_utils
    # almost_equal's fixed defaults (rtol 1e-5, atol 1e-20): oracle True, False
    assert tu.almost_equal(onp.array([1.0]), onp.array([1.000001])) is True
    assert tu.almost_equal(onp.array([1.0]), onp.array([1.0001])) is False
    assert tu.same(mx.np.array(A), onp.array(A, 'float32')) and not tu.same(A, B)
    tu.assert_allclose(A, A)
    with pytest.raises(AssertionError):
        tu.assert_allclose(A, B)
    tu.assert_almost_equal_ignore_nan(onp.array([1., onp.nan]), onp.array([1., 5.]))
    tu.assert_exception(mx.np.ones((2,)).reshape, ValueError, (3,))
    with pytest.raises(AssertionError, match='did not raise'):
        tu.assert_exception(lambda: None, ValueError)
    x = mx.np.zeros((3, 2))
    assert tu.same_array(x, x[1:]) and not tu.same_array(x, x.copy())
    assert tu.default_dtype() == onp.float32
    assert tu.get_rtol() == 1e-5 and tu.get_atol(dtype=onp.float32) == 1e-3


def test_default_context_and_random_helpers():
    tu = mx.test_utils
    assert tu.default_context() == mx.cpu()
    tu.set_default_context(mx.cpu(1))
    try:
        assert tu.default_context() == mx.cpu(1) and mx.np.ones(2).ctx == mx.cpu(1)
    finally:
        tu.set_default_context(mx.cpu())
    with pytest.raises(DeviceError):
        tu.set_default_context(mx.gpu())
    onp.random.seed(0)
    shape = tu.rand_shape_nd(3, dim=4)
    assert len(shape) == 3 and all(1 <= n <= 4 for n in shape)
    assert all(0 <= n <= 2 for n in tu.rand_shape_nd(20, 2, allow_zero_size=True))
    assert len(tu.rand_shape_2d()) == 2 and len(tu.rand_shape_3d(2, 2, 2)) == 3
    r = tu.rand_ndarray((4, 5))
    assert r.shape == (4, 5) and r.dtype == onp.float32
    assert -1 <= float(r.min()) and float(r.max()) < 1
    assert tu.rand_ndarray((2,), dtype='float64').dtype == onp.float64
    with pytest.raises(NotImplementedError, match='sparse'):
        tu.rand_ndarray((2, 2), stype='csr')
