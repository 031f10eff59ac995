"""Normalisation layers: ``BatchNorm``, ``LayerNorm``, ``InstanceNorm``, ``GroupNorm``.

Each calls its ``npx`` kernel op (``batch_norm``, ``layer_norm``, ``instance_norm``,
``group_norm``), so the math is written once, in ``autodiff/ops/norm.py``.  ``BatchNorm`` in
training mode (``autograd.is_training()``, unless ``use_global_stats``) normalises with the
batch statistics and, as MXNet 1.9.1 does, updates ``running = momentum * running +
(1 - momentum) * batch`` (biased batch variance) when the backward pass runs: no backward,
no update.  Otherwise it uses the running statistics.  The running statistics are inputs
of the ``batch_norm`` node, so a hybridized ``BatchNorm`` compiles in both modes (the
compiled backward writes the update into the parameters' arrays).  ``GroupNorm``'s
``gamma``/``beta``
have one value per group, as in 1.9.1.
"""
from ... import npx
from ...errors import ShapeError, AxisError
from ..hybrid import HybridBlock

__all__ = ['BatchNorm', 'LayerNorm', 'InstanceNorm', 'GroupNorm']


def _axis(axis, ndim, who):
    a = axis + ndim if axis < 0 else axis
    if not 0 <= a < ndim:
        raise AxisError(f"{who}: axis {axis} is out of bounds for an input with {ndim} "
                        "dimensions")
    return a


class _Norm(HybridBlock):
    """Shared parameters: gamma, beta of ``in_channels`` along ``axis``."""

    def _make(self, n, center, scale, beta_init, gamma_init):
        self.gamma = self.params.get('gamma', grad_req='write' if scale else 'null',
                                     shape=(n,), init=gamma_init, allow_deferred_init=True,
                                     differentiable=scale)
        self.beta = self.params.get('beta', grad_req='write' if center else 'null',
                                    shape=(n,), init=beta_init, allow_deferred_init=True,
                                    differentiable=center)

    def _check(self, x, n):
        if x.ndim < 2:
            raise ShapeError(f"{self.name}: expected an input with at least 2 dimensions, "
                             f"got shape {x.shape}")
        self._check_features(x, n, 'channels')

    def _check_features(self, x, n, what):
        want = self.gamma._shape[0]
        if want and n != want:
            raise ShapeError(f"{self.name}: the input has {n} {what} along axis "
                             f"{self._axis} (shape {x.shape}) but the layer has in_channels="
                             f"{want}")


class BatchNorm(_Norm):
    """Batch normalisation over every axis but ``axis`` (default 1, the channels)."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True,
                 use_global_stats=False, beta_initializer='zeros', gamma_initializer='ones',
                 running_mean_initializer='zeros', running_variance_initializer='ones',
                 in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._axis = axis
        self._kwargs = {'axis': axis, 'eps': epsilon, 'momentum': momentum,
                        'fix_gamma': not scale, 'use_global_stats': use_global_stats}
        self._momentum = momentum
        self._eps = epsilon
        self._use_global_stats = use_global_stats
        self._fix_gamma = not scale
        self._make(in_channels, center, scale, beta_initializer, gamma_initializer)
        self.running_mean = self.params.get('running_mean', grad_req='null',
                                            shape=(in_channels,),
                                            init=running_mean_initializer,
                                            allow_deferred_init=True, differentiable=False)
        self.running_var = self.params.get('running_var', grad_req='null',
                                           shape=(in_channels,),
                                           init=running_variance_initializer,
                                           allow_deferred_init=True, differentiable=False)

    def infer_shape(self, x, *args):
        """``in_channels`` from the input's size along ``axis``."""
        n = x.shape[_axis(self._axis, x.ndim, self.name)]
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            p.shape = (n,)

    def cast(self, dtype):
        """float16 keeps float32 statistics, as MXNet."""
        if str(dtype) == 'float16':
            dtype = 'float32'
        super().cast(dtype)

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        """Apply the layer to the input (see the class docstring)."""
        ax = _axis(self._axis, x.ndim, self.name)
        self._check(x, x.shape[ax])
        # the kernel op in both modes: the running statistics are its inputs (read in
        # inference, updated in training mode's backward, as MXNet 1.9.1), so a hybridized
        # block compiles either way
        return npx.batch_norm(x, gamma, beta, running_mean, running_var, eps=self._eps,
                              momentum=self._momentum, fix_gamma=self._fix_gamma,
                              use_global_stats=self._use_global_stats, axis=self._axis)

    def __repr__(self):
        kw = ', '.join(f'{k}={v}' for k, v in self._kwargs.items())
        return f'{self.__class__.__name__}({kw}, in_channels={self.gamma.shape[0]})'


