"""Basic layers (MXNet 1.9.1's ``gluon.nn.basic_layers``): containers, ``Dense``,
``Dropout``, ``Flatten``, ``Lambda``/``HybridLambda``, ``Identity``, ``Embedding``.

``Dense`` is a matmul plus bias (``npx.fully_connected``'s math); ``Dropout`` is
``npx.dropout`` in training mode (its mask from ``np.random``; compiled, a fresh one per
call); ``Embedding`` uses ``npx.embedding`` when that
operator exists, else integer indexing of the weight (the same values and gradient).
"""
import math

import numpy as _onp

from ... import np, npx, autograd
from ...errors import ShapeError
from ..block import Block, indent
from ..hybrid import HybridBlock
from .activations import Activation

__all__ = ['Sequential', 'HybridSequential', 'Dense', 'Dropout', 'Flatten', 'Lambda',
           'HybridLambda', 'Identity', 'Embedding']


class _SequentialMixin:
    """``add``, indexing, ``len`` and the numbered ``repr`` of both containers."""

    def add(self, *blocks):
        """Append blocks; they run in order."""
        for block in blocks:
            self.register_child(block)

    def forward(self, x, *args):
        """Apply the layer to the input (see the class docstring)."""
        for block in self._children.values():
            x = block(x, *args)
            args = ()
            if isinstance(x, (tuple, list)):
                args = x[1:]
                x = x[0]
        if args:
            x = tuple([x] + list(args))
        return x

    def __repr__(self):
        mods = '\n'.join(f'  ({key}): {indent(repr(block), 2)}'
                         for key, block in self._children.items())
        return f'{self.__class__.__name__}(\n{mods}\n)'

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if isinstance(layers, list):
            net = type(self)(prefix=self._prefix)
            with net.name_scope():
                net.add(*layers)
            return net
        return layers

    def __len__(self):
        return len(self._children)


class Sequential(_SequentialMixin, Block):
    """Stacks Blocks sequentially: ``net.add(nn.Dense(10), nn.Dense(1))``."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybridize(self, active=True, **kwargs):
        """Hybridize the children (MXNet warns that a HybridSequential would be faster)."""
        super().hybridize(active, **kwargs)


class HybridSequential(_SequentialMixin, HybridBlock):
    """Stacks HybridBlocks sequentially; ``hybridize()`` compiles the whole stack."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def forward(self, x, *args):
        """Apply the layer to the input (see the class docstring)."""
        return _SequentialMixin.forward(self, x, *args)


