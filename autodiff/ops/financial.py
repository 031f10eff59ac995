"""Financial functions MXNet 1.9.1's ``np`` exports: ``npv``, ``pv``, ``ppmt``, ``rate``, ``mirr``.

They were NumPy's (removed from NumPy 1.20 into ``numpy_financial``; MXNet 1.9.1 exports
NumPy's own functions): the same formulas, computed in float64 on NumPy arrays and returned
as float64 autodiff arrays.  Not differentiable.  ``when`` is 'end' (0) or 'begin' (1).
"""
import numpy as _onp

from ..ndarray import wrap

_WHEN = {'end': 0, 'begin': 1, 'e': 0, 'b': 1, 0: 0, 1: 1, 'beginning': 1, 'start': 1,
         'finish': 0}


def _f64(v):
    return _onp.asarray(v._data if hasattr(v, '_data') else v, _onp.float64)


def _when(when):
    w = when._data if hasattr(when, '_data') else when
    if isinstance(w, (str, int)):
        if w not in _WHEN:
            raise ValueError(f"when must be one of {sorted(map(str, _WHEN))}, got {when!r}")
        return _onp.float64(_WHEN[w])
    return _onp.asarray([_WHEN[v] for v in _onp.ravel(w)], _onp.float64).reshape(_onp.shape(w))


def _out(v):
    return wrap(_onp.asarray(v, _onp.float64))


def _annuity(rate, nper, when):
    """``(1 + rate*when) * ((1+rate)**nper - 1) / rate`` (``nper`` where the rate is 0)."""
    safe = _onp.where(rate == 0, 1.0, rate)
    return _onp.where(rate == 0, nper, (1 + safe * when) * ((1 + rate) ** nper - 1) / safe)


def _pmt(rate, nper, pv, fv, when):
    return -(fv + pv * (1 + rate) ** nper) / _annuity(rate, nper, when)


def _fv(rate, nper, pmt, pv, when):
    return -(pv * (1 + rate) ** nper + pmt * _annuity(rate, nper, when))


def npv(rate, values):
    """Net present value ``sum(values[t] / (1 + rate)**t)``, t = 0, 1, ... (along axis 0)."""
    v = _f64(values)
    t = _onp.arange(v.shape[0]).reshape((-1,) + (1,) * (v.ndim - 1))
    return _out((v / (1 + _f64(rate)) ** t).sum(axis=0))


def pv(rate, nper, pmt, fv=0, when='end'):
    """Present value of ``nper`` payments ``pmt`` and a final value ``fv``."""
    r, n, p, f, w = _f64(rate), _f64(nper), _f64(pmt), _f64(fv), _when(when)
    return _out(-(f + p * _annuity(r, n, w)) / (1 + r) ** n)


def ppmt(rate, per, nper, pv, fv=0, when='end'):
    """The principal part of payment number ``per`` (1-based) of a loan ``pv``."""
    r, k, n, v, f, w = _onp.broadcast_arrays(_f64(rate), _f64(per), _f64(nper), _f64(pv),
                                             _f64(fv), _when(when))
    total = _pmt(r, n, v, f, w)
    interest = _fv(r, k - 1, total, v, w) * r
    interest = _onp.where(w == 1, interest / (1 + r), interest)
    interest = _onp.where((w == 1) & (k == 1), 0.0, interest)
    return _out(total - interest)


def rate(nper, pmt, pv, fv, when='end', guess=None, tol=None, maxiter=100):
    """The interest rate per period (Newton's iteration from ``guess``, 0.1; NaN when it
    does not converge to ``tol``, 1e-6, within ``maxiter`` steps)."""
    n, p, v, f, w = _f64(nper), _f64(pmt), _f64(pv), _f64(fv), _when(when)
    r = _onp.float64(0.1 if guess is None else guess)
    tol = 1e-6 if tol is None else tol
    for _ in range(maxiter):
        t1, t2 = (r + 1) ** n, (r + 1) ** (n - 1)
        g = f + t1 * v + p * (t1 - 1) * (r * w + 1) / r
        dg = (n * t2 * v - p * (t1 - 1) * (r * w + 1) / r ** 2 + n * p * t2 * (r * w + 1) / r
              + p * (t1 - 1) * w / r)
        step = g / dg
        r = r - step
        if _onp.all(_onp.abs(step) < tol):
            return _out(r)
    return _out(r + _onp.nan)


def mirr(values, finance_rate, reinvest_rate):
    """Modified internal rate of return of the cash flows ``values`` (NaN without both
    positive and negative flows)."""
    v = _f64(values)
    pos, neg = v > 0, v < 0
    if not (pos.any() and neg.any()):
        return _out(_onp.nan)
    n = v.size

    def present(r, flows):
        return (flows / (1 + r) ** _onp.arange(n)).sum()
    numer = abs(present(_f64(reinvest_rate), v * pos))
    denom = abs(present(_f64(finance_rate), v * neg))
    return _out((numer / denom) ** (1 / (n - 1)) * (1 + _f64(reinvest_rate)) - 1)
