"""The compiler's program form: values of static shape and dtype, each made by one primitive.

A recorded tape is lowered (``lower``) to a list of ``Value`` objects in creation order
(a topological order).  The primitives are few:

- ``input``: an array the program reads (a function argument, or an array it closes over);
- ``ew``: an elementwise expression over its arguments, which broadcast to its shape
  (``expr`` is a ``str.format`` template with ``{0}``, ``{1}``... for the arguments);
- ``sum`` / ``max`` / ``min``: a reduction over ``axes``, keeping the reduced axes (size 1);
- ``matmul``: a 2-D matrix product, either operand possibly transposed (a BLAS call);
- ``reshape`` / ``transpose`` / ``getitem``: views of another value (basic indexing only);
- ``scatter``: zeros of a shape with a value written at a basic index (``scatter_add``,
  getitem's adjoint);
- ``concat``: arrays joined along an axis (a copy into one buffer);
- ``opaque``: an op outside the table, run by its own eager code (``opaque``), and
  ``opaque_grad``: one input's gradient of it, by the op's eager backward rule.

Nothing is differentiated on this form: the backward is the eager rules' recorded ops,
lowered like the forward (``lower``), so fusion (``schedule``) sees forward and backward as
one program.
"""
import math

import numpy as _onp

FLOATS = (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64))
BOOL = _onp.dtype(_onp.bool_)
_NP_NAMES = {_onp.dtype(_onp.float32): 'np.float32', _onp.dtype(_onp.float64): 'np.float64',
             BOOL: 'np.bool_'}


class Unsupported(Exception):
    """The tape holds something the compiler does not take (the message says what)."""


class Value:
    """One value of the program.

    ``ew`` values carry ``expr`` and the compute dtype ``cdtype`` (arguments of another
    dtype are cast to it first).  ``nograd`` marks a value whose history was cut
    (``detach``, an op under ``pause()``: drawn so).  ``origin`` is the tape node the value
    was lowered from and ``backward`` whether that node was recorded by the traced backward
    (for drawing the compiled program).
    """
    __slots__ = ('id', 'kind', 'args', 'attrs', 'shape', 'dtype', 'cdtype', 'expr',
                 'nograd', 'origin', 'backward', 'label')

    def __init__(self, id, kind, args, attrs, shape, dtype):
        self.id, self.kind, self.args, self.attrs = id, kind, tuple(args), attrs
        self.shape, self.dtype = tuple(shape), _onp.dtype(dtype)
        self.cdtype = self.dtype
        self.expr = None
        self.nograd = False
        self.origin = None
        self.backward = False         # lowered from the traced backward
        self.label = None             # the table entry it computes, for pictures ('exp')

    @property
    def size(self):
        return math.prod(self.shape)

    def __repr__(self):
        return f"%{self.id}={self.kind}{self.shape}"


def broadcast_shape(shapes, what='operands'):
    try:
        return tuple(_onp.broadcast_shapes(*shapes))
    except ValueError:
        raise Unsupported(f"{what} of shapes {shapes} do not broadcast") from None


_CONSTS = (('one', 1), ('two', 2), ('zero', 0), ('three', 3))   # template constants


