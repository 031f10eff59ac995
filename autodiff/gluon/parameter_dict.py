"""``ParameterDict``: MXNet 1.9.1's ordered ``{name: Parameter}`` with a shared prefix.

``Block.collect_params()`` returns one; ``select`` is a regex (or ``|``-joined regexes)
matched against full names; ``initialize`` / ``zero_grad`` / ``setattr`` act on every
parameter; ``save`` / ``load`` write and read the names (minus ``strip_prefix``) in the
``.npz`` format of ``gluon._io``.
"""
import re
from collections import OrderedDict

import numpy as _onp

from ..device import cpu
from .. import init as _init
from .parameter import Parameter, Constant, structure_changed
from ._io import save_arrays, load_arrays

__all__ = ['ParameterDict']


def _brief(names, limit=3):
    names = list(names)
    if len(names) > limit * 2:
        names = names[:limit] + ['...'] + names[-limit:]
    return ', '.join(f"'{n}'" if n != '...' else n for n in names)


class ParameterDict:
    """An ordered dict of Parameters sharing ``prefix`` (and maybe a ``shared`` dict)."""

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + ' ' if self._prefix else ''
        body = '\n'.join(f'  {v}' for v in self.values())
        return f'{name}(\n{body}\n)'

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        """``(name, Parameter)`` pairs in creation order."""
        return self._params.items()

    def keys(self):
        """The full names."""
        return self._params.keys()

    def values(self):
        """The Parameters."""
        return self._params.values()

    @property
    def prefix(self):
        """The prefix ``get`` puts before names."""
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            structure_changed()
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``, created with ``kwargs`` if it does not exist
        (an existing one must agree with them; unknown sizes are filled in)."""
        full = self._prefix + name
        param = self._get_impl(full)
        if param is None:
            param = Parameter(full, **kwargs)
            self._params[full] = param
            structure_changed()
            return param
        for k, v in kwargs.items():
            existing = getattr(param, k, None)
            if existing is None:
                setattr(param, k, v)
                continue
            if k == 'shape':
                v = (v,) if isinstance(v, int) else tuple(v)
                if len(v) == len(param._shape) and all(
                        a == b or a <= 0 or b <= 0 for a, b in zip(v, param._shape)):
                    param._shape = tuple(b if a <= 0 else a for a, b in zip(v, param._shape))
                    continue
            elif k == 'dtype' and _onp.dtype(v) == _onp.dtype(existing):
                continue
            if v is not None and v != existing:
                raise AssertionError(
                    f"Cannot retrieve Parameter '{full}' because desired attribute does not "
                    f"match with stored for attribute '{k}': desired '{v}' vs stored "
                    f"'{existing}'.")
        return param

    def get_constant(self, name, value=None):
        """The constant ``prefix + name``, created from ``value`` if it does not exist."""
        full = self._prefix + name
        param = self._get_impl(full)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{full}'. Please specify value if you "
                               "want to create a new constant.")
            param = Constant(full, value)
            self._params[full] = param
            structure_changed()
        elif value is not None and not isinstance(param, Constant):
            raise AssertionError(f"Parameter '{full}' already exists but it is not a "
                                 "constant.")
        return param

    def update(self, other):
        """Add ``other``'s parameters (a name bound to another Parameter is an error)."""
        self._merge(other)
        structure_changed()

    def _merge(self, other):
        """``update`` of a dict no Block owns (``collect_params``' result): no version bump."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise ValueError(f"Cannot update self with other because they have different "
                                 f"Parameters with the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def _add(self, param):
        self._params[param.name] = param
        structure_changed()

    def select(self, select):
        """A new ParameterDict of the parameters whose full name matches regex ``select``."""
        pattern = re.compile(select)
        out = ParameterDict(self._prefix)
        for k, v in self._params.items():
            if pattern.match(k):
                out._params[k] = v
        return out

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialise every parameter (``init`` is the default for those without their own)."""
        default = _init.Uniform() if init is None else _init.create(init)
        for v in self.values():
            v.initialize(None, ctx, default, force_reinit=force_reinit)

    def zero_grad(self):
        """Set every gradient to 0."""
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx):
        """Accepted for compatibility: there is one device."""

    def list_ctx(self):
        """``[cpu(0)]``."""
        return [cpu()]

    def setattr(self, name, value):
        """Set attribute ``name`` (e.g. 'grad_req', 'lr_mult') on every parameter."""
        for v in self.values():
            setattr(v, name, value)

    def save(self, filename, strip_prefix=''):
        """Write ``{name minus strip_prefix: data}`` to ``filename`` (see ``gluon._io``)."""
        arrays = {}
        for p in self.values():
            if not p.name.startswith(strip_prefix):
                raise ValueError(
                    f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's "
                    f"name '{p.name}' does not start with '{strip_prefix}'. this may be due to "
                    "your Block shares parameters from other Blocks or you forgot to use "
                    "'with name_scope()' when creating child blocks.")
            arrays[p.name[len(strip_prefix):]] = p._check_and_get()._data
        save_arrays(filename, arrays)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
             restore_prefix='', cast_dtype=False, dtype_source='current'):
        """Read a file written by ``save`` (names get ``restore_prefix`` put back)."""
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise ValueError(f"restore_prefix is '{restore_prefix}' but Parameters "
                                     f"name '{name}' does not start with '{restore_prefix}'")
        self.load_dict(load_arrays(filename), ctx, allow_missing, ignore_extra,
                       restore_prefix, filename, cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False,
                  restore_prefix='', filename=None, cast_dtype=False, dtype_source='current'):
        """Set the parameters from ``{name: array}`` (see ``load``)."""
        n = len(restore_prefix)
        loaded = {restore_prefix + (k[4:] if k.startswith(('arg:', 'aux:')) else k): v
                  for k, v in param_dict.items()}
        where = f"file: {filename}" if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in loaded:
                    raise KeyError(
                        f"Parameter '{name[n:]}' is missing in {where}, which contains "
                        f"parameters: {_brief(k[n:] for k in loaded)}. Please make sure source "
                        "and target networks have the same prefix.")
        for name, value in loaded.items():
            if name not in self._params:
                if not ignore_extra:
                    raise KeyError(
                        f"Parameter '{name[n:]}' loaded from {where} is not present in "
                        f"ParameterDict, choices are: {_brief(self._params)}. Set ignore_extra "
                        "to True to ignore. Please make sure source and target networks have "
                        "the same prefix.")
                continue
            self._params[name]._load_init(value, ctx, cast_dtype=cast_dtype,
                                          dtype_source=dtype_source)
