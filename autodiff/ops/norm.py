"""Normalization ops: ``batch_norm``, ``layer_norm``, ``instance_norm``, ``group_norm``.

All four are one computation on a 3-D view ``(A, C, B)`` of the data (see
``kernels/norm.py``): statistics over some of its axes, then
``(x - mean) / sqrt(var + eps) * gamma[c] + beta[c]``.  ``_normalize`` runs it and
records one node; ``_norm_backward`` is the one backward rule, written with library
ops.  Under ``create_graph`` it recomputes the statistics from ``x`` with library ops
(so they are differentiated too).  The two reductions of that backward, ``sum(g)``
and ``sum(g * xhat)``, are one fused kernel pass, ``norm_sums``, an op whose own
backward is written with library ops, so gradients of every order work.  A backward
that is not recorded runs the same formulas as two kernel passes
(``_kernel_backward``); a test checks that both give the same gradients.
"""
import math

import numpy as _onp

from .. import versions as _versions
from .._state import state
from ..tape import tick
from ..errors import ShapeError, DTypeError
from ..kernels import norm as K
from .core import defop, result, results, wrap
from .convert import as_array
from .reduce import normalize_axis


# ---- the fused backward reductions ---------------------------------------------------------
def _sums_backward(node, grads, needs):
    g, h = node.inputs
    u, w = grads
    dg = u + w * h if needs[0] else None
    dh = w * g if needs[1] else None
    return dg, dh


_sums_op = defop('norm_sums', _sums_backward, nout=2, params=('stat_shape',))


def norm_sums(g, h, stat_shape):
    """``(sum(g), sum(g * h))`` of 3-D ``g`` and ``h`` over the axes where ``stat_shape``
    has length 1, kept as 3-D arrays of ``stat_shape`` (one kernel pass; differentiable)."""
    gd, hd = _c(g._data), _c(h._data.astype(g.dtype, copy=False))
    s_g = _onp.zeros(stat_shape, _onp.float64)
    s_gh = _onp.zeros(stat_shape, _onp.float64)
    K.pair_sums3(gd, hd, s_g, s_gh)
    return results(_sums_op, (g, h), [s_g.astype(g.dtype), s_gh.astype(g.dtype)],
                   (stat_shape,))


def _c(d):
    f = d.flags
    return d if f.c_contiguous and f.writeable else _onp.array(d, order='C')


# ---- the shared forward ----------------------------------------------------------------------
def _float_data(x, name):
    if x.dtype.kind != 'f':
        raise DTypeError(f"{name}: data must be a floating-point array, got dtype {x.dtype}")
    return x


def _param(v, name, arg, length):
    """gamma / beta (or a moving statistic) as an array of shape (length,)."""
    if v is None:
        raise TypeError(f"{name}: {arg} is required (an array of shape ({length},))")
    a = as_array(v)
    if a.shape != (length,):
        raise ShapeError(f"{name}: {arg} must have shape ({length},), got {a.shape}")
    return a


def _normalize(op, x, gamma, beta, shape3, stat_shape, eps, attrs, stats=None, fix_gamma=False,
               extra=()):
    """Run the normalization; ``stats`` = (mean, inv) float64 arrays of ``stat_shape`` to use
    given statistics (batch norm's inference mode), else they are computed from the batch.
    ``extra``: further inputs of the node after (x, gamma, beta) (batch norm's running
    statistics: read or written by it, so they are on the tape; no gradient flows to them).

    Returns (result, mean, var or None, inv) with the statistics as float64 arrays."""
    d3 = _c(x._data).reshape(shape3)
    C = shape3[1]
    dt = x.dtype
    g = _onp.ones(C, dt) if fix_gamma else _c(gamma._data.astype(dt, copy=False))
    b = _c(beta._data.astype(dt, copy=False))
    if stats is None:
        mean = _onp.zeros(stat_shape, _onp.float64)
        var = _onp.zeros(stat_shape, _onp.float64)
        if d3.size:
            K.moments3(d3, mean, var)
        inv = 1.0 / _onp.sqrt(var + eps)
    else:
        (mean, inv), var = stats, None
    out = _onp.empty(shape3, dt)
    if d3.size:
        K.normalize3(d3, mean, inv, g, b, out)
    full = attrs + (shape3, stat_shape, mean, inv, stats is not None, fix_gamma)
    return result(op, (x, gamma, beta) + tuple(extra), out.reshape(x.shape), full), mean, var, inv


