"""Adaptive optimizers (MXNet 1.9.1's update kernels): ``Adam``, ``AdaGrad``, ``RMSProp``,
``AdaDelta``, ``Adamax``, ``Nadam``, ``Ftrl``, ``LAMB``.

``t`` is the weight's update count.  Where MXNet folds weight decay into the gradient
(``g = clip(rescale_grad * grad + wd * w)``: Adam, RMSProp, Adamax, Nadam) or adds it
separately, this file does the same; each class's docstring gives its formula.
"""
import math

import numpy as _onp

from ..kernels import optim as _kernels
from .base import Optimizer, flat, register, stamp, write

__all__ = ['Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Adamax', 'Nadam', 'Ftrl', 'LAMB']


@register
class Adam(Optimizer):
    """``g = clip(rescale*grad + wd*w); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
    w -= lr_t * m / (sqrt(v) + eps)`` with the bias correction in the learning rate,
    ``lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)`` (MXNet's placement)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, t, w, f = self._begin(index, weight)
        lr *= math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t)
        m, v = state
        views = flat(weight, grad, m, v)
        if views is not None:                 # one fused pass (the same arithmetic)
            clip = -1.0 if self.clip_gradient is None else self.clip_gradient
            _kernels.adam(*views, f(self.rescale_grad), f(clip), f(wd), f(lr),
                          f(self.beta1), f(1 - self.beta1), f(self.beta2), f(1 - self.beta2),
                          f(self.epsilon))
            stamp(weight)
            return
        g = self._grad(grad, w.dtype, w, wd)
        m[...] = f(self.beta1) * m + f(1 - self.beta1) * g
        v[...] = f(self.beta2) * v + f(1 - self.beta2) * g * g
        write(weight, w - f(lr) * m / (_onp.sqrt(v) + f(self.epsilon)))


@register
class AdaGrad(Optimizer):
    """``g = clip(rescale*grad); h += g^2; w -= lr * (g / sqrt(h + eps) + wd*w)``."""

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return self._zeros(weight)

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, _, w, f = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        state[...] = state + g * g
        write(weight, w - f(lr) * (g / _onp.sqrt(state + f(self.float_stable_eps)) + f(wd) * w))


@register
class RMSProp(Optimizer):
    """``g = clip(rescale*grad + wd*w)``; plain: ``n = (1-g1)*g^2 + g1*n;
    w -= lr * g / (sqrt(n) + eps)``; ``centered``: also ``gbar = (1-g1)*g + g1*gbar;
    delta = g2*delta - lr * g / sqrt(n - gbar^2 + eps); w += delta``;
    ``clip_weights`` clips the result."""

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1, self.gamma2, self.epsilon = gamma1, gamma2, epsilon
        self.centered, self.clip_weights = centered, clip_weights

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        if self.centered:
            return (self._zeros(weight), self._zeros(weight), self._zeros(weight))
        return (self._zeros(weight),)

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, _, w, f = self._begin(index, weight)
        g = self._grad(grad, w.dtype, w, wd)
        g1 = f(self.gamma1)
        n = state[0]
        n[...] = (f(1) - g1) * g * g + g1 * n
        if not self.centered:
            new = w - f(lr) * g / (_onp.sqrt(n) + f(self.epsilon))
        else:
            gbar, delta = state[1], state[2]
            gbar[...] = (f(1) - g1) * g + g1 * gbar
            delta[...] = f(self.gamma2) * delta - f(lr) * g / _onp.sqrt(
                n - gbar * gbar + f(self.epsilon))
            new = w + delta
        if self.clip_weights:
            c = f(self.clip_weights)
            new = _onp.clip(new, -c, c)
        write(weight, new)


@register
class AdaDelta(Optimizer):
    """``g = clip(rescale*grad); a = rho*a + (1-rho)*g^2;
    d = sqrt(ad + eps) / sqrt(a + eps) * g; ad = rho*ad + (1-rho)*d^2; w -= d + wd*w``."""

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho, self.epsilon = rho, epsilon

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        _, wd, _, w, f = self._begin(index, weight)      # (AdaDelta has no learning rate)
        g = self._grad(grad, w.dtype)
        acc_g, acc_d = state
        rho, eps = f(self.rho), f(self.epsilon)
        acc_g[...] = rho * acc_g + (f(1) - rho) * g * g
        d = _onp.sqrt(acc_d + eps) / _onp.sqrt(acc_g + eps) * g
        acc_d[...] = rho * acc_d + (f(1) - rho) * d * d
        write(weight, w - (d + f(wd) * w))


@register
class Adamax(Optimizer):
    """``g = clip(rescale*grad + wd*w); m = b1*m + (1-b1)*g; u = max(b2*u, |g|);
    w -= lr / (1 - b1^t) * m / u``."""

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2 = beta1, beta2

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, t, w, f = self._begin(index, weight)
        lr /= (1. - self.beta1 ** t)
        g = self._grad(grad, w.dtype, w, wd)
        m, u = state
        m[...] = f(self.beta1) * m + f(1. - self.beta1) * g
        u[...] = _onp.maximum(f(self.beta2) * u, _onp.abs(g))
        write(weight, w - f(lr) * m / u)


@register
class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule (``schedule_decay``)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, t, w, f = self._begin(index, weight)
        g = self._grad(grad, w.dtype, w, wd)
        mom_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        mom_t1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * mom_t
        m_schedule_next = self.m_schedule * mom_t1
        m, v = state
        m[...] = f(self.beta1) * m + f(1. - self.beta1) * g
        v[...] = f(self.beta2) * v + f(1. - self.beta2) * g * g
        g_prime = g / f(1. - self.m_schedule)
        m_prime = m / f(1. - m_schedule_next)
        v_prime = v / f(1. - pow(self.beta2, t))
        m_bar = f(1. - mom_t) * g_prime + f(mom_t1) * m_prime
        write(weight, w - f(lr) * m_bar / (_onp.sqrt(v_prime) + f(self.epsilon)))


@register
class Ftrl(Optimizer):
    """FTRL-proximal: ``g = clip(rescale*grad); z += g - (sqrt(n + g^2) - sqrt(n)) * w / lr;
    n += g^2; w = (sign(z)*lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1,
    else 0``."""

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.lamda1, self.beta = lamda1, beta

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))      # z, n

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, _, w, f = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        z, n = state
        z[...] = z + g - (_onp.sqrt(n + g * g) - _onp.sqrt(n)) * w / f(lr)
        n[...] = n + g * g
        l1 = f(self.lamda1)
        new = (_onp.sign(z) * l1 - z) / ((f(self.beta) + _onp.sqrt(n)) / f(lr) + f(wd)) * \
            (_onp.abs(z) > l1)
        write(weight, new)


@register
class LAMB(Optimizer):
    """Layer-wise adaptive moments: Adam's step ``r = m_hat / (sqrt(v_hat) + eps) + wd*w``
    (bias-corrected moments when ``bias_correction``), scaled by the trust ratio
    ``||w|| / ||r||`` (``||w||`` clipped to ``[lower_bound, upper_bound]``; 1 if a norm is
    0): ``w -= lr * ratio * r``."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lower_bound, self.upper_bound = lower_bound, upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return (self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, t, w, f = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        m, v = state
        m[...] = f(self.beta1) * m + f(1. - self.beta1) * g
        v[...] = f(self.beta2) * v + f(1. - self.beta2) * g * g
        if self.bias_correction:
            m_hat = m / f(1. - self.beta1 ** t)
            v_hat = v / f(1. - self.beta2 ** t)
        else:
            m_hat, v_hat = m, v
        r = m_hat / (_onp.sqrt(v_hat) + f(self.epsilon)) + f(wd) * w
        r1 = float(_onp.sqrt(_onp.sum(w.astype(_onp.float64) ** 2)))
        r2 = float(_onp.sqrt(_onp.sum(r.astype(_onp.float64) ** 2)))
        if self.lower_bound is not None:
            r1 = max(r1, self.lower_bound)
        if self.upper_bound is not None:
            r1 = min(r1, self.upper_bound)
        ratio = r1 / r2 if r1 > 0 and r2 > 0 else 1.0
        write(weight, w - f(lr * ratio) * r)
