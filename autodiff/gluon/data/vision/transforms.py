"""Image transforms (MXNet 1.9.1's ``gluon.data.vision.transforms``), as Blocks.

Images are HWC arrays (``(H, W, C)`` or a batch ``(N, H, W, C)``) until ``ToTensor`` makes
them CHW float32 in [0, 1].  Sizes are ``(width, height)`` as in MXNet.  Resizing is
OpenCV's ``INTER_LINEAR`` (``autodiff.image._resize``: uint8 images in OpenCV's fixed
point, as MXNet's; no antialiasing).  Random transforms draw from NumPy's
global generator (MXNet uses its own; seed with ``numpy.random.seed``).  The colour
transforms' and ``Rotate``'s arithmetic is in ``_image_ops`` (formulas there).
"""
import math

import numpy as _onp

from .... import np
from ....ndarray import ndarray
from ...block import Block
from ...hybrid import HybridBlock  # noqa: F401  (MXNet's transforms module exports it)
from ...nn.basic_layers import Sequential, HybridSequential  # noqa: F401
from . import _image_ops as _ops
from ....image import _resize

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Resize', 'CenterCrop',
           'RandomResizedCrop', 'RandomFlipLeftRight', 'RandomFlipTopBottom', 'resize',
           'CropResize', 'RandomBrightness', 'RandomContrast', 'RandomSaturation',
           'RandomHue', 'RandomColorJitter', 'RandomLighting', 'RandomApply', 'Rotate',
           'RandomRotation']


def _plain(x):
    return x._data if isinstance(x, ndarray) else _onp.asarray(x)


def _axes_hw(a):
    if a.ndim == 3:
        return 0, 1
    if a.ndim == 4:
        return 1, 2
    raise ValueError(f"expected an HWC image or an NHWC batch, got shape {a.shape}")


def resize(img, size):
    """Bilinear resize of an HWC (or NHWC) array to ``size = (width, height)``, as
    OpenCV's ``INTER_LINEAR`` (``autodiff.image``'s resampler: uint8 bit-exact with MXNet)."""
    a = _plain(img)
    ha, _wa = _axes_hw(a)
    w, h = size
    if w <= 0 or h <= 0:
        raise ValueError(f"resize: size must be positive, got {size}")
    if a.ndim == 4:
        out = _onp.stack([_resize.resize(x, w, h, 1) for x in a]) if len(a) else \
            _onp.zeros((0, h, w, a.shape[3]), a.dtype)
    else:
        out = _resize.resize(a, w, h, 1)
    return np.array(out, dtype=a.dtype)


def _crop(a, x0, y0, w, h):
    ha, wa = _axes_hw(a)
    idx = [slice(None)] * a.ndim
    idx[ha] = slice(y0, y0 + h)
    idx[wa] = slice(x0, x0 + w)
    return a[tuple(idx)]


class Compose(Sequential):
    """Apply the transforms in order."""

    def __init__(self, transforms):
        super().__init__()
        for t in transforms:
            self.add(t)


class Cast(Block):
    """Cast to ``dtype`` (default float32)."""

    def __init__(self, dtype='float32'):
        super().__init__()
        self._dtype = dtype

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        return np.array(_plain(x).astype(self._dtype), dtype=self._dtype)


class ToTensor(Block):
    """HWC ``[0, 255]`` -> CHW float32 ``[0, 1]`` (NHWC -> NCHW for a batch)."""

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        if a.ndim not in (3, 4):
            raise ValueError(f"ToTensor: expected an HWC image or an NHWC batch, got shape "
                             f"{a.shape}")
        axes = (2, 0, 1) if a.ndim == 3 else (0, 3, 1, 2)
        out = _onp.ascontiguousarray(a.transpose(axes)).astype(_onp.float32) / _onp.float32(255)
        return np.array(out)


