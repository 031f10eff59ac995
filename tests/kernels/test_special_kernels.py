"""Special-function and activation kernels against scipy.special (float32 and float64),
with NaN, +-inf, +-0, poles and the far tails of erfinv."""
import math

import numpy as onp
import pytest
import scipy.special as ss
from hypothesis import given, settings, strategies as st

from autodiff.kernels import special as K
from autodiff.kernels import activation as KA

FLOATS = (onp.float32, onp.float64)
RTOL = {onp.float32: 2e-6, onp.float64: 1e-13}


def run(code, x):
    out = onp.empty_like(x)
    K.special(code, x.reshape(-1), out.reshape(-1))
    return out


def run_pg(n, x):
    out = onp.empty_like(x)
    K.polygamma(n, x.reshape(-1), out.reshape(-1))
    return out


def close(got, want, dtype, rtol=None, atol=0.0):
    """float64 reference, rounded to ``dtype``; NaN and signed inf where it has them."""
    want = onp.asarray(want, onp.float64)
    assert got.dtype == dtype
    with onp.errstate(over='ignore'):
        w = want.astype(dtype)
    onp.testing.assert_allclose(got, w, rtol=RTOL[dtype] if rtol is None else rtol,
                                atol=atol, equal_nan=True)


RNG = onp.random.default_rng(0)
CASES = {
    'erf': (K.ERF, ss.erf, onp.concatenate([RNG.uniform(-6, 6, 300), [0.0, 1e-300, 30.0]])),
    'erfinv': (K.ERFINV, ss.erfinv, onp.concatenate([RNG.uniform(-1, 1, 300),
                                                     [0.5, -0.5, 0.49999, 0.50001, 1e-30]])),
    'gamma': (K.GAMMA, ss.gamma, onp.concatenate([RNG.uniform(-8, 30, 300),
                                                  [0.5, 1.0, 2.0, 1e-8, -1e-8, 170.5]])),
    'gammaln': (K.GAMMALN, ss.gammaln, onp.concatenate([RNG.uniform(-8, 100, 300),
                                                        [1.0, 2.0, 1e-8, 1e5, 1e300]])),
    'digamma': (K.DIGAMMA, ss.psi, onp.concatenate([RNG.uniform(-8, 50, 300),
                                                    [1.0, 0.5, 1e-8, 1e5, 1e300, -0.5]])),
}


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', sorted(CASES))
def test_values_match_scipy(name, dtype):
    code, ref, x = CASES[name]
    with onp.errstate(over='ignore'):
        x = x.astype(dtype)                 # (1e300 is inf in float32)
    # digamma crosses zero (at 1.4616 and once between each pair of poles): an absolute
    # tolerance there; float32 gamma near its poles is ill-conditioned in x's rounding
    # only, and x is exactly representable, so the reference uses the same x
    atol = 1e-14 if (name == 'digamma' and dtype == onp.float64) else 0.0
    close(run(code, x), ref(x.astype(onp.float64)), dtype, atol=atol)


@pytest.mark.parametrize('dtype', FLOATS)
def test_erfinv_far_tails_to_full_precision(dtype):
    """1 - y down to one ulp below 1: Newton on log erfc keeps full precision (rtol 1e-15)."""
    t = onp.concatenate([onp.logspace(-1, -16, 60), [2.0 ** -53]])
    y = (1.0 - t).astype(dtype)
    y = onp.concatenate([y, -y])
    close(run(K.ERFINV, y), ss.erfinv(y.astype(onp.float64)), dtype,
          rtol=2e-15 if dtype == onp.float64 else None)
    # and erf undoes it
    if dtype == onp.float64:
        mid = RNG.uniform(-0.999, 0.999, 200)
        onp.testing.assert_allclose(ss.erf(run(K.ERFINV, mid)), mid, rtol=0, atol=4e-16)


@pytest.mark.parametrize('dtype', FLOATS)
def test_erfinv_tiny_inputs(dtype):
    y = onp.array([1e-30, -1e-30, 1e-300 if dtype == onp.float64 else 1e-38], dtype)
    close(run(K.ERFINV, y), ss.erfinv(y.astype(onp.float64)), dtype)


