"""MXNet's higher-order test list (``test_higher_order_grad.py``) against analytic formulas.

As MXNet's ``check_nth_order_unary``: with random head gradients h1..hn at each level,
the n-th ``autograd.grad(create_graph=True)`` of an elementwise f must equal
f^(n)(x) * h1 * ... * hn.  The formulas are written out in NumPy (float64) and
compared in float32 (the default dtype, as MXNet tests) and in float64.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd

from .nth import derivative, marked

SHAPES = [(5,), (2, 3), (2, 1, 3), (1, 2, 2, 2)]


def _sig(x):
    return 1 / (1 + onp.exp(-x))


# name -> (f, domain (low, high, away-from-zero?), {order: formula})
FORMULAS = {
    'sin': (np.sin, (-3, 3), {1: onp.cos, 2: lambda x: -onp.sin(x), 3: lambda x: -onp.cos(x)}),
    'cos': (np.cos, (-3, 3), {1: lambda x: -onp.sin(x), 2: lambda x: -onp.cos(x),
                              3: onp.sin}),
    'tan': (np.tan, (-1, 1), {2: lambda x: 2 * onp.tan(x) / onp.cos(x) ** 2}),
    'sinh': (np.sinh, (-2, 2), {2: onp.sinh}),
    'cosh': (np.cosh, (-2, 2), {2: onp.cosh}),
    'tanh': (np.tanh, (-2, 2), {1: lambda x: 1 - onp.tanh(x) ** 2,
                                2: lambda x: -2 * onp.tanh(x) * (1 - onp.tanh(x) ** 2)}),
    'arcsin': (np.arcsin, (-.9, .9), {2: lambda x: x / onp.sqrt((1 - x ** 2) ** 3)}),
    'arccos': (np.arccos, (-.9, .9), {2: lambda x: -x / onp.sqrt((1 - x ** 2) ** 3)}),
    'arctan': (np.arctan, (-3, 3), {2: lambda x: -2 * x / (1 + x ** 2) ** 2}),
    'arcsinh': (np.arcsinh, (-2, 2), {2: lambda x: -x / onp.sqrt((x ** 2 + 1) ** 3)}),
    'arccosh': (np.arccosh, (1.5, 5), {2: lambda x: -x / (onp.sqrt(x - 1) * onp.sqrt(x + 1)
                                                         * (x + 1) * (x - 1))}),
    'arctanh': (np.arctanh, (-.9, .9), {2: lambda x: 2 * x / (1 - x ** 2) ** 2}),
    'relu': (npx.relu, (.2, 2, True), {1: lambda x: (x > 0) * 1.0, 2: onp.zeros_like}),
    'log': (np.log, (.5, 3), {1: lambda x: 1 / x, 2: lambda x: -1 / x ** 2}),
    'log2': (np.log2, (.5, 3), {2: lambda x: -1 / (x ** 2 * onp.log(2))}),
    'log10': (np.log10, (.5, 3), {2: lambda x: -1 / (x ** 2 * onp.log(10))}),
    'square': (np.square, (-2, 2), {2: lambda x: onp.full_like(x, 2.0)}),
    'expm1': (np.expm1, (-2, 2), {2: onp.exp}),
    'log1p': (np.log1p, (-.5, 2), {2: lambda x: -1 / (1 + x) ** 2}),
    'reciprocal': (np.reciprocal, (.5, 2, True), {2: lambda x: 2 / x ** 3}),
    'abs': (np.abs, (.2, 2, True), {1: onp.sign, 2: onp.zeros_like}),
    'clip': (lambda x: np.clip(x, -.6, .6), (.1, 1.5, True), {
        1: lambda x: (onp.abs(x) <= .6) * 1.0, 2: onp.zeros_like}),
    'sigmoid': (npx.sigmoid, (-3, 3), {
        1: lambda x: _sig(x) * (1 - _sig(x)),
        2: lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x))}),
    'sqrt': (np.sqrt, (.5, 3), {2: lambda x: -1 / (4 * onp.sqrt(x ** 3))}),
    'cbrt': (np.cbrt, (.5, 3, True), {2: lambda x: -2 / (9 * onp.cbrt(x ** 5))}),
}
# Beyond MXNet's list: more ops and third orders.
FORMULAS.update({
    'exp': (np.exp, (-2, 2), {1: onp.exp, 2: onp.exp, 3: onp.exp}),
    'negative': (np.negative, (-2, 2), {1: lambda x: -onp.ones_like(x), 2: onp.zeros_like}),
    'sign': (np.sign, (.2, 2, True), {1: onp.zeros_like, 2: onp.zeros_like}),
    'floor': (np.floor, (.1, .9), {1: onp.zeros_like, 2: onp.zeros_like}),
    'log third': (np.log, (.5, 3), {3: lambda x: 2 / x ** 3}),
    'sqrt third': (np.sqrt, (.5, 3), {3: lambda x: 3 / (8 * x ** 2.5)}),
    'square third': (np.square, (-2, 2), {3: onp.zeros_like}),
    'reciprocal third': (np.reciprocal, (.5, 2, True), {3: lambda x: -6 / x ** 4}),
    'sinh third': (np.sinh, (-2, 2), {3: onp.cosh}),
    'cosh third': (np.cosh, (-2, 2), {3: onp.sinh}),
    'expm1 third': (np.expm1, (-2, 2), {3: onp.exp}),
    'tanh third': (np.tanh, (-2, 2), {3: lambda x: (1 - onp.tanh(x) ** 2)
                                      * (6 * onp.tanh(x) ** 2 - 2)}),
    'sigmoid third': (npx.sigmoid, (-3, 3), {3: lambda x: _sig(x) * (1 - _sig(x))
                                             * (1 - 6 * _sig(x) + 6 * _sig(x) ** 2)}),
    'relu third': (npx.relu, (.2, 2, True), {3: onp.zeros_like}),
})


def _points(shape, domain, rng):
    low, high = domain[:2]
    x = rng.uniform(low, high, shape)
    if len(domain) == 3:
        x = x * rng.choice([-1.0, 1.0], shape)
    return x


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('name', sorted(FORMULAS))
def test_nth_order_against_formula(name, dtype):
    f, domain, formulas = FORMULAS[name]
    rng = onp.random.default_rng(sum(map(ord, name)))
    top = max(formulas)
    rtol, atol = (2e-4, 1e-5) if dtype == 'float32' else (1e-10, 1e-12)
    for shape in SHAPES:
        x = _points(shape, domain, rng)
        x_in = x.astype(dtype).astype(onp.float64)      # the value the library really sees
        heads = [[rng.standard_normal(shape)] for _ in range(top)]
        for order, formula in formulas.items():
            (got,) = derivative(f, order, heads, marked([x], dtype))
            assert got.dtype == onp.dtype(dtype)
            expected = formula(x_in) * onp.prod([h[0] for h in heads[:order]], axis=0)
            onp.testing.assert_allclose(got.asnumpy(), expected, rtol=rtol, atol=atol,
                                        err_msg=f"{name}: order {order}, shape {shape}")


def test_second_order_by_backward_like_mxnet():
    """MXNet's ``check_second_order_unary``: grad(create_graph=True) then ``.backward()``."""
    rng = onp.random.default_rng(7)
    x = np.array(rng.uniform(.5, 2, (3, 4)))
    x.attach_grad()
    h1, h2 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    with autograd.record():
        y = np.log(x)
        (gx,) = autograd.grad(y, x, head_grads=np.array(h1), create_graph=True,
                              retain_graph=True)
    gx.backward(np.array(h2))
    onp.testing.assert_allclose(x.grad.asnumpy(), -1 / x.asnumpy() ** 2 * h1 * h2,
                                rtol=1e-5)


