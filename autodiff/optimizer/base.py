"""The ``Optimizer`` base class, the registry (``create('sgd', ...)``) and ``Updater``.

Semantics as MXNet 1.9.1: ``rescale_grad`` multiplies the gradient first (``Trainer.step``
sets it to ``1 / batch_size``), ``clip_gradient`` clips the rescaled gradient to
``[-c, c]``, ``wd`` is L2 weight decay (where it enters is each optimizer's formula),
``lr_mult``/``wd_mult`` of a Parameter (``param_dict``) scale the learning rate and decay,
``lr_scheduler(num_update)`` gives the learning rate, ``num_update`` is the largest
per-weight update count.

The updates are in-place arithmetic on the arrays' buffers in the weight's dtype
(float32 scalars, as MXNet's kernels cast them): an update is not differentiated, and
this keeps the arrays' gradient marks and memory.  SGD with momentum and Adam run one
fused Numba kernel per update (``kernels.optim``: the same float operations in the same
order as their NumPy formula, so the same bits) where the buffers allow (``flat``).
"""
import pickle

import numpy as _onp

from .. import versions as _versions
from ..ndarray import ndarray
from ..tape import tick as _tick

__all__ = ['Optimizer', 'register', 'create', 'Updater', 'get_updater']


def register(klass):
    """Register an optimizer class under its lower-cased name."""
    name = klass.__name__.lower()
    Optimizer.opt_registry[name] = klass
    return klass


def create(name, **kwargs):
    """An optimizer by registered name (``'sgd'``, ``'adam'``...) with its arguments."""
    if isinstance(name, Optimizer):
        return name
    key = name.lower()
    if key not in Optimizer.opt_registry:
        raise ValueError(f"Cannot find optimizer {name}; known: "
                         f"{sorted(Optimizer.opt_registry)}")
    return Optimizer.opt_registry[key](**kwargs)


def buf(a):
    """The NumPy buffer of an autodiff array (or a NumPy array itself)."""
    return a._data if isinstance(a, ndarray) else a


def write(weight, value):
    """Store ``value`` into ``weight``'s buffer in place (stamped as an in-place write)."""
    d = buf(weight)
    _onp.copyto(d, value, casting='unsafe')
    if isinstance(weight, ndarray):
        _versions.stamp(d, _tick())


_FUSED = (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64))


def flat(weight, grad, *states):
    """1-D views of the weight's, the gradient's and the states' buffers when one fused
    kernel (``kernels.optim``) can update them: all of the weight's dtype (float32 or
    float64), C-contiguous and of one size; else None (the NumPy formula runs)."""
    w = buf(weight)
    if w.dtype not in _FUSED or not w.flags.c_contiguous:
        return None
    out = [w.reshape(-1)]
    for a in (buf(grad),) + states:
        if a.dtype != w.dtype or a.shape != w.shape or not a.flags.c_contiguous:
            return None
        out.append(a.reshape(-1))
    return out


def stamp(weight):
    """Mark ``weight``'s buffer as written in place (what ``write`` does after a copy)."""
    if isinstance(weight, ndarray):
        _versions.stamp(weight._data, _tick())