@pytest.mark.parametrize('n', [1, 2, 3, 4, 6])
@pytest.mark.parametrize('dtype', FLOATS)
def test_polygamma_matches_scipy(n, dtype):
    """Positive and negative (non-integer) x; the asymptotic series and the recurrence."""
    x = onp.concatenate([RNG.uniform(-6, 40, 200), [1.0, 0.5, 1e-4, 1e4, -2.3]]).astype(dtype)
    close(run_pg(n, x), ss.polygamma(n, x.astype(onp.float64)), dtype,
          rtol=1e-12 if dtype == onp.float64 else None)


@pytest.mark.parametrize('n', [2, 4, 6])
def test_polygamma_at_negative_half_integers(n):
    """Even n at -2.5: the recurrence's terms cancel to 1e-5 of their size, so the value is
    only as accurate as a few ulps of those terms (backward stable; the compensated sum
    gets there).  Reference: psi^(n)(1/2) = (-1)^(n+1) n! (2^(n+1) - 1) zeta(n+1), then
    psi^(n)(x) = psi^(n)(x+1) + (-1)^(n+1) n! / x^(n+1) down to -2.5 (exact fractions)."""
    from fractions import Fraction
    sign = (-1) ** (n + 1)
    fact = math.factorial(n)
    half = sign * fact * (2 ** (n + 1) - 1) * ss.zeta(n + 1)
    terms = sum(Fraction(sign * fact) / Fraction(x2, 2) ** (n + 1) for x2 in (-5, -3, -1))
    want = half + float(terms)
    got = run_pg(n, onp.array([-2.5]))[0]
    assert abs(want) < 1e-2 * abs(half)            # (the cancellation is real)
    assert abs(got - want) <= 8e-16 * abs(half), (got, want)


def test_trigamma_reflection_near_poles():
    """psi1(1 - x) + psi1(x) = pi^2 / sin^2(pi x), close to the poles at -1, -2."""
    x = onp.array([-1.0001, -1.5, -1.9999, -2.00001, 0.001, 0.3])
    lhs = run_pg(1, 1.0 - x) + run_pg(1, x)
    r = x - onp.round(x)            # (exact; sin(pi x)^2 = sin(pi r)^2 without pi x's rounding)
    onp.testing.assert_allclose(lhs, math.pi ** 2 / onp.sin(math.pi * r) ** 2, rtol=1e-12)


SPECIAL = onp.array([onp.nan, onp.inf, -onp.inf, 0.0, -0.0, -1.0, -2.0, 1.0, -1.5])


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', sorted(CASES))
def test_special_values(name, dtype):
    """NaN, inf, signed zero, poles: as scipy (the exceptions are listed in the test)."""
    code, ref, _ = CASES[name]
    x = SPECIAL.astype(dtype)
    with onp.errstate(all='ignore'):
        want = ref(x.astype(onp.float64))
    if name == 'gammaln':
        want[2] = onp.inf      # lgamma(-inf) = +inf (C's lgamma; scipy says -inf): |gamma| -> inf
    close(run(code, x), want, dtype)


def test_erfinv_domain():
    y = onp.array([1.0, -1.0, 1.0000001, -2.0, onp.nan, onp.inf, 0.0, -0.0])
    out = run(K.ERFINV, y)
    assert out[0] == onp.inf and out[1] == -onp.inf
    assert onp.isnan(out[2:6]).all()
    assert out[6] == 0 and not onp.signbit(out[6]) and out[7] == 0 and onp.signbit(out[7])


def test_polygamma_special_values():
    """Poles: (-1)^(n+1) inf as scipy; +inf gives a signed 0; -inf NaN (no limit; scipy: inf)."""
    x = onp.array([onp.nan, onp.inf, -onp.inf, 0.0, -1.0, -3.0])
    for n in (1, 2, 3):
        out = run_pg(n, x)
        sign = 1.0 if n % 2 else -1.0
        assert onp.isnan(out[0]) and onp.isnan(out[2])
        assert out[1] == 0
        onp.testing.assert_array_equal(out[3:], sign * onp.inf)
        onp.testing.assert_array_equal(out[3:], ss.polygamma(n, x[3:]))


