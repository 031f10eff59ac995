"""Shared helpers for the compile tests: eager runs and float64 central differences."""
import numpy as onp

from autodiff import np, autograd


def marked(data, dtype='float32', grad_req='write'):
    """A fresh autodiff array of ``data`` with ``attach_grad(grad_req)``."""
    a = np.array(onp.asarray(data, dtype=dtype), dtype=dtype)
    a.attach_grad(grad_req)
    return a


def eager(fn, *datas, dtype='float32'):
    """(value, [grad per input]) of ``fn`` run eagerly on fresh marked copies of ``datas``."""
    xs = [marked(d, dtype) for d in datas]
    with autograd.record():
        y = fn(*xs)
    y.backward()
    return y.asnumpy(), [x.grad.asnumpy() for x in xs]


def compiled_run(cfn, *datas, dtype='float32'):
    """(value, [grad per input]) of compiled ``cfn`` on fresh marked copies of ``datas``."""
    xs = [marked(d, dtype) for d in datas]
    y = cfn(*xs)
    return y.asnumpy(), [x.grad.asnumpy() for x in xs]


def central_grad(f64, x, eps=1e-5):
    """Gradient of scalar NumPy function ``f64`` at float64 ``x`` by central differences."""
    g = onp.zeros_like(x)
    for i in range(x.size):
        e = onp.zeros_like(x)
        e.flat[i] = eps
        g.flat[i] = (f64(x + e) - f64(x - e)) / (2 * eps)
    return g


def assert_close(got, want, rtol=2e-5, what=''):
    """Float32-rounding agreement, NaN where NaN, scaled by the largest finite value."""
    got, want = onp.asarray(got, onp.float64), onp.asarray(want, onp.float64)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    fin = onp.isfinite(want)
    scale = float(onp.abs(want[fin]).max()) if fin.any() else 1.0
    onp.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, equal_nan=True,
                                err_msg=what)
