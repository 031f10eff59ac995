"""``check_grads``: backward against central differences along random directions (float64).

As HIPS autograd's ``check_grads`` does: with a random head gradient ``u`` and a
random input direction ``v``, the vector-Jacobian product from backward must
satisfy ``<vjp(u), v> == d/dt <u, f(x + t v)>`` at t = 0.  The derivative is a
fourth-order central difference, accurate to about 1e-10 in float64; where the function varies
too fast for its step, the step is refined until the estimate converges.
"""
import numpy as onp

from autodiff import np, autograd


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _as_inputs(args):
    return [np.array(onp.asarray(a, dtype=onp.float64), dtype='float64') for a in args]


def numeric_directional(fun, args, heads, directions, eps=1e-4):
    """d/dt sum_k <heads[k], fun(args + t * directions)[k]> at t = 0 (5-point stencil)."""
    def phi(t):
        xs = _as_inputs([a + t * d for a, d in zip(args, directions)])
        outs = _outputs(fun(*xs))
        return sum(float(onp.sum(h * o.asnumpy().astype(onp.float64)))
                   for h, o in zip(heads, outs))
    return (-phi(2 * eps) + 8 * phi(eps) - 8 * phi(-eps) + phi(-2 * eps)) / (12 * eps)


def _refined(fun, args, heads, dirs, numeric, tol, eps=1e-4, halvings=5):
    """A converged reference where the default step is too coarse (a fast-varying function:
    ``sin`` of a value in the thousands): halve the step until the estimate's error, from
    its change over the last halving (the stencil's error falls 16-fold per halving, so it
    is about that change / 15), is within a quarter of the tolerance; the first estimate
    if it never is."""
    previous = numeric
    for _ in range(halvings):
        eps /= 2
        estimate = numeric_directional(fun, args, heads, dirs, eps=eps)
        if abs(estimate - previous) / 15 <= tol / 4:
            return estimate
        previous = estimate
    return numeric


def check_grads(fun, *args, directions=2, rtol=1e-6, atol=1e-9, seed=0):
    """Assert that backward through ``fun`` matches central differences.

    ``fun`` takes autodiff arrays (one per entry of ``args``, float64) and returns an
    array or a list/tuple of arrays; ``args`` are array-likes (the point).  Also
    checks that every gradient has its input's shape and dtype.  Returns the
    analytic gradients as NumPy arrays, so tests can add expected-value checks.
    """
    rng = onp.random.default_rng(seed)
    args = [onp.asarray(a, dtype=onp.float64) for a in args]
    xs = _as_inputs(args)
    for x in xs:
        x.attach_grad()
    with autograd.record():
        outs = _outputs(fun(*xs))
    for o in outs:
        assert o.dtype == onp.float64, f"float64 inputs gave a {o.dtype} output"
    heads = [rng.standard_normal(o.shape) for o in outs]
    autograd.backward(outs, [np.array(h, dtype='float64') for h in heads])
    grads = []
    for i, x in enumerate(xs):
        g = x.grad
        assert g.shape == x.shape, f"gradient {i} has shape {g.shape}, input has {x.shape}"
        assert g.dtype == x.dtype, f"gradient {i} has dtype {g.dtype}, input has {x.dtype}"
        grads.append(g.asnumpy())
    # The stencil's own rounding error: each phi(t) carries a few ulps (16 here) of its terms'
    # magnitude (the program's float64 rounding), and the stencil divides by 12 * eps (1.5 /
    # eps for its 18 weighted terms).  Where a derivative is ~0 beside large values, this,
    # not atol, is what central differences can resolve.
    magnitude = sum(float(onp.sum(onp.abs(h * o.asnumpy()))) for h, o in zip(heads, outs))
    noise = 1.5 * 16 * onp.finfo(onp.float64).eps * magnitude / 1e-4
    for k in range(directions):
        dirs = [rng.standard_normal(a.shape) for a in args]
        analytic = sum(float(onp.sum(g * d)) for g, d in zip(grads, dirs))
        numeric = numeric_directional(fun, args, heads, dirs)
        tol = atol + noise + rtol * max(abs(analytic), abs(numeric))
        if abs(analytic - numeric) > tol:
            numeric = _refined(fun, args, heads, dirs, numeric, tol)
            tol = atol + noise + rtol * max(abs(analytic), abs(numeric))
        assert abs(analytic - numeric) <= tol, (
            f"direction {k}: backward gives {analytic!r}, central differences give "
            f"{numeric!r} (difference {abs(analytic - numeric):.3g} > tolerance {tol:.3g})")
    return grads
