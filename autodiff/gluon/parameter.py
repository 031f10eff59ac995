"""``Parameter`` and ``Constant``: a named array with a gradient, initialised on demand.

As in MXNet 1.9.1: a shape may hold 0 (or -1) for sizes unknown until the first forward
pass (deferred initialisation; ``shape`` reports them as -1, numpy mode's spelling);
``data()`` before ``initialize()`` raises ``RuntimeError`` naming the parameter, and
between ``initialize()`` and the first forward pass of a deferred parameter
``DeferredInitializationError``.  The data is an autodiff array marked with
``attach_grad(grad_req)``; its gradient Variable carries the parameter's name, so graphs
label it ``dense0_weight``.
"""
import warnings

import numpy as _onp

from ..device import cpu
from .. import autograd, dtypes
from .. import init as _init
from ..errors import ShapeError
from ..ndarray import ndarray, wrap
from ..ops.convert import as_array

__all__ = ['Parameter', 'Constant', 'DeferredInitializationError', 'tensor_types']

tensor_types = (ndarray,)


class DeferredInitializationError(RuntimeError):
    """A parameter was used before its deferred initialisation (its first forward pass)."""


class Structure:
    """The version of every Block tree's make-up: bumped whenever a Block gains or replaces
    a child or a Parameter, or a ParameterDict gains one.  ``HybridBlock`` keeps its
    ``collect_params()`` list between calls while the version stays the same."""
    version = 0


def structure_changed():
    """Bump ``Structure.version`` (caches of collected parameters are stale)."""
    Structure.version += 1


def _known(shape):
    return shape is not None and all(s > 0 for s in shape)


