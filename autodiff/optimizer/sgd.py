"""SGD-family optimizers: ``SGD`` (momentum), ``NAG``, ``Signum`` (MXNet 1.9.1's kernels).

With ``g = clip(rescale_grad * grad)``:

- SGD: ``w = (1 - lr*wd) * w - lr * g``; with momentum
  ``m = momentum*m - lr*wd*w - lr*g; w = w + m``.
- NAG: ``g' = g + wd*w; m = momentum*m - lr*g'; w = w + momentum*m - lr*g'``; no momentum:
  plain SGD.  (MXNet 1.9.1's kernel writes the weight before the momentum and reads the
  *updated* weight for the momentum's decay term, an aliasing defect; with ``wd=0`` the two
  agree, and here the decay uses the weight before the step, as the formula says.)
- Signum: ``m = momentum*m - (1-momentum)*(wd*w + g); w = (1 - lr*wd_lh)*w + lr*sign(m)``
  (no momentum: ``w = (1 - lr*wd)*w - lr*sign(g)``).
"""
import numpy as _onp

from ..kernels import optim as _kernels
from .base import Optimizer, buf, flat, register, stamp, write

__all__ = ['SGD', 'NAG', 'Signum']


@register
class SGD(Optimizer):
    """Stochastic gradient descent with optional ``momentum`` (see the module docstring)."""

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return self._zeros(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, _, w, t = self._begin(index, weight)
        if state is not None and type(self)._momentum_step is SGD._momentum_step:
            views = self._flat_views(index, weight, grad, state)
            if views is not None:             # one fused pass (the same arithmetic)
                rescale, clip, momentum = self._scalars(t)
                lr32 = t(lr)
                _kernels.sgd_momentum(views[0], views[1], views[2], rescale, clip, lr32,
                                      lr32 * t(wd), momentum)
                stamp(weight)
                return
        g = self._grad(grad, w.dtype)
        if state is None:
            write(weight, (t(1) - t(lr) * t(wd)) * w - t(lr) * g)
        else:
            self._momentum_step(weight, w, g, state, t(lr), t(wd), t(self.momentum))

    def _scalars(self, t):
        """``(rescale_grad, clip, momentum)`` as scalars of type ``t`` (clip -1: none),
        made once while they stay the same (``Trainer.step`` sets ``rescale_grad`` every
        step, usually to the same value)."""
        key = (self.rescale_grad, self.clip_gradient, self.momentum, t)
        cached = self.__dict__.get('_scalar_cache')
        if cached is None or cached[0] != key:
            clip = -1.0 if self.clip_gradient is None else self.clip_gradient
            cached = self._scalar_cache = (key, (t(self.rescale_grad), t(clip),
                                                 t(self.momentum)))
        return cached[1]

    def _flat_views(self, index, weight, grad, state):
        """``flat(weight, grad, state)``, kept per index while the three buffers are the
        same objects (a Parameter's data, gradient and state live as long as it does)."""
        w, g = buf(weight), buf(grad)
        cache = self.__dict__.setdefault('_view_cache', {})
        hit = cache.get(index)
        if hit is not None and hit[0] is w and hit[1] is g and hit[2] is state:
            return hit[3]
        views = flat(weight, grad, state)
        cache[index] = (w, g, state, views)
        return views

    def __getstate__(self):
        d = super().__getstate__()
        d.pop('_view_cache', None)              # (buffers: not part of the saved state)
        d.pop('_scalar_cache', None)
        return d

    @staticmethod
    def _momentum_step(weight, w, g, m, lr, wd, momentum):
        m[...] = momentum * m - lr * wd * w - lr * g
        write(weight, w + m)


@register
class NAG(SGD):
    """Nesterov accelerated gradient (see the module docstring); without momentum, SGD."""

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(momentum=momentum, **kwargs)

    @staticmethod
    def _momentum_step(weight, w, g, m, lr, wd, momentum):
        g = g + wd * w
        m[...] = momentum * m - lr * g
        write(weight, w + momentum * m - lr * g)


@register
class Signum(Optimizer):
    """Sign of the (momentum-averaged) gradient (see the module docstring)."""

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return self._zeros(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring)."""
        lr, wd, _, w, t = self._begin(index, weight)
        g = self._grad(grad, w.dtype)
        if state is None:
            write(weight, (t(1) - t(lr) * t(wd)) * w - t(lr) * _onp.sign(g))
        else:
            m = t(self.momentum)
            state[...] = m * state - (t(1) - m) * t(wd) * w - (t(1) - m) * g
            write(weight, (t(1) - t(lr) * t(self.wd_lh)) * w + t(lr) * _onp.sign(state))
