"""``dropout``: zero each element with probability ``p`` and scale the rest by 1 / (1 - p).

The mask comes from ``np.random``'s seedable generator, is saved on the node and
reused by the backward (``g * mask``, a library op, so higher orders work: dropout
is linear in its input).  Under ``autograd.compile`` the compiler runs it as an opaque
step (``dropout_apply``) that draws a fresh mask on every replay.
"""
import numpy as _onp

from .. import random as _random
from .._state import state
from ..errors import DTypeError
from .core import defop, result, wrap
from .convert import as_array
from .reduce import normalize_axes


def _dropout_backward(node, grads, needs):
    mask = node.attrs[3]
    return (grads[0] * wrap(mask),)


# (attrs[3], after the named parameters, is the mask)
_dropout_op = defop('dropout', _dropout_backward, params=('p', 'mode', 'axes'))


def dropout(data, p=0.5, mode='training', axes=(), cudnn_off=False):
    """Dropout as MXNet 1.9.1's ``npx.dropout``.

    Active in training mode (``autograd.is_training()``: inside ``record()`` or
    ``train_mode()``) when ``mode='training'`` (the default), always when
    ``mode='always'``; otherwise the input is returned unchanged.  Each element is
    kept with probability ``1 - p`` and scaled by ``1 / (1 - p)``.  ``axes`` lists axes
    along which one mask value is shared (variational dropout: the mask has length 1
    there).  The mask is drawn from ``np.random`` (``np.random.seed`` repeats it).
    ``p=1`` drops everything (zeros; MXNet 1.9.1 gives NaN from 0 * inf there).
    ``cudnn_off`` is accepted and ignored.
    """
    x = as_array(data)
    if x.dtype.kind != 'f':
        raise DTypeError(f"dropout: data must be a floating-point array, got dtype {x.dtype}")
    if isinstance(p, bool) or not isinstance(p, (int, float, _onp.floating, _onp.integer)) \
            or not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a number in [0, 1], got {p!r}")
    if mode not in ('training', 'always'):
        raise ValueError(f"dropout: mode must be 'training' or 'always', got {mode!r}")
    if axes is None:
        axes = ()
    shared = normalize_axes(tuple(axes) if isinstance(axes, (tuple, list)) else (axes,),
                            x.ndim, 'dropout') if axes != () else ()
    if not (mode == 'always' or state.training) or p == 0:
        return x.copy()            # a new array, as MXNet's (writing to it leaves data alone)
    return dropout_apply(x, (float(p), mode, shared))[0]


def dropout_apply(x, params):
    """Dropout of the checked array ``x`` with ``params`` = (p, mode, shared axes), active:
    ``(result, attrs)`` with a mask freshly drawn from ``np.random``'s generator (attrs: the
    node's, the mask last).  The one computation behind ``dropout`` and the compiler's
    opaque step."""
    p, _mode, shared = params
    mask_shape = tuple(1 if i in shared else s for i, s in enumerate(x.shape))
    keep = _random._rng.random(mask_shape) >= p
    dt = x.dtype
    if p == 1:
        mask = _onp.zeros(mask_shape, dt)
    else:
        mask = keep.astype(dt) * dt.type(1.0 / (1.0 - p))
    out = _onp.multiply(x._data, mask)
    attrs = tuple(params) + (mask,)
    return result(_dropout_op, (x,), out, attrs), attrs