class BatchNormReLU(BatchNorm):
    """``relu(BatchNorm(x))`` (MXNet 1.9.1's fused layer; the same arguments)."""

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        """Batch normalisation, then ReLU."""
        return npx.relu(super().hybrid_forward(F, x, gamma, beta, running_mean, running_var))


class LayerNorm(_Norm):
    """Normalise along ``axis`` (default the last) for each sample (``npx.layer_norm``)."""

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones', in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._axis, self._eps = axis, epsilon
        self._kwargs = {'eps': epsilon, 'axis': axis, 'center': center, 'scale': scale}
        self._make(in_channels, center, scale, beta_initializer, gamma_initializer)

    def infer_shape(self, x, *args):
        """``in_channels`` from the size along ``axis``."""
        n = x.shape[_axis(self._axis, x.ndim, self.name)]
        self.gamma.shape = self.beta.shape = (n,)

    def hybrid_forward(self, F, x, gamma, beta):
        """Apply the layer to the input (see the class docstring)."""
        ax = _axis(self._axis, x.ndim, self.name)
        self._check_features(x, x.shape[ax], 'features')
        return npx.layer_norm(x, gamma, beta, axis=self._axis, eps=self._eps)

    def __repr__(self):
        kw = ', '.join(f'{k}={v}' for k, v in self._kwargs.items())
        return f'{self.__class__.__name__}({kw}, in_channels={self.gamma.shape[0]})'


class InstanceNorm(LayerNorm):
    """Normalise each sample's each channel (``axis``, default 1) over the remaining axes
    (``npx.instance_norm`` on the input with ``axis`` moved to 1, as MXNet's layer)."""

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False,
                 beta_initializer='zeros', gamma_initializer='ones', in_channels=0, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         in_channels, **kwargs)

    def hybrid_forward(self, F, x, gamma, beta):
        """Apply the layer to the input (see the class docstring)."""
        if x.ndim < 2:
            raise ShapeError(f"{self.name}: expected an input with at least 2 dimensions, "
                             f"got shape {x.shape}")
        ax = _axis(self._axis, x.ndim, self.name)
        self._check_features(x, x.shape[ax], 'channels')
        if x.ndim == 2:                         # no spatial axis: each value is its own mean
            x = x.reshape(x.shape + (1,))
            return npx.instance_norm(x, gamma, beta, eps=self._eps).reshape(x.shape[:2])
        if ax == 1:
            return npx.instance_norm(x, gamma, beta, eps=self._eps)
        return npx.instance_norm(x.swapaxes(1, ax), gamma, beta, eps=self._eps).swapaxes(1, ax)


class GroupNorm(_Norm):
    """Split the channels (axis 1) into ``num_groups`` groups; normalise each sample's each
    group over its channels and remaining axes; ``gamma``/``beta`` one per group
    (``npx.group_norm``)."""

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones', **kwargs):
        super().__init__(**kwargs)
        self._num_groups, self._eps, self._axis = num_groups, epsilon, 1
        self._kwargs = {'eps': epsilon, 'num_groups': num_groups, 'center': center,
                        'scale': scale}
        self._make(num_groups, center, scale, beta_initializer, gamma_initializer)

    def hybrid_forward(self, F, x, gamma, beta):
        """Apply the layer to the input (see the class docstring)."""
        g = self._num_groups
        if x.ndim < 2 or x.shape[1] % g:
            raise ShapeError(f"{self.name}: the channels (axis 1) of an input of shape "
                             f"{x.shape} cannot be split into num_groups={g} groups")
        return npx.group_norm(x, gamma, beta, num_groups=g, eps=self._eps)

    def __repr__(self):
        kw = ', '.join(f'{k}={v}' for k, v in self._kwargs.items())
        return f'{self.__class__.__name__}({kw})'
