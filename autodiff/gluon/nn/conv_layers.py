"""Convolution and pooling layers (MXNet 1.9.1's ``gluon.nn.conv_layers``).

``Conv1D/2D/3D`` call ``npx.convolution``, the ``...Transpose`` layers
``npx.deconvolution`` and the windowed pools ``npx.pooling``, with MXNet 1.9.1's keyword
signatures; those operators come from another branch (nn-conv), and until it is merged
these layers raise a clear error when called.  The global pools are means / maxima over
the spatial axes (existing ops).
"""
from ... import npx
from ...errors import ShapeError
from ..hybrid import HybridBlock
from .activations import Activation

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose',
           'Conv3DTranspose', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D',
           'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
           'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D']


def _tuple(v, n, what):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    if len(v) != n:
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {v}")
    return v


def _op(name):
    fn = getattr(npx, name, None)
    if fn is None:
        raise NotImplementedError(f"npx.{name} is not available in this build (it comes with "
                                  "the nn-conv operators)")
    return fn


class _Conv(HybridBlock):
    """Shared machinery of the convolutions (``transpose`` for the deconvolutions)."""

    def _alias(self):
        return 'conv'      # MXNet's name hint: conv0, conv1... (not conv2d0)

    def __init__(self, ndim, channels, kernel_size, strides, padding, dilation, groups, layout,
                 in_channels, activation, use_bias, weight_initializer, bias_initializer,
                 transpose=False, output_padding=0, **kwargs):
        super().__init__(**kwargs)
        if layout is None:
            layout = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}[ndim]
        if not layout.startswith('NC'):
            raise ValueError(f"{type(self).__name__}: only channels-first layouts (NCW, NCHW, "
                             f"NCDHW) are supported, got {layout!r}")
        self._ndim = ndim
        self._channels = channels
        self._in_channels = in_channels
        self._transpose = transpose
        self._kwargs = {
            'kernel': _tuple(kernel_size, ndim, 'kernel_size'),
            'stride': _tuple(strides, ndim, 'strides'),
            'dilate': _tuple(dilation, ndim, 'dilation'),
            'pad': _tuple(padding, ndim, 'padding'),
            'num_filter': channels, 'num_group': groups, 'no_bias': not use_bias,
            'layout': layout}
        if transpose:
            self._kwargs['adj'] = _tuple(output_padding, ndim, 'output_padding')
        with self.name_scope():
            self.weight = self.params.get('weight', shape=self._wshape(in_channels),
                                          init=weight_initializer, allow_deferred_init=True)
            self.bias = self.params.get('bias', shape=(channels,), init=bias_initializer,
                                        allow_deferred_init=True) if use_bias else None
            self.act = Activation(activation, prefix=activation + '_') \
                if activation is not None else None

    def _wshape(self, in_channels):
        g, k = self._kwargs['num_group'], self._kwargs['kernel']
        if self._transpose:
            return (in_channels, self._channels // g) + k
        return (self._channels, in_channels // g if in_channels else 0) + k

    def infer_shape(self, x, *args):
        """``in_channels`` from the input's axis 1."""
        if x.ndim != self._ndim + 2:
            raise ShapeError(f"{self.name}: expected a {self._ndim + 2}-d input "
                             f"({self._kwargs['layout']}), got shape {x.shape}")
        self.weight.shape = self._wshape(x.shape[1])

    def hybrid_forward(self, F, x, weight, bias=None):
        """Apply the layer to the input (see the class docstring)."""
        if x.ndim != self._ndim + 2:
            raise ShapeError(f"{self.name}: expected a {self._ndim + 2}-d input "
                             f"({self._kwargs['layout']}), got shape {x.shape}")
        name = 'deconvolution' if self._transpose else 'convolution'
        out = _op(name)(x, weight, bias, **self._kwargs)
        return self.act(out) if self.act is not None else out

    def __repr__(self):
        k = self._kwargs
        s = '{name}({mapping}, kernel_size={kernel}, stride={stride}'
        if any(p != 0 for p in k['pad']):
            s += ', padding={pad}'
        if any(d != 1 for d in k['dilate']):
            s += ', dilation={dilate}'
        if self._transpose and any(a != 0 for a in k['adj']):
            s += ', output_padding={adj}'
        if k['num_group'] != 1:
            s += ', groups={num_group}'
        if self.bias is None:
            s += ', bias=False'
        if self.act is not None:
            s += ', {}'.format(self.act)
        s += ')'
        shape = self.weight.shape
        mapping = '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0])
        return s.format(name=self.__class__.__name__, mapping=mapping, **k)


def _conv_class(ndim, transpose):
    def __init__(self, channels, kernel_size, strides=1, padding=0, *rest, **kwargs):
        names = (['output_padding'] if transpose else []) + [
            'dilation', 'groups', 'layout', 'activation', 'use_bias', 'weight_initializer',
            'bias_initializer', 'in_channels']
        opts = dict(output_padding=0, dilation=1, groups=1, layout=None, activation=None,
                    use_bias=True, weight_initializer=None, bias_initializer='zeros',
                    in_channels=0)
        opts.update(dict(zip(names, rest)))
        for k in list(kwargs):
            if k in opts:
                opts[k] = kwargs.pop(k)
        _Conv.__init__(self, ndim, channels, kernel_size, strides, padding, opts['dilation'],
                       opts['groups'], opts['layout'], opts['in_channels'],
                       opts['activation'], opts['use_bias'], opts['weight_initializer'],
                       opts['bias_initializer'], transpose=transpose,
                       output_padding=opts['output_padding'], **kwargs)
    kind = 'Transpose' if transpose else ''
    doc = (f"{ndim}-D {'transposed ' if transpose else ''}convolution: ``channels`` filters "
           f"of ``kernel_size``, ``strides``, ``padding``, "
           f"{'``output_padding``, ' if transpose else ''}``dilation``, ``groups``, "
           "``layout``, ``activation``, ``use_bias``, ``in_channels`` (0: inferred), "
           "initialisers — MXNet 1.9.1's arguments and order.")
    return type(f'Conv{ndim}D{kind}', (_Conv,), {'__init__': __init__, '__doc__': doc})


Conv1D, Conv2D, Conv3D = (_conv_class(n, False) for n in (1, 2, 3))
Conv1DTranspose, Conv2DTranspose, Conv3DTranspose = (_conv_class(n, True) for n in (1, 2, 3))
for _c in (Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose):
    _c.__module__ = __name__


class _Pooling(HybridBlock):
    """Windowed pooling through ``npx.pooling``."""

    def __init__(self, ndim, pool_size, strides, padding, ceil_mode, global_pool, pool_type,
                 layout, count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        if layout is None:
            layout = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}[ndim]
        if strides is None:
            strides = pool_size
        self._ndim = ndim
        self._kwargs = {
            'kernel': _tuple(pool_size, ndim, 'pool_size'),
            'stride': _tuple(strides, ndim, 'strides'),
            'pad': _tuple(padding, ndim, 'padding'),
            'global_pool': global_pool, 'pool_type': pool_type, 'layout': layout,
            'pooling_convention': 'full' if ceil_mode else 'valid'}
        if count_include_pad is not None:
            self._kwargs['count_include_pad'] = count_include_pad

    def _alias(self):
        return 'pool'

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        if x.ndim != self._ndim + 2:
            raise ShapeError(f"{self.name}: expected a {self._ndim + 2}-d input "
                             f"({self._kwargs['layout']}), got shape {x.shape}")
        if self._kwargs['global_pool']:
            axes = tuple(range(2, x.ndim))
            if self._kwargs['pool_type'] == 'max':
                return x.max(axis=axes, keepdims=True)
            return x.mean(axis=axes, keepdims=True)
        return _op('pooling')(x, **self._kwargs)

    def __repr__(self):
        k = self._kwargs
        return (f"{self.__class__.__name__}(size={k['kernel']}, stride={k['stride']}, "
                f"padding={k['pad']}, ceil_mode={k['pooling_convention'] == 'full'}, "
                f"global_pool={k['global_pool']}, pool_type={k['pool_type']}, "
                f"layout={k['layout']})")


def _pool_class(ndim, pool_type):
    def __init__(self, pool_size=2, strides=None, padding=0, layout=None, ceil_mode=False,
                 *rest, **kwargs):
        cip = None
        if pool_type == 'avg':
            cip = rest[0] if rest else kwargs.pop('count_include_pad', True)
        _Pooling.__init__(self, ndim, pool_size, strides, padding, ceil_mode, False,
                          pool_type, layout, cip, **kwargs)
    name = f"{'Max' if pool_type == 'max' else 'Avg'}Pool{ndim}D"
    doc = (f"{ndim}-D {pool_type} pooling over windows of ``pool_size`` (stride defaults to "
           "the window), ``padding``, ``ceil_mode``, ``layout``"
           f"{', ``count_include_pad``' if pool_type == 'avg' else ''}.")
    return type(name, (_Pooling,), {'__init__': __init__, '__doc__': doc,
                                    '__module__': __name__})


def _global_class(ndim, pool_type):
    def __init__(self, layout=None, **kwargs):
        _Pooling.__init__(self, ndim, (1,) * ndim, None, (0,) * ndim, True, True, pool_type,
                          layout, **kwargs)
    name = f"Global{'Max' if pool_type == 'max' else 'Avg'}Pool{ndim}D"
    doc = f"{ndim}-D global {pool_type} pooling: one value per sample and channel."
    return type(name, (_Pooling,), {'__init__': __init__, '__doc__': doc,
                                    '__module__': __name__})


MaxPool1D, MaxPool2D, MaxPool3D = (_pool_class(n, 'max') for n in (1, 2, 3))
AvgPool1D, AvgPool2D, AvgPool3D = (_pool_class(n, 'avg') for n in (1, 2, 3))
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (_global_class(n, 'max') for n in (1, 2, 3))
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (_global_class(n, 'avg') for n in (1, 2, 3))
