"""``mx.nd``: the names of MXNet 1.9.1's legacy ``mxnet.ndarray`` that map one to one onto
functions autodiff has, so that ``mx.nd.array``, ``mx.nd.ones``, ``mx.nd.exp``,
``mx.nd.dot``, ``mx.nd.waitall`` ... run in code written for MXNet.

The arrays are autodiff's (numpy-mode) arrays: ``mx.nd.NDArray`` is that class, printing
and ``shape`` follow numpy mode, and a reduction over everything gives a 0-d array where
the legacy API gave shape (1,).  A legacy name is here only when the legacy call means the
same as the function it maps to (same positional arguments and defaults):

=====================================  ==========================================================
legacy ``mx.nd`` names                 maps to
=====================================  ==========================================================
array zeros ones full empty arange     ``np.`` functions of the same name (float32 default;
linspace eye zeros_like ones_like      legacy ``arange(repeat=)`` is not taken)
abs sign exp expm1 log log10 log2      ``np.`` elementwise functions of the same name
log1p sqrt cbrt square reciprocal
sin cos tan arcsin arccos arctan sinh
cosh tanh arcsinh arccosh arctanh
floor ceil rint round negative
logical_not
relu sigmoid softmax log_softmax       ``npx.`` functions of the same name
erf erfinv gamma gammaln smooth_l1
batch_dot gather_nd pick topk one_hot
slice reshape_like shape_array cast
add subtract multiply divide           ``np.`` functions; legacy ``broadcast_*`` and
true_divide power maximum minimum      ``elemwise_*`` names are the same broadcasting
modulo equal not_equal greater         functions (``broadcast_plus``/``_minus`` are add and
greater_equal lesser lesser_equal      subtract, ``lesser`` is ``less``, ``modulo`` ``mod``)
logical_and logical_or logical_xor
broadcast_add/plus/sub/minus/mul/div
broadcast_power/maximum/minimum/mod
broadcast_equal/not_equal/greater/
greater_equal/lesser/lesser_equal
broadcast_logical_and/or/xor
elemwise_add/sub/mul/div
dot                                    ``np.dot`` (the same for 1-D and 2-D operands; legacy
                                       ``transpose_a``/``transpose_b`` are not taken)
clip where broadcast_to expand_dims    ``np.`` functions (legacy ``flip(data, axis)``,
flip tile repeat squeeze moveaxis      ``tile(data, reps)``... have the same arguments)
waitall save load                      ``npx.waitall``, ``npx.save``, ``npx.load``
from_dlpack to_dlpack_for_read         DLPack import and export (memory shared)
to_dlpack_for_write
NDArray                                the array class
=====================================  ==========================================================

Legacy names whose arguments differ (``sum(axis=())`` meaning all axes, ``concat(*data,
dim=1)``, ``split(num_outputs=)``, ``transpose(axes=())``, ``argmax`` giving float32,
``Convolution`` and the other capitalised operators, the ``*_update`` optimizer kernels,
sparse storage) are not here: use ``np`` / ``npx``.
"""
from . import np as _np, npx as _npx
from .ndarray import ndarray as NDArray
from .ops.interop import from_dlpack

# ---- creation --------------------------------------------------------------------------------
array, zeros, ones, full, empty = _np.array, _np.zeros, _np.ones, _np.full, _np.empty
arange, linspace, eye = _np.arange, _np.linspace, _np.eye
zeros_like, ones_like = _np.zeros_like, _np.ones_like

# ---- elementwise -----------------------------------------------------------------------------
abs, sign, exp, expm1, log = _np.abs, _np.sign, _np.exp, _np.expm1, _np.log
log10, log2, log1p, sqrt, cbrt = _np.log10, _np.log2, _np.log1p, _np.sqrt, _np.cbrt
square, reciprocal, negative = _np.square, _np.reciprocal, _np.negative
sin, cos, tan = _np.sin, _np.cos, _np.tan
arcsin, arccos, arctan = _np.arcsin, _np.arccos, _np.arctan
sinh, cosh, tanh = _np.sinh, _np.cosh, _np.tanh
arcsinh, arccosh, arctanh = _np.arcsinh, _np.arccosh, _np.arctanh
floor, ceil, rint, round, logical_not = _np.floor, _np.ceil, _np.rint, _np.round, _np.logical_not
relu, sigmoid, softmax, log_softmax = _npx.relu, _npx.sigmoid, _npx.softmax, _npx.log_softmax
erf, erfinv, gamma, gammaln = _npx.erf, _npx.erfinv, _npx.gamma, _npx.gammaln
smooth_l1 = _npx.smooth_l1

# ---- binary (every legacy spelling of a broadcasting function) -------------------------------
add = broadcast_add = broadcast_plus = elemwise_add = _np.add
subtract = broadcast_sub = broadcast_minus = elemwise_sub = _np.subtract
multiply = broadcast_mul = elemwise_mul = _np.multiply
divide = broadcast_div = elemwise_div = _np.divide
true_divide = _np.true_divide
power = broadcast_power = _np.power
maximum = broadcast_maximum = _np.maximum
minimum = broadcast_minimum = _np.minimum
modulo = broadcast_mod = _np.mod
equal = broadcast_equal = _np.equal
not_equal = broadcast_not_equal = _np.not_equal
greater = broadcast_greater = _np.greater
greater_equal = broadcast_greater_equal = _np.greater_equal
lesser = broadcast_lesser = _np.less
lesser_equal = broadcast_lesser_equal = _np.less_equal
logical_and = broadcast_logical_and = _np.logical_and
logical_or = broadcast_logical_or = _np.logical_or
logical_xor = broadcast_logical_xor = _np.logical_xor

# ---- linear algebra, indexing, shape ---------------------------------------------------------
dot, batch_dot = _np.dot, _npx.batch_dot
clip, where = _np.clip, _np.where
broadcast_to, expand_dims, flip, tile = _np.broadcast_to, _np.expand_dims, _np.flip, _np.tile
repeat, squeeze, moveaxis = _np.repeat, _np.squeeze, _np.moveaxis
gather_nd, pick, topk, one_hot = _npx.gather_nd, _npx.pick, _npx.topk, _npx.one_hot
slice, reshape_like = _npx.slice, _npx.reshape_like
shape_array, cast = _npx.shape_array, _npx.cast

# ---- engine, files, DLPack -------------------------------------------------------------------
waitall, save, load = _npx.waitall, _npx.save, _npx.load


def to_dlpack_for_read(data):
    """A DLPack capsule sharing ``data``'s memory (``data.to_dlpack_for_read()``)."""
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    """A DLPack capsule sharing ``data``'s memory (``data.to_dlpack_for_write()``)."""
    return data.to_dlpack_for_write()


__all__ = sorted(n for n in globals() if not n.startswith('_'))
