"""Products beyond 2-D @ 2-D compile: ``(..., K) @ (K, M)`` (a Dense layer with
``flatten=False``: one GEMM over the merged leading axes) and stacks of the same batch
(``batch_dot``, and the weight gradient of the former), and arithmetic on two masks stays a
mask (``m1 * m2``).  Each compiled replay equals eager mode (float32 rounding) and runs
its products as BLAS steps; float64 gradients equal central differences."""
import numpy as onp

from autodiff import np, npx, autograd
from .helpers import eager, compiled_run, assert_close, central_grad


def _fn(x, w, a, b):
    h = np.tanh(x @ w)                                   # (2, 3, 4) @ (4, 5)
    m = (h > 0.1) * (h < 0.6)                            # a mask times a mask
    return (h * m).sum() + (npx.batch_dot(a, b) ** 2).sum() + (h @ a.swapaxes(1, 2)).sum()


_SHAPES = [(2, 3, 4), (4, 5), (2, 6, 5), (2, 5, 3)]


def test_stacked_products_compile_and_equal_eager():
    rng = onp.random.default_rng(0)
    cf = autograd.compile(_fn)
    compiled_run(cf, *[rng.uniform(-1, 1, s) for s in _SHAPES])
    datas = [rng.uniform(-1, 1, s) for s in _SHAPES]
    v, g = compiled_run(cf, *datas)
    assert cf.compiled, cf.fallback_reason
    assert [st.kind for st in cf.program.steps].count('matmul') >= 3
    ev, eg = eager(_fn, *datas)
    assert_close(v, ev, what='value')
    for k, (a, b) in enumerate(zip(g, eg)):
        assert_close(a, b, what=f'gradient {k}')


def test_stacked_products_match_central_differences_in_float64():
    rng = onp.random.default_rng(1)
    cf = autograd.compile(_fn)
    compiled_run(cf, *[rng.uniform(-1, 1, s) for s in _SHAPES], dtype='float64')
    datas = [rng.uniform(-1, 1, s) for s in _SHAPES]
    _, grads = compiled_run(cf, *datas, dtype='float64')
    assert cf.compiled, cf.fallback_reason

    def f64(*ds):
        with autograd.pause():
            return float(_fn(*[np.array(d) for d in ds]).asnumpy())
    for k in range(4):
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(grads[k], central_grad(partial, datas[k]), rtol=1e-6, what=f'grad {k}')
