"""Activation layers: ``Activation``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``SELU``, ``GELU``,
``Swish`` (MXNet 1.9.1's ``gluon.nn.activations``).

Each is written with the existing ``np``/``npx`` ops (so they run and differentiate
today, to any order); the kink conventions are MXNet's: the slope at exactly 0 is the
negative side's (``x > 0`` selects the identity).  ``GELU`` is the exact (erf) form: it
uses ``npx.leaky_relu(x, act_type='gelu')`` when that operator exists, otherwise ``erf``
from ``_math`` (a rational approximation, |error| < 1.5e-7).
"""
from ... import np, npx, init as _init
from ..hybrid import HybridBlock
from ._math import erf

__all__ = ['Activation', 'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'GELU', 'Swish', 'activation']

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _softrelu(x):
    # log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|))
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


_ACTS = {
    'relu': npx.relu,
    'sigmoid': npx.sigmoid,
    'tanh': np.tanh,
    'softrelu': _softrelu,
    'softsign': lambda x: x / (1 + np.abs(x)),
}


def activation(x, act_type):
    """``npx.activation``'s math: 'relu', 'sigmoid', 'tanh', 'softrelu' or 'softsign'."""
    fn = _ACTS.get(act_type)
    if fn is None:
        raise ValueError(f"Activation: act_type must be one of {sorted(_ACTS)}, got "
                         f"{act_type!r}")
    return fn(x)


def _elu(x, alpha):
    # expm1 of min(x, 0): no overflow (and no inf * 0 in the gradient) for large x
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


class Activation(HybridBlock):
    """``Activation('relu')``: one of 'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'."""

    def __init__(self, activation, **kwargs):
        if activation not in _ACTS:
            raise ValueError(f"Activation: activation must be one of {sorted(_ACTS)}, got "
                             f"{activation!r}")
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self):
        return self._act_type

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return activation(x, self._act_type)

    def __repr__(self):
        return f'{self.__class__.__name__}({self._act_type})'


class LeakyReLU(HybridBlock):
    """``x`` for ``x > 0``, else ``alpha * x``."""

    def __init__(self, alpha, **kwargs):
        if alpha < 0:
            raise ValueError("Slope coefficient for LeakyReLU must be no less than 0.")
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return np.where(x > 0, x, self._alpha * x)

    def __repr__(self):
        return f'{self.__class__.__name__}({self._alpha})'


class PReLU(HybridBlock):
    """Leaky ReLU with a learned slope ``alpha`` (one per channel, axis 1, or one shared)."""

    def __init__(self, alpha_initializer=_init.Constant(0.25), in_channels=1, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get('alpha', shape=(in_channels,),
                                         init=alpha_initializer)

    def hybrid_forward(self, F, x, alpha):
        """Apply the layer to the input (see the class docstring)."""
        if alpha.shape[0] > 1 and x.ndim > 1:
            alpha = alpha.reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.where(x > 0, x, alpha * x)

    def __repr__(self):
        return f'{self.__class__.__name__}(\n\n)'


class ELU(HybridBlock):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return _elu(x, self._alpha)

    def __repr__(self):
        return f'{self.__class__.__name__}(\n\n)'


class SELU(HybridBlock):
    """Scaled ELU with Klambauer et al.'s constants."""

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return _SELU_SCALE * _elu(x, _SELU_ALPHA)

    def __repr__(self):
        return f'{self.__class__.__name__}(\n\n)'


class GELU(HybridBlock):
    """``x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2)))`` (the exact form, as MXNet)."""

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        if hasattr(npx, 'leaky_relu'):
            return npx.leaky_relu(x, act_type='gelu')
        return 0.5 * x * (1 + erf(x * 0.7071067811865476))

    def __repr__(self):
        return f'{self.__class__.__name__}(\n\n)'


class Swish(HybridBlock):
    """``x * sigmoid(beta * x)``."""

    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        return x * npx.sigmoid(self._beta * x)

    def __repr__(self):
        return f'{self.__class__.__name__}(\n\n)'
