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

SGD takes lists too (``update([0, 1, ...], weights, grads, states)``: what MXNet 1.9.1's
``Updater`` hands it, since its ``aggregate_num`` is 4, for ``multi_sgd_mom_update``): the
update counts and learning rates advance group by group of ``aggregate_num`` weights, as
MXNet's calls do, and the weights with momentum that the fused kernel takes are updated by
``kernels.optim.sgd_momentum_multi``, a few calls for all of them (the same arithmetic,
weight by weight, as one ``update`` each).
"""
import os

import numpy as _onp

from .. import versions as _versions
from ..kernels import optim as _kernels
from ..ndarray import ndarray
from ..tape import tick as _tick
from .base import Optimizer, buf, flat, register, stamp, write

__all__ = ['SGD', 'NAG', 'Signum']


@register
class SGD(Optimizer):
    """Stochastic gradient descent with optional ``momentum`` (see the module docstring)."""

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update          # (dense arrays only: nothing to be lazy on)
        # MXNet 1.9.1's group size for its multi_sgd_mom_update calls (the same variable)
        self.aggregate_num = int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', '4'))

    def create_state(self, index, weight):
        """The per-weight state (zeros shaped like the weight, or None)."""
        return self._zeros(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        """One in-place update of ``weight`` (the formula is in the class docstring); with
        lists of indices, weights, gradients and states, of each weight in turn (see the
        module docstring)."""
        if isinstance(index, (list, tuple)):
            self._update_group(index, weight, grad, state)
            return
        lr, wd, _, w, t = self._begin(index, weight)
        self._apply(index, weight, grad, state, lr, wd, w, t)

    def _apply(self, index, weight, grad, state, lr, wd, w, t):
        """The update of one weight with its learning rate and decay (counted already)."""
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

    def _update_group(self, indices, weights, grads, states):
        """``update`` of several weights: counts and learning rates per group of
        ``aggregate_num`` (MXNet's calls), then the fused weights in ``sgd_momentum_multi``
        calls and the others one by one."""
        size = self.aggregate_num if self.aggregate_num > 0 else 1
        lrs, wds = [], []
        for s in range(0, len(indices), size):
            group = indices[s:s + size]
            for i in group:
                self._update_count(i)
            for i in group:
                lrs.append(self._get_lr(i))
                wds.append(self._get_wd(i))
        fused, rest = self._group_plan(indices, weights, grads, states)
        for calls, t in fused:
            rescale, clip, momentum = self._scalars(t)
            for pos, ws, gs, ms in calls:
                lr, lrwd = self._group_rates(pos, lrs, wds, t)
                _kernels.sgd_momentum_multi(ws, gs, ms, lr, lrwd, rescale, clip, momentum)
        if fused:
            now = _tick()
            for w in weights:
                if isinstance(w, ndarray):
                    _versions.stamp(w._data, now)
        for k in rest:
            w = buf(weights[k])
            self._apply(indices[k], weights[k], grads[k], states[k], lrs[k], wds[k], w,
                        w.dtype.type)

    def _group_plan(self, indices, weights, grads, states):
        """``(fused, rest)``: the ``sgd_momentum_multi`` calls, as ``[(calls, scalar type)]``
        per dtype with ``calls`` a list of ``(positions, ws, gs, ms)`` (tuples padded to
        ``MULTI_WIDTH``), and the positions updated one by one.  Kept while every buffer is
        the same object (as ``_flat_views``)."""
        bufs = [buf(w) for w in weights] + [buf(g) for g in grads] + list(states)
        cached = self.__dict__.get('_group_cache')
        if (cached is not None and cached[0] == tuple(indices) and len(cached[1]) == len(bufs)
                and all(a is b for a, b in zip(cached[1], bufs))):
            return cached[2]
        fusable = (type(self)._momentum_step is SGD._momentum_step
                   and type(self)._apply is SGD._apply)
        by_dtype, rest = {}, []
        for k, (w, g, m) in enumerate(zip(weights, grads, states)):
            views = flat(w, g, m) if fusable and isinstance(m, _onp.ndarray) else None
            if views is None:
                rest.append(k)
            else:
                by_dtype.setdefault(views[0].dtype, []).append((k, views))
        width = _kernels.MULTI_WIDTH
        fused = []
        for dtype, items in by_dtype.items():
            empty = _onp.zeros(0, dtype)
            calls = []
            for s in range(0, len(items), width):
                part = items[s:s + width]
                pad = [empty] * (width - len(part))
                pos = tuple(k for k, _ in part)
                calls.append((pos,) + tuple(tuple([v[j] for _, v in part] + pad)
                                            for j in range(3)))
            fused.append((calls, dtype.type))
        plan = (fused, rest)
        self._group_cache = (tuple(indices), bufs, plan)
        return plan

    def _group_rates(self, pos, lrs, wds, t):
        """The ``lrs`` and ``lrwds`` arrays of one ``sgd_momentum_multi`` call (``lr`` and
        ``lr * wd`` in type ``t``, as ``update`` computes them; padded with zeros), kept
        while the rates stay the same."""
        key = (pos, t, tuple([lrs[k] for k in pos]), tuple([wds[k] for k in pos]))
        cache = self.__dict__.setdefault('_rate_cache', {})
        hit = cache.get(pos)
        if hit is not None and hit[0] == key:
            return hit[1]
        width = _kernels.MULTI_WIDTH
        lr = _onp.zeros(width, t)
        lrwd = _onp.zeros(width, t)
        for j, k in enumerate(pos):
            lr[j] = t(lrs[k])
            lrwd[j] = lr[j] * t(wds[k])
        cache[pos] = (key, (lr, lrwd))
        return lr, lrwd

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
        for k in ('_view_cache', '_scalar_cache', '_group_cache', '_rate_cache'):
            d.pop(k, None)                      # (buffers: not part of the saved state)
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
        self.aggregate_num = 0                  # (MXNet 1.9.1's NAG updates one at a time)

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