class Dense(HybridBlock):
    """``activation(dot(x, weight.T) + bias)``.

    ``units``: output size; ``flatten``: treat all axes but the first as the input
    features (else only the last axis, the others are kept); ``in_units``: input size
    (0: inferred at the first call); ``weight_initializer`` / ``bias_initializer``.
    """

    def __init__(self, units, activation=None, use_bias=True, flatten=True, dtype='float32',
                 weight_initializer=None, bias_initializer='zeros', in_units=0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get('weight', shape=(units, in_units),
                                          init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get('bias', shape=(units,), init=bias_initializer,
                                            dtype=dtype, allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + '_') \
                if activation is not None else None

    def _features(self, x):
        if x.ndim == 0:
            raise ShapeError(f"{self.name}: Dense needs an input with at least one axis, got "
                             "a 0-d array")
        if self._flatten:
            return math.prod(x.shape[1:])
        return x.shape[-1]

    def infer_shape(self, x, *args):
        """``in_units`` from the input: all axes but the first (flatten) or the last one."""
        self.weight.shape = (self._units, self._features(x))

    def hybrid_forward(self, F, x, weight, bias=None):
        """Apply the layer to the input (see the class docstring)."""
        n = self._features(x)
        if n != weight.shape[1]:
            raise ShapeError(f"{self.name}: the input has {n} features (shape {x.shape}, "
                             f"flatten={self._flatten}) but the layer expects in_units="
                             f"{weight.shape[1]}")
        if self._flatten:
            x = x.reshape((x.shape[0], n)) if x.ndim != 2 else x
        out = np.matmul(x, weight.T)
        if bias is not None:
            out = out + bias
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self):
        shape = self.weight.shape
        layout = f'{shape[1] if shape[1] else None} -> {shape[0]}'
        act = repr(self.act) if self.act else 'linear'
        return f'{self.__class__.__name__}({layout}, {act})'


class Dropout(HybridBlock):
    """In training mode, zero each element with probability ``rate`` and scale the rest by
    ``1 / (1 - rate)``; ``axes``: axes along which one draw is shared.  Identity otherwise."""

    def __init__(self, rate, axes=(), **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout: rate must be in [0, 1], got {rate}")
        self._rate = rate
        self._axes = tuple(axes)

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        if not autograd.is_training() or self._rate == 0:
            return x
        # the op (as MXNet's layer): a hybridized block draws a fresh mask on every call
        return npx.dropout(x, p=self._rate, axes=self._axes)

    def __repr__(self):
        return f'{self.__class__.__name__}(p = {self._rate}, axes={self._axes})'


class Flatten(HybridBlock):
    """``(N, ...) -> (N, prod(...))``."""

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return x.reshape((x.shape[0], -1)) if x.ndim else x.reshape((1, 1))

    def __repr__(self):
        return self.__class__.__name__


def _resolve(function, what):
    if isinstance(function, str):
        for ns in (np, npx):
            if hasattr(ns, function):
                return getattr(ns, function)
        raise ValueError(f"{what}: there is no operator {function!r} in np or npx")
    if not callable(function):
        raise ValueError(f"Unrecognized function in {what}: {function} of type "
                         f"{type(function)}")
    return function


class Lambda(Block):
    """Wrap ``function(*args)`` (a callable, or the name of an ``np``/``npx`` operator)."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        self._func_impl = _resolve(function, 'Lambda')
        self._func_name = function if isinstance(function, str) else \
            getattr(function, '__name__', repr(function))

    def forward(self, *args):
        """Apply the layer to the input (see the class docstring)."""
        return self._func_impl(*args)

    def __repr__(self):
        return f'{self.__class__.__name__}({self._func_name})'


class HybridLambda(HybridBlock):
    """Wrap ``function(F, x, *args)`` (or the name of an ``np``/``npx`` operator)."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            op = _resolve(function, 'HybridLambda')
            self._func = lambda F, *args: op(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = getattr(function, '__name__', repr(function))
        else:
            _resolve(function, 'HybridLambda')

    def hybrid_forward(self, F, x, *args):
        """Apply the layer to the input (see the class docstring)."""
        return self._func(F, x, *args)

    def __repr__(self):
        return f'{self.__class__.__name__}({self._func_name})'


class Identity(HybridBlock):
    """Returns its input (MXNet 1.9.1 has it as ``gluon.contrib.nn.Identity``)."""

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return x

    def __repr__(self):
        return self.__class__.__name__


class Embedding(HybridBlock):
    """Rows of ``weight`` (``input_dim x output_dim``) picked by integer indices."""

    def __init__(self, input_dim, output_dim, dtype='float32', weight_initializer=None,
                 sparse_grad=False, **kwargs):
        super().__init__(**kwargs)
        if sparse_grad:
            raise NotImplementedError("Embedding(sparse_grad=True): only dense gradients")
        self._kwargs = {'input_dim': input_dim, 'output_dim': output_dim, 'dtype': dtype}
        self.weight = self.params.get('weight', shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      allow_deferred_init=True)

    def hybrid_forward(self, F, x, weight):
        """Apply the layer to the input (see the class docstring)."""
        if hasattr(npx, 'embedding'):
            return npx.embedding(x, weight, input_dim=self._kwargs['input_dim'],
                                 output_dim=self._kwargs['output_dim'])
        idx = x.asnumpy() if hasattr(x, 'asnumpy') else _onp.asarray(x)
        # MXNet clips indices into [0, input_dim - 1]
        idx = _onp.clip(idx.astype(_onp.int64), 0, self._kwargs['input_dim'] - 1)
        return weight[idx]

    def __repr__(self):
        k = self._kwargs
        dt = _onp.dtype(k['dtype']).name
        return f"{self.__class__.__name__}({k['input_dim']} -> {k['output_dim']}, {dt})"