class Normalize(Block):
    """``(x - mean[c]) / std[c]`` on a CHW (or NCHW) float array."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean, self._std = mean, std

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        if a.ndim not in (3, 4):
            raise ValueError(f"Normalize: expected a CHW or NCHW array, got shape {a.shape}")
        c = a.shape[-3]
        mean = _onp.broadcast_to(_onp.asarray(self._mean, _onp.float32).reshape(-1), (c,))
        std = _onp.broadcast_to(_onp.asarray(self._std, _onp.float32).reshape(-1), (c,))
        return np.array(((a - mean.reshape(c, 1, 1)) / std.reshape(c, 1, 1)).astype(a.dtype))


class Resize(Block):
    """Resize to ``size`` (an int: square, or ``(width, height)``); ``keep_ratio`` with an
    int resizes the shorter side to it."""

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        if interpolation != 1:
            raise NotImplementedError("Resize: only bilinear interpolation (1) is supported")
        self._size, self._keep = size, keep_ratio

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        ha, wa = _axes_hw(a)
        h, w = a.shape[ha], a.shape[wa]
        if isinstance(self._size, int):
            if self._keep:
                if h > w:
                    size = (self._size, int(self._size * h / w))
                else:
                    size = (int(self._size * w / h), self._size)
            else:
                size = (self._size, self._size)
        else:
            size = tuple(self._size)
        return resize(a, size)


class CenterCrop(Block):
    """Crop the centre ``size`` (int or ``(width, height)``); a smaller image is resized."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        self._size = (size, size) if isinstance(size, int) else tuple(size)

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        ha, wa = _axes_hw(a)
        h, w = a.shape[ha], a.shape[wa]
        cw, ch = self._size
        if cw > w or ch > h:
            return resize(a, self._size)
        x0, y0 = int((w - cw) / 2), int((h - ch) / 2)
        return np.array(_onp.ascontiguousarray(_crop(a, x0, y0, cw, ch)), dtype=a.dtype)


class RandomResizedCrop(Block):
    """A random crop of area fraction in ``scale`` and aspect ratio in ``ratio``, resized
    to ``size`` (after 10 failed draws: the centre crop, as MXNet)."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=1):
        super().__init__()
        self._size = (size, size) if isinstance(size, int) else tuple(size)
        self._scale, self._ratio = scale, ratio

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        ha, wa = _axes_hw(a)
        h, w = a.shape[ha], a.shape[wa]
        area = h * w
        for _ in range(10):
            target = _onp.random.uniform(*self._scale) * area
            log_ratio = (math.log(self._ratio[0]), math.log(self._ratio[1]))
            aspect = math.exp(_onp.random.uniform(*log_ratio))
            nw = int(round(math.sqrt(target * aspect)))
            nh = int(round(math.sqrt(target / aspect)))
            if 0 < nw <= w and 0 < nh <= h:
                x0 = int(_onp.random.randint(0, w - nw + 1))
                y0 = int(_onp.random.randint(0, h - nh + 1))
                return resize(_crop(a, x0, y0, nw, nh), self._size)
        return CenterCrop(self._size)(resize(a, (max(w, self._size[0]), max(h, self._size[1]))))


class RandomFlipLeftRight(Block):
    """Flip the width axis with probability 0.5."""

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        _ha, wa = _axes_hw(a)
        if _onp.random.random_sample() < 0.5:
            a = _onp.flip(a, axis=wa)
        return np.array(_onp.ascontiguousarray(a), dtype=a.dtype)


class RandomFlipTopBottom(Block):
    """Flip the height axis with probability 0.5."""

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        ha, _wa = _axes_hw(a)
        if _onp.random.random_sample() < 0.5:
            a = _onp.flip(a, axis=ha)
        return np.array(_onp.ascontiguousarray(a), dtype=a.dtype)


class CropResize(Block):
    """Crop the ``width x height`` region at ``(x, y)`` (top-left), then resize it to
    ``size`` (int or ``(width, height)``) if given."""

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        if interpolation not in (None, 1):
            raise NotImplementedError("CropResize: only bilinear interpolation (1) is "
                                      "supported")
        self._box = (x, y, width, height)
        self._size = (size, size) if isinstance(size, int) else size

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        ha, wa = _axes_hw(a)
        x0, y0, w, h = self._box
        if x0 < 0 or y0 < 0 or w < 1 or h < 1 or x0 + w > a.shape[wa] or \
                y0 + h > a.shape[ha]:
            raise ValueError(f"CropResize: the box (x={x0}, y={y0}, width={w}, height={h}) "
                             f"does not fit an image of shape {a.shape}")
        out = _onp.ascontiguousarray(_crop(a, x0, y0, w, h))
        if self._size:
            return resize(out, tuple(self._size))
        return np.array(out, dtype=a.dtype)


class _RandomFactor(Block):
    """A colour transform whose factor is drawn uniformly from ``[max(0, 1-v), 1+v]``."""

    _op = None

    def __init__(self, value):
        super().__init__()
        self._args = (max(0, 1 - value), 1 + value)

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        alpha = _onp.random.uniform(*self._args)
        return np.array(type(self)._op(a, alpha), dtype=a.dtype)


class RandomBrightness(_RandomFactor):
    """Scale the pixel values by a factor drawn from ``[max(0, 1-brightness),
    1+brightness]``."""
    _op = staticmethod(_ops.brightness)


class RandomContrast(_RandomFactor):
    """Blend with the mean gray level by a factor drawn from ``[max(0, 1-contrast),
    1+contrast]``."""
    _op = staticmethod(_ops.contrast)


class RandomSaturation(_RandomFactor):
    """Blend with each pixel's gray level by a factor drawn from ``[max(0, 1-saturation),
    1+saturation]``."""
    _op = staticmethod(_ops.saturation)


class RandomHue(_RandomFactor):
    """Rotate the hue by ``a`` turns, ``a`` drawn from ``[max(0, 1-hue), 1+hue]`` (as
    MXNet 1.9.1: a full turn changes nothing, so the shift is ``a - 1`` turns)."""
    _op = staticmethod(_ops.hue)


class RandomColorJitter(Block):
    """Brightness, contrast, saturation and hue jitter (those with a non-zero value), in
    a random order."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)
        self._steps = [cls(v) for cls, v in zip(
            (RandomBrightness, RandomContrast, RandomSaturation, RandomHue), self._args) if v]

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        for i in _onp.random.permutation(len(self._steps)):
            a = _plain(self._steps[i](a))
        return np.array(a, dtype=a.dtype)


