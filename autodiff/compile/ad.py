"""Reverse-mode differentiation of a lowered program, producing more values of the same form.

Each primitive has one rule: ``ew`` values carry derivative templates per argument (then
``unbroadcast`` sums what broadcasting stretched), a reduction's adjoint is its gradient
broadcast back (``max``/``min``: to every tied extremum, as MXNet), ``matmul`` gives two
transposed products, views give the inverse view, ``getitem`` a ``scatter``, ``concat`` a slice per part.  Only values
on a path from a marked input to a head get adjoints.
"""
import numpy as _onp

from .ir import Unsupported


def gradients(b, heads, wanted, seeds=None):
    """Adjoints of the values in ``wanted`` (inputs) for heads seeded with ones, or with
    ``seeds`` (one Value per head, e.g. inputs holding the incoming head gradients).

    Returns ``{value id: adjoint Value or None}`` (None: no path to any head).
    """
    values = list(b.values)
    needed = {v.id for v in wanted}
    for v in values:
        if v.id in needed or v.nograd or v.kind == 'input':
            continue
        if any(a.id in needed and _passes(v, i) for i, a in enumerate(v.args)):
            needed.add(v.id)
    adj = {}

    def accumulate(v, g):
        old = adj.get(v.id)
        adj[v.id] = g if old is None else b.add(old, g)

    b.backward = True
    for k, h in enumerate(heads):
        if h.id in needed:
            accumulate(h, b.full(1, h.shape, h.dtype) if seeds is None else seeds[k])
    for v in reversed(values):
        g = adj.get(v.id)
        if g is None or v.kind == 'input':
            continue
        b.origin = v.origin
        if v.kind == 'opaque':             # one eager backward rule for all its inputs
            needs = [a.id in needed for a in v.args]
            for i, a in enumerate(v.args):
                if needs[i]:
                    accumulate(a, b.opaque_grad(v, g, i, needs))
            continue
        for i, a in enumerate(v.args):
            if a.id in needed and _passes(v, i):
                ga = _vjp(b, v, i, g)
                if ga is not None:
                    accumulate(a, ga)
    b.origin, b.backward = None, False
    return {v.id: adj.get(v.id) for v in wanted}


def _passes(v, i):
    """Whether argument ``i`` of ``v`` gets a gradient from it."""
    if v.kind == 'ew':
        return v.derivs[i] is not None
    return v.kind not in ('scatter', 'opaque_grad')


def _vjp(b, v, i, g):
    a = v.args[i]
    k = v.kind
    if k == 'ew':
        named = dict(v.named)
        named.update(zip(v.names, v.args))
        named.update(g=g, ans=v)
        # as eager mode: the adjoint keeps the wider of its own and the op's dtype; only
        # astype's rule casts it back to the input's dtype
        dt = a.dtype if v.attrs == 'cast' else _onp.result_type(g.dtype, v.cdtype)
        d = b.template(v.derivs[i], dt, cdtype=v.cdtype, shape=v.shape, **named)
        return b.unbroadcast(d, a.shape)
    if k == 'sum':
        return b.broadcast(g, a.shape)
    if k in ('max', 'min'):
        return b.template('({g} if {x} == {ans} else {zero})',
                          _onp.result_type(g.dtype, a.dtype), shape=a.shape,
                          g=g, x=a, ans=v)
    if k == 'matmul':
        if v.attrs != (False, False):
            raise Unsupported("a transposed matmul in the forward program")
        x, y = v.args
        return b.matmul(g, y, tb=True) if i == 0 else b.matmul(x, g, ta=True)
    if k == 'reshape':
        return b.reshape(g, a.shape)
    if k == 'transpose':
        inv = [0] * len(v.attrs)
        for j, p in enumerate(v.attrs):
            inv[p] = j
        return b.transpose(g, inv)
    if k == 'getitem':
        return b.scatter(g, v.attrs, a.shape)
    if k == 'concat':
        ax = v.attrs
        start = sum(x.shape[ax] for x in v.args[:i])
        key = (slice(None),) * ax + (slice(start, start + a.shape[ax]), Ellipsis)
        return b.getitem(g, key, a.shape)
    raise Unsupported(f"no derivative for {k}")