def test_empty_input():
    for code in (K.ERF, K.ERFINV, K.GAMMA, K.GAMMALN, K.DIGAMMA):
        assert run(code, onp.empty(0)).shape == (0,)
    assert run_pg(2, onp.empty(0)).shape == (0,)


# ---- activation kernels: float64 NumPy references -----------------------------------------
def act(code, x, a=0.0):
    out = onp.empty_like(x)
    KA.activation(code, float(a), x.reshape(-1), out.reshape(-1))
    return out


LAM, ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
ACTS = {
    'softrelu': (KA.SOFTRELU, 0.0, lambda x: onp.logaddexp(0.0, x)),
    'softsign': (KA.SOFTSIGN, 0.0, lambda x: x / (1 + onp.abs(x))),
    'leaky': (KA.LEAKY, 0.3, lambda x: onp.where(x > 0, x, 0.3 * x)),
    'elu': (KA.ELU, 0.7, lambda x: onp.where(x > 0, x, 0.7 * onp.expm1(onp.minimum(x, 0)))),
    'selu': (KA.SELU, 0.0, lambda x: LAM * onp.where(x > 0, x, ALPHA * onp.expm1(
        onp.minimum(x, 0)))),
    'gelu': (KA.GELU, 0.0, lambda x: 0.5 * x * (1 + ss.erf(x / onp.sqrt(2)))),
    'smooth_l1': (KA.SMOOTH_L1, 4.0, lambda x: onp.where(onp.abs(x) < 0.25, 2.0 * x * x,
                                                         onp.abs(x) - 0.125)),
}


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', sorted(ACTS))
def test_activation_values(name, dtype):
    code, a, ref = ACTS[name]
    x = onp.concatenate([RNG.uniform(-8, 8, 200), [0.0, -0.0, 0.25, -0.25, 800.0, -800.0,
                                                   1e-30, onp.inf, -onp.inf, onp.nan]])
    x = x.astype(dtype)
    with onp.errstate(all='ignore'):
        want = ref(x.astype(onp.float64))
    if name in ('softsign',):
        want[-3:-1] = [1.0, -1.0]          # the limits at +-inf (inf/inf in the formula)
    if name == 'gelu':
        want[-2] = onp.nan                 # -inf * 0: NaN, as 0.5 x (1 + erf(x/sqrt 2)) is
    close(act(code, x, a), want, dtype, rtol=4e-6 if dtype == onp.float32 else 1e-14)


def test_softrelu_does_not_overflow():
    with onp.errstate(all='raise'):
        out = act(KA.SOFTRELU, onp.array([1000.0, -1000.0, 40.0]))
    assert out[0] == 1000.0 and out[1] == 0.0 and out[2] == 40.0


# ---- identities on random points (hypothesis, small) ----------------------------------------
_F = dict(allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.floats(-5.5, 5.5, **_F))
def test_erfinv_inverts_erf(x):
    y = run(K.ERF, onp.array([x]))
    back = run(K.ERFINV, y)[0]
    if abs(y[0]) < 1:                               # (erf rounds to +-1 beyond |x| ~ 5.9)
        # the inverse is as accurate as y is: dx = dy / erf'(x)
        tol = 4e-16 * max(abs(y[0]), 1e-300) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
        assert abs(back - x) <= max(tol, 1e-15 * abs(x)) * 4


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 50, **_F))
def test_recurrences(x):
    """gammaln(x + 1) = gammaln(x) + log(x); psi(x + 1) = psi(x) + 1/x;
    psi1(x + 1) = psi1(x) - 1/x^2."""
    a = onp.array([x, x + 1.0])
    lg, ps, p1 = run(K.GAMMALN, a), run(K.DIGAMMA, a), run_pg(1, a)
    scale = max(abs(lg[1]), 1.0)
    assert abs(lg[1] - (lg[0] + math.log(x))) <= 1e-13 * max(scale, abs(lg[0]))
    assert abs(ps[1] - (ps[0] + 1 / x)) <= 1e-13 * max(abs(ps[0]), 1 / x, 1.0)
    assert abs(p1[1] - (p1[0] - 1 / x ** 2)) <= 1e-13 * max(abs(p1[0]), 1.0)