def _norm_backward(node, grads, needs):
    """The one backward rule of every normalization (library ops; see the module docstring).

    Without ``create_graph`` (nothing records the backward) the same formulas run as two
    kernel passes instead (``_kernel_backward``)."""
    if not state.recording:
        return _kernel_backward(node, grads[0], needs)
    x, gamma, beta = node.inputs[:3]
    shape3, stat_shape, mean, inv, fixed_stats, fix_gamma = node.attrs[-6:]
    eps = node.attrs[_EPS_INDEX[node.op.name]]
    g3 = grads[0].reshape(shape3)
    x3 = x.reshape(shape3)
    dt = x.dtype
    C = shape3[1]
    axes = tuple(i for i in range(3) if stat_shape[i] == 1)
    n = math.prod(shape3) // math.prod(stat_shape)
    if not fixed_stats:          # (create_graph) the statistics as functions of x
        m = x3.mean(axis=axes, keepdims=True)
        xc = x3 - m
        iv = ((xc * xc).mean(axis=axes, keepdims=True) + eps) ** -0.5
    else:
        xc = x3 - wrap(mean.astype(dt))
        iv = wrap(inv.astype(dt))
    xhat = xc * iv
    gam = None if fix_gamma else gamma.reshape((1, C, 1))
    dgamma = dbeta = dx = None
    if needs[1] or needs[2]:
        s_g, s_gh = norm_sums(g3, xhat, (1, C, 1))
        dbeta = s_g.reshape((C,)) if needs[2] else None
        if needs[1]:
            dgamma = (wrap(_onp.zeros(C, gamma.dtype)) if fix_gamma
                      else s_gh.reshape((C,)))
    if needs[0]:
        gg = g3 if gam is None else g3 * gam
        if fixed_stats:                          # mean and inv are constants here
            dx = gg * iv
        else:
            if stat_shape == (1, C, 1) and (needs[1] or needs[2]):
                sg, sgh = s_g, s_gh              # batch norm: reuse the gamma/beta sums
                if gam is not None:
                    sg, sgh = sg * gam, sgh * gam
            else:
                sg, sgh = norm_sums(gg, xhat, stat_shape)
            dx = (gg - sg / n - xhat * (sgh / n)) * iv
        dx = dx.reshape(x.shape)
    _after_backward(node)
    return (dx, dgamma, dbeta) + (None,) * (len(node.inputs) - 3)


def _kernel_backward(node, g, needs):
    """``_norm_backward``'s gradients from two kernel passes (``backward_sums3``: every
    reduction; ``backward_dx3``: the input's gradient), for a backward that is not recorded."""
    x, gamma, beta = node.inputs[:3]
    shape3, stat_shape, mean, inv, fixed_stats, fix_gamma = node.attrs[-6:]
    dt = x.dtype
    C = shape3[1]
    x3 = _c(x._data).reshape(shape3)
    g3 = _c(g._data.astype(dt, copy=False)).reshape(shape3)
    gm = _onp.ones(C, dt) if fix_gamma else _c(gamma._data.astype(dt, copy=False))
    s_gg, s_ggh = _onp.zeros(stat_shape), _onp.zeros(stat_shape)
    c_g, c_gh = _onp.zeros(C), _onp.zeros(C)
    if x3.size and (needs[1] or needs[2] or (needs[0] and not fixed_stats)):
        K.backward_sums3(x3, g3, mean, inv, gm, s_gg, s_ggh, c_g, c_gh)
    dx = None
    if needs[0]:
        out = _onp.empty(shape3, dt)
        if x3.size:
            n = math.prod(shape3) // math.prod(stat_shape)
            K.backward_dx3(x3, g3, mean, inv, gm, s_gg, s_ggh, float(n), fixed_stats, out)
        dx = wrap(out.reshape(x.shape))
    dgamma = None
    if needs[1]:
        dgamma = wrap(_onp.zeros(C, gamma.dtype) if fix_gamma else c_gh.astype(gamma.dtype))
    dbeta = wrap(c_g.astype(beta.dtype)) if needs[2] else None
    _after_backward(node)
    return (dx, dgamma, dbeta) + (None,) * (len(node.inputs) - 3)


def _after_backward(node):
    hook = _HOOKS.get(node.op.name)
    if hook is not None:
        hook(node)


_HOOKS = {}
_EPS_INDEX = {}


def _defnorm(name, params, hook=None):
    op = defop(name, _norm_backward, params=params)
    _EPS_INDEX[name] = params.index('eps')
    if hook is not None:
        _HOOKS[name] = hook
    return op


