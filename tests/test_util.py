"""autodiff.util (mx.util): MXNet 1.9.1's numpy-mode switches, always on here.

Expected behaviour from MXNet 1.9.1's ``mxnet/util.py``: the queries answer True after
``npx.set_np()``, the decorators keep functions working, ``np_ufunc_legal_option`` and the
ufunc wrappers follow its rules; switching numpy mode off is refused (no legacy mode here).
"""
import os
import subprocess
import sys

import pytest

import autodiff as mx
from autodiff import np
from autodiff.errors import DeviceError


def test_reachable_as_mx_util_and_imported_lazily():
    assert mx.util.is_np_array() is True and mx.util.is_np_shape() is True
    code = ("import sys, autodiff, autodiff.gluon; "
            "assert 'autodiff.util' not in sys.modules; "
            "assert 'autodiff.gluon.model_zoo' not in sys.modules; "
            "autodiff.util; autodiff.gluon.model_zoo; "
            "assert 'autodiff.gluon.model_zoo.vision' in sys.modules")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, '-c', code], check=True, env=env)


def test_switches_on_are_accepted_and_off_refused():
    mx.util.set_np()
    mx.util.reset_np()
    assert mx.util.set_np_shape(True) is True
    with mx.util.np_shape(), mx.util.np_array():
        assert np.ones(()).shape == ()
    with pytest.raises(NotImplementedError, match='only numpy mode'):
        mx.util.set_np_shape(False)
    with pytest.raises(NotImplementedError, match='only numpy mode'):
        with mx.util.np_array(False):
            pass
    with pytest.raises(NotImplementedError, match='only numpy mode'):
        mx.util.set_np(shape=False)


def test_use_np_decorators_keep_functions_and_classes():
    @mx.util.use_np
    def f(x):
        return x * 2

    @mx.util.use_np_shape
    class C:
        def g(self):
            return np.zeros((0, 3)).shape
    assert float(f(np.array(2.0))) == 4.0 and C().g() == (0, 3)
    with pytest.raises(TypeError, match='can only decorate classes and callable objects'):
        mx.util.use_np_array(3)


def test_ufunc_options_and_wrappers_follow_mxnet():
    legal = mx.util.np_ufunc_legal_option
    assert legal('where', False) and legal('casting', 'unsafe') and not legal('casting', 'x')
    assert legal('dtype', 'float16') and not legal('dtype', 'complex64')
    assert legal('order', 'C') and legal('subok', False) and not legal('nonsense', 1)
    add = mx.util.wrap_np_binary_func(lambda a, b, out=None: a + b)
    assert add(1, 2, casting='same_kind') == 3
    with pytest.raises(NotImplementedError, match='casting=unsafe is not implemented'):
        add(1, 2, casting='unsafe')
    with pytest.raises(TypeError, match='is an invalid keyword'):
        add(1, 2, nonsense=1)
    neg = mx.util.wrap_np_unary_func(lambda a, out=None: -a)
    with pytest.raises(TypeError, match='not understood'):
        neg(1, order=3)


def test_env_gpu_and_set_module(monkeypatch):
    monkeypatch.delenv('AUTODIFF_TEST_VAR', raising=False)
    assert mx.util.getenv('AUTODIFF_TEST_VAR') is None
    mx.util.setenv('AUTODIFF_TEST_VAR', '7')
    assert mx.util.getenv('AUTODIFF_TEST_VAR') == '7' == os.environ['AUTODIFF_TEST_VAR']
    mx.util.setenv('AUTODIFF_TEST_VAR', None)
    assert 'AUTODIFF_TEST_VAR' not in os.environ
    assert mx.util.get_gpu_count() == 0
    with pytest.raises(DeviceError, match='no GPU'):
        mx.util.get_gpu_memory(0)

    @mx.util.set_module('mxnet.numpy')
    def h():
        pass
    assert h.__module__ == 'mxnet.numpy'
