"""Fusion of a relu into the max pooling that reads it, and of the convolution before it,
on the lowered program (``ir``).

LeNet-style networks compute ``pool(relu(conv(x)))``.  Lowered as recorded, that is a loop
writing the relu's output (a full-size activation), the pooling reading it, and in the
backward the pooling's scatter into a full-size buffer followed by a loop multiplying it
by the relu's mask ``x > 0``: four passes over the activation.  When nothing but the pooling
(and the pooling's own backward step) reads the relu's output, ``fuse_relu_pool`` rewrites
these values in place:

- the pooling becomes the opaque step ``relu_pooling`` (``ops/pool.relu_pool``) of the
  relu's input: the max of ``relu(x)`` over each window, computed from ``x`` in the same
  pass, with the same values and first-maximum positions as pooling the relu's output;
- the relu's backward product ``scatter(g) * (x > 0)`` becomes that op's backward step:
  the scatter of ``g`` gated by the pooled output (``> 0`` exactly where the window's
  maximum was positive, which is where ``x > 0`` holds at the scattered position; the
  gate is a multiplication, so 0 * inf is NaN as in the relu rule).

The relu's output, its mask and the ungated scatter are then read by nothing and dropped
with the program's other dead values.  Nothing fires when the relu's output is read
elsewhere (a head, a guard, another op), when the pooling is not max pooling, or when the
backward is not exactly the relu rule's product of the pooling's gradient and the mask.
Then ``fuse_conv_relu_pool`` takes a ``relu_pooling`` whose input is a convolution read by
nothing else (its own backward steps aside) into one ``conv_relu_pooling`` step
(``ops/conv_pool``): per piece of samples the GEMM's output is pooled while in cache, on
both threads, and the backward scatters, and computes the weight and data gradients, in
one pass per piece.  The convolution's gradient steps become the fused op's, read from
the pooled output's gradient.

The rewrites change which code computes the values, not the values: gradients stay the
eager rules' bit for bit (tested against the unfused programs and eager mode).
"""
from ..ops import conv_pool
from ..ops.conv import Geometry
from ..ops.pool import Pool, _relu_pool_op
from . import opaque
from .schedule import live_values

_NP, _NG = len(Pool._fields), len(Geometry._fields)


def _users(values, roots):
    """value id -> the live values reading it (None for each root it is)."""
    users = {v.id: [] for v in values}
    for v in live_values(values, roots):
        for a in v.args:
            users[a.id].append(v)
    for v in roots:
        users[v.id].append(None)        # read by the caller: a head, a gradient, a guard
    return users


def _is_zero(b, name, dtype):
    """Whether the module constant ``name`` is 0 in ``dtype``."""
    return b.const_names.get((dtype.name, repr(0.0))) == name


def _relu_mask_product(b, prod, grad, x):
    """Whether ``prod`` is ``grad * (x > 0)`` as the lowered relu rule writes it."""
    if prod.kind != 'ew' or prod.expr != '{0} * {1}' or len(prod.args) != 2:
        return False
    if prod.dtype != x.dtype or prod.cdtype != x.dtype or prod.shape != x.shape:
        return False
    a, m = prod.args
    if m is grad:
        a, m = m, a
    if a is not grad or m.kind != 'ew' or len(m.args) != 1 or m.args[0] is not x:
        return False
    head, _, const = (m.expr or '').partition(' > ')
    return (head == '{0}' and m.dtype.kind == 'b' and m.cdtype == x.dtype
            and _is_zero(b, const, x.dtype))


def fuse_relu_pool(b, roots):
    """Rewrite every relu -> max pooling of builder ``b``'s values that qualifies (see the
    module docstring), in place; ``roots``: the values the caller reads.  Returns how many
    poolings were fused."""
    values = b.values
    users = _users(values, roots)
    fused = 0
    for p in values:
        if p.kind != 'opaque' or p.attrs[0].name != 'pooling':
            continue
        op, _forward, attrs = p.attrs
        if Pool(*attrs[:_NP]).pool_type != 'max':
            continue
        r = p.args[0]
        if r.kind != 'ew' or r.expr != '_relu({0})' or len(r.args) != 1:
            continue
        x = r.args[0]
        if r.dtype != x.dtype or r.cdtype != x.dtype or r.shape != x.shape:
            continue
        grads = [u for u in users[p.id]
                 if u is not None and u.kind == 'opaque_grad' and u.args[0] is p]
        if any(u is not p and u not in grads for u in users[r.id]):
            continue                    # the relu's output is read elsewhere
        if len(grads) > 1:
            continue
        prod = None
        if grads:
            gr = grads[0]
            after = users[gr.id]
            if len(after) != 1 or after[0] is None or not _relu_mask_product(b, after[0], gr, x):
                continue
            prod = after[0]
        p.args = (x,)
        p.attrs = (_relu_pool_op, opaque.FORWARDS['relu_pooling'], attrs)
        if prod is not None:
            g = gr.args[1]
            prod.kind, prod.args, prod.attrs = 'opaque_grad', (p, g, x), gr.attrs
            prod.expr, prod.label = None, None
        users = _users(values, roots)
        fused += 1
    return fused


def _grads_of(users, v):
    """The ``opaque_grad`` values of the opaque value ``v`` (its backward steps)."""
    return [u for u in users[v.id] if u is not None and u.kind == 'opaque_grad' and u.args[0] is v]


def fuse_conv_relu_pool(b, roots):
    """Rewrite every convolution -> ``relu_pooling`` (as ``fuse_relu_pool`` leaves them) whose
    convolution output nothing else reads into one ``conv_relu_pooling`` step
    (``ops/conv_pool``): the pooling's value becomes the fused op's, the convolution's
    gradient steps become the fused op's (reading the pooled output's gradient), and the
    convolution's output and the gated scatter are dropped.  Only where
    ``conv_pool.usable`` holds (the im2col passes) and the dtypes agree.  Returns the count."""
    values = b.values
    users = _users(values, roots)
    fused = 0
    for p in values:
        if p.kind != 'opaque' or p.attrs[0] is not _relu_pool_op:
            continue
        c = p.args[0]
        if c.kind != 'opaque' or c.attrs[0].name != 'convolution':
            continue
        ins = c.args
        if any(a.dtype != c.dtype for a in ins) or p.dtype != c.dtype:
            continue
        g = Geometry(*c.attrs[2][:_NG])
        if not conv_pool.usable(ins[0].shape, ins[1].shape, g, c.dtype.itemsize):
            continue
        pgrads, cgrads = _grads_of(users, p), _grads_of(users, c)
        if len(pgrads) > 1 or (cgrads and not pgrads):
            continue
        gc = pgrads[0] if pgrads else None
        if any(u is not p and u is not gc and u not in cgrads for u in users[c.id]):
            continue                    # the convolution's output is read elsewhere
        if gc is not None and (set(map(id, users[gc.id])) != set(map(id, cgrads))
                               or any(u.args[1] is not gc for u in cgrads)):
            continue                    # the activation's gradient is read elsewhere
        pool_attrs = p.attrs[2][:_NP]
        p.args = ins
        p.attrs = (conv_pool._op, opaque.FORWARDS['conv_relu_pooling'],
                   tuple(c.attrs[2][:_NG]) + tuple(pool_attrs) + (None,))
        for u in cgrads:
            u.args = (p, gc.args[1]) + tuple(ins)
        users = _users(values, roots)
        fused += 1
    return fused