class Builder:
    """Creates values; keeps the program's scalar constants (module-level names ``K0``...)."""

    def __init__(self):
        self.values = []
        self.const_names = {}        # (dtype name, repr) -> name
        self.const_lines = []
        self.origin = None           # tape node being lowered (stamped on new values)
        self.backward = False        # set while backward nodes are lowered (stamped too)

    def _new(self, kind, args, attrs, shape, dtype):
        v = Value(len(self.values), kind, args, attrs, shape, dtype)
        v.origin, v.backward = self.origin, self.backward
        self.values.append(v)
        return v

    # ---- leaves and constants -----------------------------------------------------------
    def input(self, index, shape, dtype):
        return self._new('input', (), index, shape, dtype)

    def scalar(self, value, dtype):
        """The module constant holding ``dtype.type(value)`` (as eager mode casts scalars)."""
        dtype = _onp.dtype(dtype)
        key = (dtype.name, repr(float(value)))
        name = self.const_names.get(key)
        if name is None:
            name = self.const_names[key] = f"K{len(self.const_lines)}"
            self.const_lines.append(f"{name} = {_NP_NAMES[dtype]}(float({repr(float(value))!r}))")
        return name

    # ---- elementwise --------------------------------------------------------------------
    def ew(self, expr, args, dtype, cdtype=None, shape=None):
        """An elementwise value; ``shape`` defaults to the arguments' broadcast shape."""
        if shape is None:
            shape = broadcast_shape([a.shape for a in args])
        v = self._new('ew', args, None, shape, dtype)
        v.expr = expr
        v.cdtype = _onp.dtype(cdtype) if cdtype is not None else v.dtype
        return v

    def template(self, tmpl, dtype, cdtype=None, shape=None, **named):
        """An ``ew`` value from a named template: ``{x}``, ``{g}``... name values or constant
        names; ``{one}``, ``{two}``, ``{zero}`` are constants of the compute dtype.
        """
        cdt = _onp.dtype(cdtype or dtype)
        consts = {name: self.scalar(k, cdt) for name, k in _CONSTS if '{' + name + '}' in tmpl}
        args, expr = [], tmpl
        for name, val in named.items():
            if isinstance(val, Value):
                if '{' + name + '}' not in expr:
                    continue
                expr = expr.replace('{' + name + '}', '{' + str(len(args)) + '}')
                args.append(val)
            else:
                consts[name] = val
        for name, text in consts.items():
            expr = expr.replace('{' + name + '}', text)
        v = self.ew(expr, args, dtype, cdt, shape)
        return v

    def full(self, value, shape, dtype):
        return self.template(self.scalar(value, dtype), dtype, shape=shape)

    def cast(self, x, dtype):
        if x.dtype == dtype:
            return x
        return self.template('{x}', dtype, x=x)

    def broadcast(self, x, shape):
        shape = tuple(shape)
        return x if x.shape == shape else self.template('{x}', x.dtype, shape=shape, x=x)

    def stop(self, x):
        v = self.template('{x}', x.dtype, x=x)
        v.nograd = True
        return v

    # ---- reductions, matmul, views ------------------------------------------------------
    def reduce(self, kind, x, axes):
        axes = tuple(sorted(set(axes)))
        if not axes:
            return x
        shape = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
        return self._new(kind, (x,), axes, shape, x.dtype)

    def matmul(self, a, b, ta=False, tb=False):
        if len(a.shape) > 2:                    # a stack of products, same batch axes
            shape = a.shape[:-1] + (b.shape[-1],)
            return self._new('matmul', (a, b), (False, False), shape,
                             _onp.result_type(a.dtype, b.dtype))
        m = a.shape[1] if ta else a.shape[0]
        n = b.shape[0] if tb else b.shape[1]
        return self._new('matmul', (a, b), (ta, tb), (m, n), _onp.result_type(a.dtype, b.dtype))

    def reshape(self, x, shape):
        shape = tuple(shape)
        if x.shape == shape:
            return x
        if x.kind == 'ew' and not x.args:        # a constant: make it in the new shape
            return self.ew(x.expr, (), x.dtype, x.cdtype, shape)
        return self._new('reshape', (x,), shape, shape, x.dtype)

    def transpose(self, x, axes):
        axes = tuple(axes)
        if x.kind == 'transpose':              # a transpose of a transpose: one permutation
            axes, x = tuple(x.attrs[i] for i in axes), x.args[0]
        if axes == tuple(range(len(axes))):
            return x
        return self._new('transpose', (x,), axes, tuple(x.shape[i] for i in axes), x.dtype)

    def concat(self, xs, axis, shape):
        return self._new('concat', xs, axis, shape, xs[0].dtype)

    def getitem(self, x, key, shape):
        return self._new('getitem', (x,), key, shape, x.dtype)

    def scatter(self, g, key, shape):
        return self._new('scatter', (g,), key, shape, g.dtype)

    def opaque(self, op, forward, args, attrs, shape, dtype):
        """``op``'s eager forward on ``args`` (attrs: ``(op, forward, recorded attrs)``)."""
        return self._new('opaque', args, (op, forward, attrs), shape, dtype)

    def opaque_grad(self, v, g, i, needs):
        """The gradient toward argument ``i`` of the opaque value ``v`` given its adjoint
        ``g`` (``needs``: which arguments the program differentiates; the first of these
        steps to run computes them all)."""
        a = v.args[i]
        return self._new('opaque_grad', (v, g) + tuple(v.args), (i, tuple(needs)), a.shape,
                         a.dtype)