class Parameter:
    """A Block's weight: ``name``, ``shape`` (0 for unknown), ``dtype``, ``init``,
    ``grad_req`` ('write', 'add', 'null'), ``lr_mult``/``wd_mult`` (scale the optimizer's
    learning rate / weight decay), ``allow_deferred_init``, ``differentiable``."""

    def __init__(self, name, grad_req='write', shape=None, dtype=_onp.float32,
                 lr_mult=1.0, wd_mult=1.0, init=None, allow_deferred_init=False,
                 differentiable=True, stype='default', grad_stype='default'):
        if stype != 'default' or grad_stype != 'default':
            raise NotImplementedError(f"Parameter '{name}': only dense storage "
                                      "(stype='default') is supported")
        self.name = name
        self._shape = None if shape is None else self._norm_shape(shape)
        self._dtype = dtypes.check(dtype)
        self._dtype_given = (dtype, self._dtype)   # printed as given, as MXNet does
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self._allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        self._grad_req = grad_req if differentiable else 'null'
        self._check_req(self._grad_req)
        self._data = None
        self._deferred_init = ()
        self._trainer = None
        self._fresh_grad = False

    # ---- attributes ---------------------------------------------------------------------
    @staticmethod
    def _norm_shape(shape):
        if isinstance(shape, int):
            shape = (shape,)
        return tuple(0 if int(s) < 0 else int(s) for s in shape)

    def __repr__(self):
        given, as_checked = self._dtype_given
        shown = given if as_checked == self._dtype else self._dtype
        return f"Parameter {self.name} (shape={self.shape}, dtype={shown})"

    @staticmethod
    def _check_req(req):
        if req not in ('write', 'add', 'null'):
            raise ValueError(f"grad_req must be one of 'write', 'add', or 'null', but got "
                             f"'{req}'")

    @property
    def grad_req(self):
        """'write', 'add' or 'null' (a non-differentiable parameter is always 'null')."""
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        self._check_req(req)
        if not self._differentiable:
            req = 'null'
        if req == self._grad_req:
            return
        self._grad_req = req
        if self._data is not None:
            self._mark()

    @property
    def dtype(self):
        """The data type; setting it casts the data (``cast``)."""
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def shape(self):
        """The shape, with -1 for sizes not known yet (MXNet numpy mode), or None."""
        if self._shape is None:
            return None
        return tuple(s if s > 0 else -1 for s in self._shape)

    @shape.setter
    def shape(self, new_shape):
        new_shape = self._norm_shape(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if len(new_shape) != len(self._shape) or not all(
                j in (0, i) for i, j in zip(new_shape, self._shape)):
            raise ShapeError(f"Parameter '{self.name}': expected shape "
                             f"{self.shape} is incompatible with given shape {new_shape}")
        self._shape = new_shape

    # ---- initialisation -------------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False):
        """Create the data (and zero gradient) with ``init``, else this parameter's own
        ``init``, else ``default_init`` (MXNet's ``Uniform()``).  With an unknown shape and
        ``allow_deferred_init`` this only remembers the initialiser until the first
        forward pass; otherwise an unknown shape is a ``ValueError``."""
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = None
        if default_init is None:
            default_init = _init.Uniform()
        if init is None:
            init = default_init if self.init is None else self.init
        self._deferred_init = (init, ctx, default_init, None)
        if not _known(self._shape):
            if self._allow_deferred_init:
                return
            self._deferred_init = ()
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has "
                             f"invalid shape: {self.shape}.")
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Run the remembered initialiser now that the shape is known."""
        if not self._deferred_init:
            return
        init, _ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not _known(self._shape):
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has "
                             f"invalid shape: {self.shape}. Please specify in_units, "
                             "in_channels, etc for `Block`s.")
        with autograd.pause():
            arr = wrap(_onp.zeros(self._shape, self._dtype))
            if data is None:
                if isinstance(init, (_init.Initializer, str)):
                    # MXNet: the parameter's initialiser (its own, else the global one)
                    # fills it through _init_weight, whatever the name's suffix
                    _init.create(default_init)(
                        _init.InitDesc(self.name, {'__init__': init}), arr)
                else:
                    # Mixed / Load dispatch on the name themselves
                    init(_init.InitDesc(self.name), arr)
            else:
                _onp.copyto(arr._data, _onp.asarray(data), casting='unsafe')
        self._data = arr
        self._mark()

    def _mark(self):
        """(Re)mark the data with this parameter's ``grad_req`` and name the Variable."""
        if self._grad_req == 'null':
            self._data = wrap(self._data._data)
            return
        self._data.attach_grad(self._grad_req)
        self._data._node.name = self.name

    def _load_init(self, data, ctx=None, cast_dtype=False, dtype_source='current'):
        """Set the data from a loaded array (initialising if needed)."""
        data = _onp.asarray(data._data if isinstance(data, ndarray) else data)
        if self._shape is not None:
            if len(self._shape) != data.ndim or not all(
                    s in (0, d) for s, d in zip(self._shape, data.shape)):
                raise ShapeError(f"Failed loading Parameter '{self.name}' from saved params: "
                                 f"shape incompatible expected {self.shape} vs saved "
                                 f"{data.shape}")
        self._shape = tuple(data.shape)
        if cast_dtype:
            if dtype_source == 'saved':
                self._dtype = data.dtype
            data = data.astype(self._dtype)
        elif data.dtype != self._dtype:
            raise ValueError(f"Failed loading Parameter '{self.name}' from saved params: "
                             f"dtype incompatible expected {self._dtype} vs saved "
                             f"{data.dtype}. Set cast_dtype=True to cast the dtype of saved "
                             "params.")
        if self._data is None:
            self._deferred_init = (None, None, None, data)
            self._finish_deferred_init()
        else:
            self.set_data(data)

    # ---- access ---------------------------------------------------------------------------
    def _check_and_get(self):
        if self._data is not None:
            return self._data
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization "
                "was deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing "
                "Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers.")
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            "initialize parameters and create Trainer with Block.collect_params() instead "
            "of Block.params because the later does not include Parameters of nested child "
            "Blocks")

    def data(self, ctx=None):
        """The parameter's array (marked for gradients unless grad_req is 'null')."""
        arr = self._check_and_get()
        if autograd.is_recording():
            self._fresh_grad = True      # a recorded use: its gradient will be fresh
        return arr

    def list_data(self):
        """``[data()]`` (one device)."""
        return [self.data()]

    def grad(self, ctx=None):
        """The gradient buffer; ``RuntimeError`` when grad_req is 'null'."""
        if self._data is not None and self._grad_req == 'null':
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' "
                               "because grad_req='null'")
        return self._check_and_get().grad

    def list_grad(self):
        """``[grad()]`` (one device)."""
        return [self.grad()]

    def list_ctx(self):
        """``[cpu(0)]``: the only device."""
        if self._data is None and not self._deferred_init:
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return [cpu()]

    def reset_ctx(self, ctx):
        """Accepted for compatibility: there is one device."""

    def set_data(self, data):
        """Overwrite the values in place (the gradient mark stays)."""
        self.shape = _onp.shape(data._data if isinstance(data, ndarray) else data)
        if self._data is None:
            if not self._deferred_init:
                raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
            init, ctx, default_init, _ = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
            return
        with autograd.pause():
            value = as_array(data)
            self._data[...] = value.astype(self._dtype) if value.dtype != self._dtype else value

    def zero_grad(self):
        """Set the gradient to 0 (nothing for an uninitialised or 'null' parameter)."""
        if self._data is None or self._grad_req == 'null':
            return
        self._data.grad._data.fill(0)

    def cast(self, dtype):
        """Cast data and gradient to ``dtype`` (a fresh mark, gradient zero)."""
        self._dtype = dtypes.check(dtype)
        if self._data is None:
            return
        self._data = wrap(self._data._data.astype(self._dtype))
        self._mark()

    def var(self):
        """Symbols are not part of this library (graphs come from ``autograd.get_symbol``)."""
        raise NotImplementedError("Parameter.var(): symbolic variables are not supported; "
                                  "use autograd.get_symbol on a recorded output")


class Constant(Parameter):
    """A parameter that never changes: ``grad_req='null'``, initialised to ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, ndarray):
            value = as_array(_onp.asarray(value, dtype=_onp.float32)
                             if not isinstance(value, _onp.ndarray) else value)
        self.value = value
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype,
                         init=_init.Constant(value._data.copy()), differentiable=False)

    def __repr__(self):
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def grad_req(self):
        """Always 'null': a constant has no gradient."""
        return 'null'

    @grad_req.setter
    def grad_req(self, req):
        if req != 'null':
            warnings.warn(f"Constant parameter \"{self.name}\" does not support grad_req "
                          f"other than \"null\", and new value \"{req}\" is ignored.",
                          stacklevel=2)
