"""The remaining optimizers of MXNet 1.9.1: ``SGLD``, ``DCASGD``, ``FTML``, ``LARS``,
``LBSGD`` and ``ccSGD`` (SGD's deprecated alias).

With ``g = clip(rescale_grad * grad)`` (``clip`` only when ``clip_gradient`` is set):

- SGLD (Welling & Teh 2011): ``w = w - lr/2 * (g + wd*w) + N(0, sqrt(lr))``; the noise is
  drawn from ``np.random`` (``np.random.seed`` repeats it).
- DCASGD (Zheng et al. 2016): ``m = momentum*m - lr*(g + wd*w + lamda*g*g*(w - w_prev))``
  (no momentum: ``m`` is that step alone); ``w_prev = w; w = w + m``.  (MXNet 1.9.1 tests
  ``if mom:`` on an array, which fails for any weight of more than one element when
  ``momentum > 0``; here momentum works as the formula says.)
- FTML (Zheng & Kwok 2017), MXNet's ``ftml_update`` kernel: ``g' = g + wd*w``,
  ``v = beta2*v + (1-beta2)*g'^2``, ``d_t = (1-beta1^t)/lr * (sqrt(v/(1-beta2^t)) + eps)``,
  ``z = beta1*z + (1-beta1)*g' - (d_t - beta1*d_(t-1))*w``, ``w = -z/d_t``.
- LARS (You et al. 2017): SGD (with momentum) whose learning rate is scaled per weight by
  ``eta * |w| / (|rescale_grad*grad| + wd*|w| + eps)`` (1 when either norm is 0), except
  for parameters named ``*gamma``, ``*beta``, ``*bias``; with ``momentum_correction`` the
  momentum is scaled by ``lr_t / lr_(t-1)``.
- LBSGD (Goyal et al. 2017): large-batch SGD that accumulates ``batch_scale`` gradients
  and then steps with their mean and the learning rate times a warm-up multiplier
  (``warmup_strategy`` 'linear', 'power2', 'sqrt' over ``warmup_epochs *
  updates_per_epoch`` updates, up to ``batch_scale``; 'lars': the clipped ratio
  ``sqrt(|w|^2 / (|g|^2 + wd*|w|^2))`` in [0.01, 100]).
"""
import math

import numpy as _onp

from .. import random as _random
from .base import Optimizer, register, buf, write
from .sgd import SGD

__all__ = ['SGLD', 'DCASGD', 'FTML', 'LARS', 'LBSGD', 'ccSGD']


def _sgd_step(opt, weight, grad, mom, lr, wd, momentum):
    """MXNet's ``sgd_update`` / ``sgd_mom_update`` on ``weight`` (in place)."""
    w = buf(weight)
    t = w.dtype.type
    g = opt._grad(grad, w.dtype)
    if mom is None:
        write(weight, (t(1) - t(lr) * t(wd)) * w - t(lr) * g)
    else:
        mom[...] = t(momentum) * mom - t(lr) * t(wd) * w - t(lr) * g
        write(weight, w + mom)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics (see the module docstring)."""

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (with fresh Gaussian noise)."""
        lr, wd, _, w, t = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        noise = _random.normal(0, math.sqrt(lr), w.shape, dtype=w.dtype)._data
        write(weight, w - t(lr / 2) * (g + t(wd) * w) + noise)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (see the module docstring)."""

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lamda = lamda
        self.weight_previous = {}

    def create_state(self, index, weight):
        """``(momentum or None, copy of the weight)``."""
        w = buf(weight)
        return (self._zeros(weight) if self.momentum != 0.0 else None, w.copy())

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the module docstring)."""
        lr, wd, _, w, t = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        mom, prev = state
        step = -t(lr) * (g + t(wd) * w + t(self.lamda) * g * g * (w - prev))
        if mom is not None:
            mom[...] = t(self.momentum) * mom + step
            step = mom
        prev[...] = w
        write(weight, w + step)


