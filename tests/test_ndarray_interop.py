"""ndarray's interop members (autodiff/ops/interop.py): DLPack, ``__format__``, MXNet's
storage/engine members; values of MXNet 1.9.1 from the oracle (``~/mxref``)."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import DeviceError


def test_format_of_a_0d_array_formats_its_value():
    assert f'{np.array(3.14159):.3f}' == '3.142'
    assert f'{np.array(7, dtype="int32"):04d}' == '0007'
    x = np.array([1., 2., 3.])
    assert f'{x}' == str(x) == '[1. 2. 3.]'          # MXNet 1.9.1: '[1. 2. 3.]'
    with pytest.raises(TypeError, match='only 0-d arrays'):
        f'{x:.3f}'                                    # MXNet 1.9.1 raises TypeError too


def test_conversions_to_python_and_numpy():
    x = np.array([[1., 2.], [3., 4.]])
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert x.item(3) == 4.0 and np.array(5.).item() == 5.0
    a = onp.asarray(x)
    a[0, 0] = 9
    assert float(x[0, 0]) == 1.0                      # __array__ copies (as MXNet 1.9.1)


def test_mxnet_members_that_have_nothing_to_do_here():
    x = np.ones((2, 2))
    assert x.stype == 'default' and x.writable is True     # MXNet 1.9.1: 'default', True
    assert x.wait_to_read() is None
    assert x.as_np_ndarray() is x and x.as_nd_ndarray() is x
    y = x.tostype('default')
    assert y is not x and y.tolist() == x.tolist()
    with pytest.raises(NotImplementedError, match='sparse'):
        x.tostype('csr')
    with pytest.raises(ValueError, match="stype must be"):
        x.tostype('dense')
    with pytest.raises(AttributeError, match='use x.item()'):
        x.asscalar()                                  # MXNet 1.9.1 raises AttributeError


def test_dlpack_round_trip_with_numpy_shares_memory():
    x = np.array([1., 2., 3.])
    assert x.__dlpack_device__() == (1, 0)
    a = onp.from_dlpack(x)
    a[0] = 10.
    assert float(x[0]) == 10.                          # shared
    y = np.from_dlpack(x.to_dlpack_for_read())         # a capsule (MXNet's legacy way)
    y[1] = 20.
    assert float(x[1]) == 20. and y._node is None
    z = npx.from_dlpack(onp.arange(3, dtype='int64'))
    assert z.dtype == onp.int64 and z.tolist() == [0, 1, 2]


def test_dlpack_round_trip_with_torch():
    torch = pytest.importorskip('torch')
    x = np.array([[1., 2.], [3., 4.]])
    t = torch.from_dlpack(x)
    assert t.dtype == torch.float32 and t.shape == (2, 2)
    t[0, 0] = 100.
    assert float(x[0, 0]) == 100.                       # torch sees our memory
    back = np.from_dlpack(t)
    back[1, 1] = -1.
    assert float(t[1, 1]) == -1. and float(x[1, 1]) == -1.
    w = np.from_dlpack(torch.arange(4, dtype=torch.int32))
    assert w.dtype == onp.int32 and w.writable


def test_from_dlpack_refuses_what_it_cannot_import():
    with pytest.raises(TypeError, match='DLPack protocol'):
        np.from_dlpack([1, 2])

    class OnGpu:
        def __dlpack__(self, **kw):
            raise AssertionError("not called")

        def __dlpack_device__(self):
            return (2, 0)
    with pytest.raises(DeviceError, match='only CPU'):
        np.from_dlpack(OnGpu())


def test_dlpack_export_is_a_value_read_inside_compile():
    # handing the buffer to another library reads its values: the compiler must not replay
    def fn(x):
        y = x * 2
        onp.from_dlpack(y)
        return y.sum()
    x = np.array([1., 2.])
    x.attach_grad()
    cfn = autograd.compile(fn)
    cfn(x)
    assert not cfn.compiled and '__dlpack__' in cfn.fallback_reason
