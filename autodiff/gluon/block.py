"""``Block``: the base of every layer and model (MXNet 1.9.1's ``gluon.Block``).

A Block owns Parameters (``self.params``, a ``ParameterDict`` with the block's prefix) and
child Blocks (registered when assigned as attributes, in order).  Names follow MXNet's
per-process counters: the first ``Dense`` made outside any name scope is ``dense0`` and
its weight ``dense0_weight``; children made inside ``with self.name_scope():`` are named
under their parent (``mymodel0_dense0_``).  ``save_parameters`` stores structural keys
(``0.weight``, ``encoder.bias``: attribute paths), as 1.9.1 does.
"""
import contextlib
import re
import threading
from collections import OrderedDict

from ._naming import BlockScope, new_prefix
from ._io import save_arrays, load_arrays
from .parameter import Parameter, structure_changed
from .parameter_dict import ParameterDict, _brief
from ..scope import Scope, current as _current_scope


__all__ = ['Block', 'HookHandle', 'indent']


def indent(text, spaces):
    """Indent every line of ``text`` after the first by ``spaces`` (MXNet's ``_indent``)."""
    lines = text.split('\n')
    if len(lines) == 1:
        return text
    return '\n'.join([lines[0]] + [' ' * spaces + line for line in lines[1:]])


class HookHandle:
    """Returned by ``register_forward_hook``; ``detach()`` removes the hook."""

    _next = 0
    _lock = threading.Lock()

    def __init__(self, hooks):
        with HookHandle._lock:
            self.id = HookHandle._next
            HookHandle._next += 1
        self._hooks = hooks

    def detach(self):
        """Remove the hook (idempotent)."""
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()
        return False


def _by_name(params):
    """``{name: Parameter}`` of ``params``; two different Parameters of one name are an error."""
    out = {}
    for p in params:
        if p.name in out and out[p.name] is not p:
            raise ValueError(f"Cannot collect two different Parameters with the same name "
                             f"'{p.name}' in one block")
        out[p.name] = p
    return out