class RandomLighting(Block):
    """AlexNet-style PCA lighting noise with ``alpha ~ N(0, alpha)`` per eigenvector."""

    def __init__(self, alpha):
        super().__init__()
        self._alpha = alpha

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        a = _plain(x)
        if self._alpha == 0:
            return np.array(a, dtype=a.dtype)
        return np.array(_ops.lighting(a, _onp.random.normal(0, self._alpha, 3)), dtype=a.dtype)


class RandomApply(Sequential):
    """Apply ``transforms`` with probability ``p`` (else return the input)."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        """Transform one HWC image (or an NHWC batch)."""
        if self.p < _onp.random.random_sample():
            return x
        return self.transforms(x)


class Rotate(Block):
    """Rotate a CHW (or NCHW) float32 image by ``rotation_degrees`` (see
    ``_image_ops.rotate``: MXNet's ``image.imrotate``)."""

    def __init__(self, rotation_degrees, zoom_in=False, zoom_out=False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x):
        """Transform one CHW image (or an NCHW batch)."""
        return np.array(_ops.rotate(_plain(x), *self._args))


class RandomRotation(Block):
    """With probability ``rotate_with_proba``, rotate by an angle drawn uniformly from
    ``angle_limits`` (one per image of a batch)."""

    def __init__(self, angle_limits, zoom_in=False, zoom_out=False, rotate_with_proba=1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x):
        """Transform one CHW image (or an NCHW batch)."""
        if _onp.random.random_sample() > self._rotate_with_proba:
            return x
        a = _plain(x)
        limits, zi, zo = self._args
        deg = _onp.random.uniform(*limits) if a.ndim == 3 else \
            _onp.random.uniform(*limits, size=a.shape[0])
        return np.array(_ops.rotate(a, float(deg) if a.ndim == 3 else deg, zi, zo))