# ---- batch_norm --------------------------------------------------------------------------------
def _update_running(node):
    """MXNet 1.9.1 updates the running statistics in the backward of a training-mode
    batch norm, with the biased batch variance:
    ``moving = moving * momentum + batch * (1 - momentum)``.  The running arrays are the
    node's inputs 3 and 4 (written in place: ``compile.opaque.WRITES`` declares it)."""
    momentum, batch = node.attrs[2], node.attrs[6]
    if batch is None:
        return
    mm, mv = node.inputs[3:5]
    batch_mean, batch_var = batch
    mm._data[...] = mm._data * momentum + batch_mean.astype(mm.dtype) * (1 - momentum)
    mv._data[...] = mv._data * momentum + batch_var.astype(mv.dtype) * (1 - momentum)
    for a in (mm, mv):                 # an in-place write: nodes that saved them must know
        _versions.stamp(a._data, tick())


# (attrs[6], after the named parameters, holds the batch mean and variance (float64, one per
# channel) when the backward is to update the running statistics, else None)
_batch_norm_op = _defnorm('batch_norm', ('eps', 'axis', 'momentum', 'fix_gamma',
                                         'use_global_stats', 'training'), _update_running)


def _check_eps(eps, name):
    if not isinstance(eps, (int, float, _onp.floating)) or isinstance(eps, bool) or eps < 0:
        raise ValueError(f"{name}: eps must be a non-negative number, got {eps!r}")
    return float(eps)


def batch_norm_apply(x, gamma, beta, mm, mv, params):
    """Batch normalization of checked arrays with ``params`` = (eps, axis (normalized),
    momentum, fix_gamma, use_global_stats, training): ``(result, attrs, mean, inv)``.

    The one computation behind ``batch_norm`` and the compiler's opaque step: the node
    (recorded when recording) has inputs (x, gamma, beta, moving_mean, moving_var) and
    ``attrs`` are its attributes (its backward rule's reading)."""
    eps, ax, momentum, fix_gamma, use_global_stats, training = params
    C = x.shape[ax]
    shape3 = (math.prod(x.shape[:ax]), C, math.prod(x.shape[ax + 1:]))
    stat_shape = (1, C, 1)
    stats = None
    if use_global_stats or not training:
        stats = (mm._data.astype(_onp.float64).reshape(stat_shape),
                 (1.0 / _onp.sqrt(mv._data.astype(_onp.float64) + eps)).reshape(stat_shape))
    y, mean, var, inv = _normalize(_batch_norm_op, x, gamma, beta, shape3, stat_shape, eps,
                                   tuple(params) + (None,), stats, fix_gamma, extra=(mm, mv))
    # the running statistics are updated when this node's backward runs
    batch = None if stats is not None else (mean.reshape(C), var.reshape(C))
    attrs = tuple(params) + (batch, shape3, stat_shape, mean, inv, stats is not None, fix_gamma)
    if y._node is not None:
        y._node.attrs = attrs
    return y, attrs, mean, inv


def batch_norm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
               fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
               cudnn_off=False, min_calib_range=None, max_calib_range=None):
    """Batch normalization over every axis but ``axis`` (MXNet 1.9.1's ``npx.batch_norm``).

    In training mode (``autograd.is_training()``, e.g. inside ``record()``) the batch's
    mean and biased variance normalize the data; otherwise (or with
    ``use_global_stats=True``) ``moving_mean`` / ``moving_var`` do.  As in MXNet 1.9.1,
    the running statistics are updated in place during the *backward* pass of a
    training-mode call: ``moving = moving * momentum + batch * (1 - momentum)`` with the
    biased batch variance (no backward, no update).  ``fix_gamma=True`` (the default)
    uses a scale of 1 and gives ``gamma`` a zero gradient (MXNet also overwrites
    ``gamma`` with ones in place; this library leaves the array alone).
    ``output_mean_var=True`` also returns the mean and the inverse standard deviation
    ``1 / sqrt(var + eps)`` used (no gradient flows through them).  ``cudnn_off`` and
    the calibration ranges are accepted and ignored (CPU only, no quantization).
    The running statistics are inputs of the recorded node (no gradient flows to them,
    as to MXNet's auxiliary states), so ``autograd.compile`` reads and writes them as
    such.
    """
    name = 'batch_norm'
    x = _float_data(as_array(data), name)
    if x.ndim < 1:
        raise ShapeError(f"{name}: data must have at least one axis, got a 0-d array")
    ax = normalize_axis(axis, x.ndim, name)
    C = x.shape[ax]
    gamma = _param(gamma, name, 'gamma', C)
    beta = _param(beta, name, 'beta', C)
    mm = _param(moving_mean, name, 'moving_mean', C)
    mv = _param(moving_var, name, 'moving_var', C)
    eps = _check_eps(eps, name)
    params = (eps, ax, float(momentum), bool(fix_gamma), bool(use_global_stats),
              state.training)
    y, _attrs, mean, inv = batch_norm_apply(x, gamma, beta, mm, mv, params)
    if output_mean_var:
        return [y, wrap(mean.reshape(C).astype(x.dtype)), wrap(inv.reshape(C).astype(x.dtype))]
    return y


