"""Ops that only move elements: every output element is a copy of one input element or a
constant (``roll``, ``rot90``, ``pad``, ``take``, ``diag``, ``tril``, ``insert``...).

Each such op is declared once with ``defgather(name)``; its forward is NumPy's own data
movement (``numpy.roll``, ``numpy.pad``...: no arithmetic), and the one shared backward
rule is a scatter-add: the same movement applied to *labels* (1 + the flat position of
every input element in the inputs laid end to end; 0 where NumPy writes a constant)
tells which input element each output element came from.  The gradient is then
``indexing.scatter_add`` of the head gradient at those positions (repeats accumulate),
an op whose backward is indexing again, so these ops have gradients of every order.
"""
import numpy as _onp

from .._state import state
from .core import defop, result
from .convert import as_array
from .indexing import getitem, scatter_add


def _gather_backward(node, grads, needs):
    key = node.attrs[0]              # flat source position of each output element; -1: constant
    g = grads[0]
    total = sum(x.size for x in node.inputs)
    valid = key >= 0
    if valid.all():
        flat = scatter_add(g, key, (total,))
    else:
        flat = scatter_add(getitem(g, valid), key[valid], (total,))
    if len(node.inputs) == 1:
        x = node.inputs[0]
        gx = flat.reshape(x.shape)
        return (gx if gx.dtype == x.dtype else gx.astype(x.dtype),)
    out, start = [], 0
    for x, need in zip(node.inputs, needs):
        if need:
            gx = getitem(flat, slice(start, start + x.size)).reshape(x.shape)
            out.append(gx if gx.dtype == x.dtype else gx.astype(x.dtype))
        else:
            out.append(None)
        start += x.size
    return tuple(out)


def defgather(name):
    """Register the element-moving op ``name`` (its backward: the shared scatter-add rule)."""
    return defop(name, _gather_backward, params=('source',))


def _wanted(inputs):
    """Whether the source labels are needed: recording with an input that has history, or an
    ``autograd.compile`` recording (which keeps the op's parameters)."""
    if state.tracer is not None:
        return True
    return state.recording and any(x._node is not None for x in inputs)


def gather(op, inputs, move):
    """Apply the element movement ``move(buffers, labels)`` to arrays ``inputs`` as op ``op``.

    ``move`` gets the inputs' NumPy buffers (``labels=False``) and must return the output
    buffer; while recording it is called again on int64 label arrays of the same shapes
    (``labels=True``), where a constant it writes must be 0 (``numpy.pad``'s
    ``constant_values``, ``select``'s ``default``).  The result never shares memory with
    an input (MXNet copies), except inside backward rules.
    """
    inputs = tuple(as_array(x) for x in inputs)
    datas = [x._data for x in inputs]
    out = _onp.asarray(move(datas, False))
    if not state.views and any(_onp.may_share_memory(out, d) for d in datas):
        out = out.copy()
    key = None
    if _wanted(inputs):
        labels, start = [], 1
        for d in datas:
            labels.append(_onp.arange(start, start + d.size, dtype=_onp.int64).reshape(d.shape))
            start += d.size
        key = _onp.asarray(move(labels, True), dtype=_onp.int64) - 1
        if key.shape != out.shape:
            raise AssertionError(f"{op.name}: the label movement gave shape {key.shape}, "
                                 f"the data's {out.shape}")
    return result(op, inputs, out, (key,))
