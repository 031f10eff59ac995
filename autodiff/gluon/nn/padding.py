"""``ReflectionPad2D`` (MXNet 1.9.1's ``gluon.nn``): mirror padding of the two spatial
axes of an NCHW input, written with slicing, ``flip`` and ``concatenate`` (so it is
differentiable: the mirrored entries send their gradient back to their sources)."""
import numbers

from ... import np
from ...errors import ShapeError
from ..hybrid import HybridBlock

__all__ = ['ReflectionPad2D']


def _reflect(x, axis, before, after):
    """Pad ``x`` along ``axis`` by mirroring (the edge itself is not repeated)."""
    n = x.shape[axis]
    if before >= n or after >= n:
        raise ShapeError(f"ReflectionPad2D: padding ({before}, {after}) must be smaller than "
                         f"the size {n} of axis {axis} (input shape {x.shape})")

    def part(start, stop):
        return x[(slice(None),) * axis + (slice(start, stop),)]
    pieces = []
    if before:
        pieces.append(np.flip(part(1, before + 1), axis=axis))
    pieces.append(x)
    if after:
        pieces.append(np.flip(part(n - 1 - after, n - 1), axis=axis))
    return np.concatenate(pieces, axis=axis) if len(pieces) > 1 else x


class ReflectionPad2D(HybridBlock):
    """Mirror-pad an (N, C, H, W) input.  ``padding``: an int (all four sides) or MXNet's
    8-tuple ``(0, 0, 0, 0, top, bottom, left, right)``."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, numbers.Integral):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        padding = tuple(int(p) for p in padding)
        if len(padding) != 8 or any(padding[:4]) or min(padding) < 0:
            raise ValueError(f"ReflectionPad2D: padding must be an int or (0, 0, 0, 0, top, "
                             f"bottom, left, right) of non-negative ints, got {padding}")
        self._padding = padding

    def hybrid_forward(self, F, x):
        """Apply the layer to the input (see the class docstring)."""
        if x.ndim != 4:
            raise ShapeError(f"{self.name}: ReflectionPad2D needs a 4-D (N, C, H, W) input, "
                             f"got shape {x.shape}")
        t, b, l, r = self._padding[4:]
        return _reflect(_reflect(x, 2, t, b), 3, l, r)

    def __repr__(self):
        return f'{self.__class__.__name__}(padding={self._padding})'