# ---- layer_norm --------------------------------------------------------------------------------
_layer_norm_op = _defnorm('layer_norm', ('axis', 'eps'))


def layer_norm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False):
    """Normalize over ``axis`` (the last by default), then scale by ``gamma`` and shift by
    ``beta`` (both of the axis' length), as MXNet 1.9.1's ``npx.layer_norm``.

    ``output_mean_var=True`` also returns the mean and the standard deviation
    ``sqrt(var + eps)`` with ``axis`` kept as length 1 (no gradient flows through them).
    """
    name = 'layer_norm'
    x = _float_data(as_array(data), name)
    if x.ndim < 1:
        raise ShapeError(f"{name}: data must have at least one axis, got a 0-d array")
    ax = normalize_axis(axis, x.ndim, name)
    C = x.shape[ax]
    gamma = _param(gamma, name, 'gamma', C)
    beta = _param(beta, name, 'beta', C)
    eps = _check_eps(eps, name)
    A, B = math.prod(x.shape[:ax]), math.prod(x.shape[ax + 1:])
    y, mean, var, inv = _normalize(_layer_norm_op, x, gamma, beta, (A, C, B), (A, 1, B), eps,
                                   (ax, eps))
    if output_mean_var:
        kept = x.shape[:ax] + (1,) + x.shape[ax + 1:]
        return [y, wrap(mean.reshape(kept).astype(x.dtype)),
                wrap(_onp.sqrt(var + eps).reshape(kept).astype(x.dtype))]
    return y


# ---- instance_norm and group_norm --------------------------------------------------------------
_instance_norm_op = _defnorm('instance_norm', ('eps',))
_group_norm_op = _defnorm('group_norm', ('num_groups', 'eps'))


def instance_norm(data, gamma, beta, eps=1e-3):
    """Normalize each (sample, channel) over the spatial axes of ``data`` (N, C, ...), then
    scale by ``gamma`` and shift by ``beta`` (length C): MXNet 1.9.1's ``InstanceNorm``
    (``mx.nd.InstanceNorm``; not in 1.9.1's ``npx``), ``(x - mean) / sqrt(var + eps)``."""
    name = 'instance_norm'
    x = _float_data(as_array(data), name)
    if x.ndim < 3:
        raise ShapeError(f"{name}: data must have at least 3 axes (batch, channel, spatial...), "
                         f"got shape {x.shape}")
    N, C = x.shape[:2]
    gamma = _param(gamma, name, 'gamma', C)
    beta = _param(beta, name, 'beta', C)
    eps = _check_eps(eps, name)
    S = math.prod(x.shape[2:])
    return _normalize(_instance_norm_op, x, gamma, beta, (N, C, S), (N, C, 1), eps, (eps,))[0]


def group_norm(data, gamma, beta, num_groups=1, eps=1e-5, output_mean_var=False):
    """Split the channels of ``data`` (N, C, ...) into ``num_groups`` groups and normalize each
    (sample, group) over its channels and spatial axes: MXNet 1.9.1's ``GroupNorm``
    (``mx.nd.GroupNorm``; not in 1.9.1's ``npx``).  As in 1.9.1 (and its Gluon
    ``GroupNorm``), ``gamma`` and ``beta`` have one value per *group*, shape
    ``(num_groups,)``.  ``output_mean_var=True`` also returns the mean and the standard
    deviation ``sqrt(var + eps)``, shape (N, num_groups) (no gradient flows through them).
    """
    name = 'group_norm'
    x = _float_data(as_array(data), name)
    if x.ndim < 2:
        raise ShapeError(f"{name}: data must have at least 2 axes (batch, channel, ...), "
                         f"got shape {x.shape}")
    if not isinstance(num_groups, (int, _onp.integer)) or isinstance(num_groups, bool) \
            or num_groups < 1:
        raise ValueError(f"{name}: num_groups must be a positive int, got {num_groups!r}")
    N, C = x.shape[:2]
    if C % num_groups:
        raise ShapeError(f"{name}: the number of channels {C} is not divisible by "
                         f"num_groups={num_groups}")
    G = int(num_groups)
    gamma = _param(gamma, name, 'gamma', G)
    beta = _param(beta, name, 'beta', G)
    eps = _check_eps(eps, name)
    rest = x.size // (N * G) if N * G else 0
    y, mean, var, inv = _normalize(_group_norm_op, x, gamma, beta, (N, G, rest), (N, G, 1), eps,
                                   (G, eps))
    if output_mean_var:
        return [y, wrap(mean.reshape(N, G).astype(x.dtype)),
                wrap(_onp.sqrt(var + eps).reshape(N, G).astype(x.dtype))]
    return y