def _arange_like(shape):
    return onp.arange(onp.prod(shape), dtype=onp.float32).reshape(shape)


@pytest.mark.parametrize('batch, n_in, hidden', [(2, 3, 1), (3, 4, 2), (4, 2, 3)])
def test_dense_layer_mixed_second_derivatives(batch, n_in, hidden):
    """MXNet's ``test_dense_backward``: y = x @ w.T + b, mixed second derivatives.

    With head gradients o_y, o_x, o_w (arange, exact in float32):
    d/dw <o_x, dy/dx> = o_y.T @ o_x and d/dx <o_w, dy/dw> = o_y @ o_w.
    """
    x = np.array(_arange_like((batch, n_in)))
    w = np.full((hidden, n_in), 0.5)
    b = np.full((hidden,), 0.5)
    for a in (x, w, b):
        a.attach_grad()
    o_y = _arange_like((batch, hidden))
    with autograd.record():
        y = x @ w.T + b
        (x_grad,) = autograd.grad(y, x, head_grads=np.array(o_y), create_graph=True,
                                  retain_graph=True)
        o_x = _arange_like(x_grad.shape)
        (w_grad_grad,) = autograd.grad(x_grad, w, head_grads=np.array(o_x))
        (w_grad,) = autograd.grad(y, w, head_grads=np.array(o_y), create_graph=True,
                                  retain_graph=True)
        o_w = _arange_like(w_grad.shape)
        x_grad_grad, b_grad_grad = autograd.grad(w_grad, [x, b], head_grads=np.array(o_w))
    xs, ws = x.asnumpy(), w.asnumpy()
    onp.testing.assert_array_equal(x_grad.asnumpy(), o_y @ ws)
    onp.testing.assert_array_equal(w_grad.asnumpy(), o_y.T @ xs)
    onp.testing.assert_array_equal(w_grad_grad.asnumpy(), o_y.T @ o_x)
    onp.testing.assert_array_equal(x_grad_grad.asnumpy(), o_y @ o_w)
    onp.testing.assert_array_equal(b_grad_grad.asnumpy(), onp.zeros(hidden))  # unreached: 0
    assert x.grad.asnumpy().sum() == 0 and w.grad.asnumpy().sum() == 0   # grad() left .grad