class Optimizer:
    """Base class: see the module docstring for the shared arguments."""

    opt_registry = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            lr_scheduler.base_lr = learning_rate
            if hasattr(lr_scheduler, 'warmup_final_lr'):
                lr_scheduler.warmup_final_lr = learning_rate
            if hasattr(lr_scheduler, 'base_lr_orig'):
                lr_scheduler.base_lr_orig = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count = {}
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.idx2name = dict(param_idx2name or {})
        self.param_dict = param_dict if param_dict else {}
        self.aggregate_num = 0      # > 0: ``update`` takes lists (the Updater groups them)
        self.set_wd_mult({})

    # ---- learning rate and multipliers ------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate (the scheduler's, if there is one)."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Set the learning rate (an error when a scheduler decides it)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note "
                              "that set_learning_rate can mutate the value of the learning "
                              "rate of the optimizer only when the LRScheduler of the "
                              "optimizer is undefined.")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        """Learning-rate multipliers by index or name (a Parameter's ``lr_mult`` wins)."""
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Weight-decay multipliers; names not ending in ``_weight``/``_gamma`` get 0."""
        self.wd_mult = {n: 0.0 for n in self.idx2name.values()
                        if not (n.endswith('_weight') or n.endswith('_gamma'))}
        self.wd_mult.update(args_wd_mult)

    def _update_count(self, index):
        """Count one update of ``index`` (or of each index of a list), as MXNet."""
        for i in (index if isinstance(index, (list, tuple)) else (index,)):
            c = self._index_update_count.get(i, self.begin_num_update) + 1
            self._index_update_count[i] = c
            self.num_update = max(c, self.num_update)

    def _begin(self, index, weight):
        """Count this update of ``index`` and return ``(lr, wd, t, w, f)``: its learning rate
        and weight decay, its update count ``t``, the weight's buffer ``w`` and the scalar
        type ``f`` of its dtype (constants cast with it keep float32 float32)."""
        self._update_count(index)
        w = buf(weight)
        return (self._get_lr(index), self._get_wd(index), self._index_update_count[index], w,
                w.dtype.type)

    def _get_lr(self, index):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if index in self.param_dict:
            lr *= self.param_dict[index].lr_mult
        elif index in self.lr_mult:
            lr *= self.lr_mult[index]
        elif index in self.idx2name:
            lr *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lr

    def _get_wd(self, index):
        wd = self.wd
        if index in self.param_dict:
            wd *= self.param_dict[index].wd_mult
        elif index in self.wd_mult:
            wd *= self.wd_mult[index]
        elif index in self.idx2name:
            wd *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wd

    def _grad(self, grad, dtype, weight=None, wd=0.0):
        """``clip(rescale_grad * grad [+ wd * weight])`` in ``dtype``."""
        g = buf(grad).astype(dtype, copy=False) * dtype.type(self.rescale_grad)
        if weight is not None:
            g = g + dtype.type(wd) * weight
        if self.clip_gradient is not None and self.clip_gradient >= 0:   # (< 0: off, as
            c = dtype.type(self.clip_gradient)                            # MXNet's kernels)
            g = _onp.clip(g, -c, c)
        return g

    # ---- state and update ---------------------------------------------------------------
    def create_state(self, index, weight):
        """The optimizer's per-weight state (None when it keeps none)."""
        return None

    def create_state_multi_precision(self, index, weight):
        """Same as ``create_state`` (weights keep their own dtype)."""
        return self.create_state(index, weight)

    def _zeros(self, weight):
        return _onp.zeros(buf(weight).shape, buf(weight).dtype)

    def update(self, index, weight, grad, state):
        """Update ``weight`` in place from ``grad`` and ``state`` (override)."""
        raise NotImplementedError

    def update_multi_precision(self, index, weight, grad, state):
        """Same as ``update``."""
        self.update(index, weight, grad, state)

    def __getstate__(self):
        d = self.__dict__.copy()
        d['param_dict'] = {}
        return d


class Updater:
    """``updater(index, grad, weight)``: creates the state on first use, then updates.

    As MXNet 1.9.1's: ``index``, ``grad`` and ``weight`` may be lists (``Trainer.step``
    passes all its parameters at once).  An optimizer whose ``aggregate_num`` is above 0
    (SGD) then gets each dtype's weights in one ``update_multi_precision`` call with lists
    (MXNet cuts them into calls of ``aggregate_num``; SGD counts its updates in those
    groups itself); the others get one call per weight, in order.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}

    def __call__(self, index, grad, weight):
        states, opt = self.states, self.optimizer
        if not isinstance(index, (list, tuple)):
            if index not in states:
                states[index] = opt.create_state_multi_precision(index, weight)
            opt.update_multi_precision(index, weight, grad, states[index])
            return
        for i, w in zip(index, weight):
            if i not in states:
                states[i] = opt.create_state_multi_precision(i, w)
        if getattr(opt, 'aggregate_num', 0) <= 0:
            for i, g, w in zip(index, grad, weight):
                opt.update_multi_precision(i, w, g, states[i])
            return
        groups = {}
        for k, w in enumerate(weight):
            groups.setdefault(buf(w).dtype, []).append(k)
        for ks in groups.values():
            opt.update_multi_precision([index[k] for k in ks], [weight[k] for k in ks],
                                       [grad[k] for k in ks], [states[index[k]] for k in ks])

    def get_states(self, dump_optimizer=False):
        """The states (and the optimizer) pickled."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)

    def set_states(self, states):
        """Restore states written by ``get_states``."""
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states


def get_updater(optimizer):
    """An ``Updater`` for ``optimizer``."""
    return Updater(optimizer)