@register
class FTML(Optimizer):
    """Follow the moving leader (see the module docstring)."""

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        """``(d, v, z)``, zeros."""
        return (self._zeros(weight), self._zeros(weight), self._zeros(weight))

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the module docstring)."""
        lr, wd, n, w, t = self._begin(index, weight)
        g = self._grad(grad, w.dtype) + t(wd) * w
        d, v, z = state
        b1, b2 = t(self.beta1), t(self.beta2)
        v[...] = b2 * v + (t(1) - b2) * g * g
        d_t = (t(1) - b1 ** n) / t(lr) * (_onp.sqrt(v / (t(1) - b2 ** n)) + t(self.epsilon))
        z[...] = b1 * z + (t(1) - b1) * g - (d_t - b1 * d) * w
        d[...] = d_t
        write(weight, -z / d_t)


def _lars_exempt(name):
    return name.endswith('gamma') or name.endswith('beta') or name.endswith('bias')


@register
class LARS(Optimizer):
    """Layer-wise adaptive rate scaling on SGD (see the module docstring)."""

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0,
                 momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.eta = eta
        self.eps = eps
        self.last_lr = None
        self.cur_lr = None

    def set_wd_mult(self, args_wd_mult):
        """Weight-decay multipliers; names not ending in ``_weight`` get 0 (MXNet's LARS)."""
        self.wd_mult = {n: 0.0 for n in self.idx2name.values() if not n.endswith('_weight')}
        self.wd_mult.update(args_wd_mult)

    def create_state(self, index, weight):
        """The momentum (zeros) or None."""
        return self._zeros(weight) if self.momentum != 0.0 else None

    def _base_lr(self):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the module docstring)."""
        self._update_count(index)
        self._base_lr()
        lr, wd = self._get_lr(index), self._get_wd(index)
        name = self.idx2name.get(index, str(index))
        if not _lars_exempt(name):
            w_norm = float(_onp.sqrt(_onp.sum(buf(weight).astype(_onp.float32) ** 2)))
            g_norm = float(_onp.sqrt(_onp.sum(buf(grad).astype(_onp.float32) ** 2))) \
                * self.rescale_grad
            if w_norm > 0.0 and g_norm > 0.0:
                lr *= self.eta * w_norm / (g_norm + wd * w_norm + self.eps)
        momentum = self.momentum
        if momentum > 0 and self.momentum_correction and self.last_lr != 0:
            momentum = self.momentum * (self.cur_lr / self.last_lr)
        _sgd_step(self, weight, grad, state, lr, wd, momentum)


@register
class LBSGD(Optimizer):
    """Large-batch SGD with warm-up (see the module docstring)."""

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy='linear',
                 warmup_epochs=5, batch_scale=1, updates_per_epoch=32, begin_epoch=0,
                 num_epochs=60, **kwargs):
        super().__init__(multi_precision=multi_precision, **kwargs)
        if warmup_strategy not in ('linear', 'power2', 'sqrt', 'lars'):
            raise ValueError(f"LBSGD: warmup_strategy must be 'linear', 'power2', 'sqrt' or "
                             f"'lars', got {warmup_strategy!r}")
        self.momentum = momentum
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.cumgrads = {}

    def create_state(self, index, weight):
        """The momentum (zeros) or None."""
        return self._zeros(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, nup):
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        frac = nup / nwup
        return 1.0 + (maxmult - 1) * {'linear': frac, 'power2': frac * frac,
                                      'sqrt': math.sqrt(frac)}[self.warmup_strategy]

    def _get_lars(self, weight, g, wd):
        w2 = float(_onp.sum(buf(weight) * buf(weight)))
        g2 = float(_onp.sum(g * g))
        return min(max(math.sqrt(w2 / (g2 + wd * w2 + 1e-18)), 0.01), 100.0)

    def update(self, index, weight, grad, state):
        """Accumulate ``grad``; every ``batch_scale``-th call step with the mean."""
        lr, wd = self._get_lr(index), self._get_wd(index)
        self._update_count(index)
        c = self.cumgrads.get(index)
        g = buf(grad)
        if c and c['num_cums'] > 0:
            c = {'cum_grad': c['cum_grad'] + g, 'num_cums': c['num_cums'] + 1}
        else:
            c = {'cum_grad': g.copy(), 'num_cums': self.init_updates + 1}
        self.cumgrads[index] = c
        if c['num_cums'] % self.batch_scale != 0:
            return                  # MXNet runs sgd_update with lr=0 here: no change
        mean = (c['cum_grad'] / self.batch_scale).astype(g.dtype)
        if self.warmup_strategy == 'lars':
            lr *= self._get_lars(weight, mean, wd)
        else:
            lr *= self._get_lbmult(c['num_cums'])
        _sgd_step(self, weight, mean, state, lr, wd, self.momentum)
        c['cum_grad'] = 0


class ccSGD(SGD):
    """Deprecated alias of ``SGD`` (MXNet 1.9.1 keeps it for old code)."""