class Block:
    """Base class of layers and models: override ``forward(*args)``.

    ``prefix``: the names' prefix (default from the class name's counter); ``params``:
    a ``ParameterDict`` to share parameters with (its parameters are reused by name).
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, parent = new_prefix(prefix, self._alias())
        if params is None:
            shared = parent._params._shared if parent is not None else None
            self._params = ParameterDict(self._prefix, shared)
        else:
            self._params = ParameterDict(params.prefix, params)
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        # the graph scope's name (``scope.block_scope``'s rule: non-empty, no '/'): the
        # name, or for ``prefix=''`` the class's alias
        self._scope_name = self._name.replace('/', '_') or self._alias()
        self._scope = BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def _alias(self):
        return self.__class__.__name__.lower()

    # ---- printing -----------------------------------------------------------------------
    def __repr__(self):
        mods = '\n'.join(f'  ({key}): {indent(repr(block), 2)}'
                         for key, block in self.__dict__.items() if isinstance(block, Block))
        return f'{self.__class__.__name__}(\n{mods}\n)'

    # ---- registration -------------------------------------------------------------------
    def __setattr__(self, name, value):
        """Assigning a Block registers it as a child, a Parameter as this block's own."""
        if name in self.__dict__:
            existing = self.__dict__[name]
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(f"Changing attribute type for {self.name} from "
                                f"{type(existing)} to {type(value)} is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            self._reg_params[name] = value
            structure_changed()
        object.__setattr__(self, name, value)

    def register_child(self, block, name=None):
        """Register ``block`` as a child (its parameters join ``collect_params``)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block
        structure_changed()

    @property
    def prefix(self):
        """The prefix of this block's names (e.g. ``dense0_``)."""
        return self._prefix

    @property
    def name(self):
        """The block's name (its prefix without the trailing ``_``)."""
        return self._name

    @property
    def params(self):
        """This block's own ParameterDict (children not included: see ``collect_params``)."""
        return self._params

    def name_scope(self):
        """``with self.name_scope():`` — children created inside are named under this block."""
        return self._scope

    # ---- parameters ---------------------------------------------------------------------
    def collect_params(self, select=None):
        """A ParameterDict of this block's and all descendants' parameters; ``select``: a
        regex (``'.*weight|.*bias'``) matched against full names."""
        ret = ParameterDict(self._params.prefix)
        own = ParameterDict(self._params.prefix)
        own._merge(self._params)
        # a Parameter assigned as an attribute (``self.w = Parameter('w', ...)``, as MXNet 2
        # and its crash course write custom layers) is this block's own too
        mine = {id(p) for p in self._params.values()}
        own._merge(_by_name(p for p in self._reg_params.values() if id(p) not in mine))
        if not select:
            ret._merge(own)
        else:
            pattern = re.compile(select)
            for name, value in own.items():
                if pattern.match(name):
                    ret._params[name] = value
        for child in self._children.values():
            ret._merge(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=''):
        """``{structural key: Parameter}``: ``weight``, ``0.weight``, ``block.1.bias``..."""
        if prefix:
            prefix += '.'
        ret = {prefix + key: p for key, p in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialise every parameter (``init`` defaults to ``init.Uniform()``); shapes
        still unknown are initialised at the first forward pass."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def save_parameters(self, filename, deduplicate=False):
        """Save the parameters under structural keys (``0.weight``) in the ``.npz`` format
        of ``gluon._io``.  ``deduplicate``: a shared parameter is stored once."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            seen, kept = set(), {}
            for k, p in params.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    kept[k] = p
            params = kept
        save_arrays(filename, {k: p._check_and_get()._data for k, p in params.items()})

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
                        cast_dtype=False, dtype_source='current'):
        """Load a file written by ``save_parameters`` (or, for a file of full names, by
        ``collect_params().save``)."""
        loaded = load_arrays(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in k for k in loaded):
            # full parameter names (ParameterDict.save): the legacy path, as MXNet
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra,
                                       self.prefix, cast_dtype=cast_dtype,
                                       dtype_source=dtype_source)
            return
        if not allow_missing:
            for name in params:
                if name not in loaded:
                    raise KeyError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains "
                        f"parameters: {_brief(loaded)}. Set allow_missing=True to ignore "
                        "missing parameters.")
        for name, value in loaded.items():
            if name not in params:
                if not ignore_extra:
                    raise KeyError(
                        f"Parameter '{name}' loaded from file '{filename}' is not present in "
                        f"Block, which contains parameters: {_brief(params)}. Set "
                        "ignore_extra=True to ignore.")
                continue
            params[name]._load_init(value, ctx, cast_dtype=cast_dtype,
                                    dtype_source=dtype_source)

    save_params = save_parameters
    load_params = load_parameters

    def cast(self, dtype):
        """Cast every parameter (of this block and its children) to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for p in self._params.values():
            p.cast(dtype)

    def zero_grad(self):
        """Set the gradients of all parameters to 0."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        """Accepted for compatibility: there is one device."""

    # ---- hooks and traversal ------------------------------------------------------------
    def register_forward_pre_hook(self, hook):
        """``hook(block, inputs)`` runs before each ``forward``; returns a ``HookHandle``."""
        handle = HookHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook):
        """``hook(block, inputs, outputs)`` runs after each ``forward``."""
        handle = HookHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant and then on this block; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def hybridize(self, active=True, **kwargs):
        """Hybridize the HybridBlocks among the children (a plain Block itself runs eagerly)."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    # ---- calling ------------------------------------------------------------------------
    def __call__(self, *args):
        """Run pre-hooks, ``forward(*args)`` (inside this block's graph scope, as
        ``scope.block_scope`` opens one: entered here directly, a call being hot), hooks."""
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        reg = self._reg_params
        arrays = {p.name: p._data for p in reg.values() if p._data is not None} if reg else {}
        prev = _current_scope.scope
        _current_scope.scope = Scope(self._scope_name, self.__class__.__name__, arrays, prev)
        try:
            out = self.forward(*args)
            for p in reg.values():                 # deferred parameters exist only now
                if p._data is not None:
                    arrays.setdefault(p.name, p._data)
        finally:
            _current_scope.scope = prev
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args):
        """Override this: the computation on the inputs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, *args)")

    def summary(self, *inputs):
        """Print a table of each layer's output shape and parameter count (MXNet's format)."""
        from .summary import print_summary   # (it imports the layers, which import this)
        print_summary(self, inputs)