def _falling(y, n):
    out = onp.ones_like(y)
    for k in range(n):
        out = out * (y - k)
    return out


# name -> (f, x domain, y domain, {order: (d^n/dx^n, d^n/dy^n)})
BINARY_FORMULAS = {
    'power': (np.power, (.5, 2), (-1.5, 2.5), {
        n: (lambda x, y, n=n: _falling(y, n) * x ** (y - n),
            lambda x, y, n=n: x ** y * onp.log(x) ** n) for n in (1, 2, 3)}),
    'divide': (np.divide, (-2, 2), (.5, 2), {
        1: (lambda x, y: 1 / y, lambda x, y: -x / y ** 2),
        2: (lambda x, y: 0 * x, lambda x, y: 2 * x / y ** 3),
        3: (lambda x, y: 0 * x, lambda x, y: -6 * x / y ** 4)}),
    'multiply': (np.multiply, (-2, 2), (-2, 2), {
        1: (lambda x, y: y, lambda x, y: x),
        2: (lambda x, y: 0 * x, lambda x, y: 0 * y)}),
}


@pytest.mark.parametrize('name', sorted(BINARY_FORMULAS))
def test_pure_partial_derivatives_of_binary_ops(name):
    """MXNet's ``check_nth_order_binary``: repeated grad keeping one input's component."""
    f, xd, yd, formulas = BINARY_FORMULAS[name]
    rng = onp.random.default_rng(3)
    shape = (2, 3)
    x, y = rng.uniform(*xd, shape), rng.uniform(*yd, shape)
    for which in (0, 1):
        xs = marked([x, y])
        heads = [rng.standard_normal(shape) for _ in range(max(formulas))]
        with autograd.record():
            d = f(*xs)
            for order in range(1, max(formulas) + 1):
                d = autograd.grad(d, xs, head_grads=np.array(heads[order - 1], dtype='float64'),
                                  create_graph=True)[which]
                expected = formulas[order][which](x, y) * onp.prod(heads[:order], axis=0)
                onp.testing.assert_allclose(d.asnumpy(), expected, rtol=1e-10, atol=1e-12,
                                            err_msg=f"{name}: order {order}, input {which}")
