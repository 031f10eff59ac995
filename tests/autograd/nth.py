"""n-th order derivatives through ``autograd.grad(create_graph=True)`` and their numeric check.

``derivative(f, n, heads, xs)`` is D_n: D_0 = the outputs of ``f(*xs)``, and D_k is the
gradient of ``<heads[k-1], D_{k-1}>`` with respect to ``xs`` (one array per input),
computed with ``create_graph=True`` so it can be differentiated again.  For an
elementwise f of one input, D_n = f^(n)(x) * heads[0] * ... * heads[n-1] (what MXNet's
``check_nth_order_unary`` asserts).

``check_nth_order(f, args, n)`` compares D_n against central differences of D_{n-1}
in float64 along random directions d (as HIPS autograd's ``check_grads``):
``<D_n(x), d> == d/dt <heads[n-1], D_{n-1}(x + t d)>`` at t = 0.
"""
import numpy as onp

from autodiff import np, autograd


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def marked(args, dtype='float64'):
    """Fresh autodiff arrays of ``args`` in ``dtype``, each with ``attach_grad()``."""
    xs = [np.array(onp.asarray(a), dtype=dtype) for a in args]
    for x in xs:
        x.attach_grad()
    return xs


def derivative(f, n, heads, xs):
    """D_n of ``f`` at the marked arrays ``xs``, contracted with ``heads[0..n-1]``."""
    dtype = xs[0].dtype
    with autograd.record():
        outs = as_list(f(*xs))
        for k in range(n):
            hg = [np.array(h, dtype=dtype) for h in heads[k]]
            outs = autograd.grad(outs, xs, head_grads=hg, create_graph=True)
    return outs


def random_heads(f, args, n, rng):
    """Head gradients for levels 0..n-1: level 0 shaped like f's outputs, then like ``args``."""
    outs = as_list(f(*[np.array(onp.asarray(a), dtype='float64') for a in args]))
    heads = [[rng.standard_normal(o.shape) for o in outs]]
    for _ in range(1, n):
        heads.append([rng.standard_normal(onp.shape(a)) for a in args])
    return heads


def _inner(hs, arrays):
    return sum(float(onp.sum(h * a.asnumpy())) for h, a in zip(hs, arrays))


def check_nth_order(f, args, n, seed=0, directions=2, eps=1e-3, rtol=1e-6, atol=1e-8):
    """Assert that D_n of ``f`` at ``args`` matches central differences of D_{n-1} (float64).

    Returns D_n as NumPy arrays (one per input)."""
    rng = onp.random.default_rng(seed)
    args = [onp.asarray(a, dtype=onp.float64) for a in args]
    heads = random_heads(f, args, n, rng)
    dn = derivative(f, n, heads, marked(args))
    for i, (g, a) in enumerate(zip(dn, args)):
        assert g.shape == a.shape, f"order {n}: gradient {i} has shape {g.shape}, input {a.shape}"
        assert g.dtype == onp.float64, f"order {n}: gradient {i} has dtype {g.dtype}"
    dn = [g.asnumpy() for g in dn]

    def phi(t, d):
        xs = marked([a + t * di for a, di in zip(args, d)])
        return _inner(heads[n - 1], derivative(f, n - 1, heads, xs))

    for k in range(directions):
        d = [rng.standard_normal(a.shape) for a in args]
        numeric = (-phi(2 * eps, d) + 8 * phi(eps, d) - 8 * phi(-eps, d)
                   + phi(-2 * eps, d)) / (12 * eps)
        analytic = sum(float(onp.sum(g * di)) for g, di in zip(dn, d))
        tol = atol + rtol * max(abs(analytic), abs(numeric))
        assert abs(analytic - numeric) <= tol, (
            f"order {n}, direction {k}: autograd gives {analytic!r}, central differences of "
            f"order {n - 1} give {numeric!r} "
            f"(difference {abs(analytic - numeric):.3g} > {tol:.3g})")
    return dn
