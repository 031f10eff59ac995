"""The image arithmetic behind the colour and rotation transforms (NumPy; images are HWC
RGB or NHWC batches, rotation works on CHW / NCHW float32 as MXNet's ``imrotate``).

Formulas as MXNet 1.9.1's ``npx.image`` operators (checked against them with the factor
range collapsed to one value): brightness ``x * a``; contrast ``x * a + (1 - a) *
mean(gray)``; saturation ``x * a + (1 - a) * gray`` per pixel (``gray = 0.299 R + 0.587 G
+ 0.114 B``; MXNet 1.9.1's kernel keeps only the blue term, ``gray = 0.114 B``, an
assignment where a sum was meant — here the full gray value, as the formula says); hue
rotates the HLS hue by ``a`` turns; lighting adds AlexNet's PCA noise
``eigvec @ (alpha * eigval)``.  Integer images are truncated and clipped back to their
dtype (MXNet's ``saturate_cast``).
"""
import math

import numpy as _onp

from ....image.image import EIGVAL as _EIGVAL, EIGVEC as _EIGVEC  # AlexNet's PCA basis

__all__ = ['brightness', 'contrast', 'saturation', 'hue', 'lighting', 'rotate', 'saturate']

_GRAY = _onp.array([0.299, 0.587, 0.114])


def _rgb(a, who):
    if a.ndim not in (3, 4) or a.shape[-1] != 3:
        raise ValueError(f"{who}: expected an HWC RGB image or an NHWC batch with 3 "
                         f"channels, got shape {a.shape}")


def _work(a):
    """The arithmetic's dtype: float32 as MXNet's kernels (float64 for float64 images)."""
    return a.astype(_onp.float64 if a.dtype == _onp.float64 else _onp.float32)


def saturate(out, dtype):
    """``out`` (float) back to ``dtype``: integers truncated and clipped."""
    dtype = _onp.dtype(dtype)
    if dtype.kind in 'ui':
        info = _onp.iinfo(dtype)
        return _onp.clip(_onp.trunc(out), info.min, info.max).astype(dtype)
    return out.astype(dtype)


def brightness(a, alpha):
    """``a * alpha``."""
    _rgb(a, 'brightness')
    f = _work(a)
    return saturate(f * f.dtype.type(alpha), a.dtype)


def contrast(a, alpha):
    """Blend with each image's mean gray level: ``a * alpha + (1 - alpha) * mean``."""
    _rgb(a, 'contrast')
    f = _work(a)
    t = f.dtype.type
    mean = (f @ _GRAY.astype(f.dtype)).mean(axis=(-2, -1), keepdims=True)[..., None]
    return saturate(f * t(alpha) + (t(1) - t(alpha)) * mean, a.dtype)


def saturation(a, alpha):
    """Blend with each pixel's gray level: ``a * alpha + (1 - alpha) * gray``."""
    _rgb(a, 'saturation')
    f = _work(a)
    t = f.dtype.type
    gray = (f @ _GRAY.astype(f.dtype))[..., None]
    return saturate(f * t(alpha) + (t(1) - t(alpha)) * gray, a.dtype)


def _rgb_to_hls(f):
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    mx, mn = f.max(axis=-1), f.min(axis=-1)
    l = (mx + mn) / 2
    d = mx - mn
    safe = _onp.where(d == 0, 1, d)
    s = _onp.where(d == 0, 0, _onp.where(l <= 0.5, d / _onp.where(mx + mn == 0, 1, mx + mn),
                                         d / _onp.where(2 - mx - mn == 0, 1, 2 - mx - mn)))
    rc, gc, bc = (mx - r) / safe, (mx - g) / safe, (mx - b) / safe
    h = _onp.where(r == mx, bc - gc, _onp.where(g == mx, 2 + rc - bc, 4 + gc - rc))
    h = _onp.where(d == 0, 0, (h / 6) % 1.0)
    return h, l, s


def _hls_to_rgb(h, l, s):
    m2 = _onp.where(l <= 0.5, l * (1 + s), l + s - l * s)
    m1 = 2 * l - m2

    def v(hh):
        hh = hh % 1.0
        return _onp.where(hh < 1 / 6, m1 + (m2 - m1) * hh * 6,
                          _onp.where(hh < 0.5, m2,
                                     _onp.where(hh < 2 / 3, m1 + (m2 - m1) * (2 / 3 - hh) * 6,
                                                m1)))
    rgb = _onp.stack([v(h + 1 / 3), v(h), v(h - 1 / 3)], axis=-1)
    return _onp.where((s == 0)[..., None], l[..., None], rgb)


def hue(a, alpha):
    """Rotate the hue by ``alpha`` turns (HLS), keeping lightness and saturation."""
    _rgb(a, 'hue')
    scale = 255.0 if a.dtype.kind in 'ui' else 1.0
    f = _work(a)
    t = f.dtype.type
    h, l, s = _rgb_to_hls(f / t(scale))
    return saturate(_hls_to_rgb((h + t(alpha)) % t(1), l, s) * t(scale), a.dtype)


def lighting(a, alpha):
    """Add ``eigvec @ (alpha * eigval)`` (AlexNet's PCA lighting noise) to every pixel."""
    _rgb(a, 'lighting')
    alpha = _onp.asarray(alpha, dtype=_onp.float64).reshape(-1)
    if alpha.shape != (3,):
        raise ValueError(f"lighting: alpha must hold 3 values, got {alpha.shape}")
    f = _work(a)
    return saturate(f + (_EIGVEC @ (alpha * _EIGVAL)).astype(f.dtype), a.dtype)


def _bilinear(src, gx, gy):
    """MXNet's ``BilinearSampler``: ``src`` (C, H, W) at normalised coordinates in
    [-1, 1]; neighbours outside the image count as 0."""
    c, h, w = src.shape
    x = (gx + 1) * (w - 1) / 2
    y = (gy + 1) * (h - 1) / 2
    x0, y0 = _onp.floor(x).astype(_onp.int64), _onp.floor(y).astype(_onp.int64)
    out = _onp.zeros((c,) + gx.shape)
    for dx in (0, 1):
        for dy in (0, 1):
            xi, yi = x0 + dx, y0 + dy
            wgt = (1 - _onp.abs(x - xi)) * (1 - _onp.abs(y - yi))
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            vals = src[:, _onp.clip(yi, 0, h - 1), _onp.clip(xi, 0, w - 1)]
            out += _onp.where(ok, wgt, 0) * vals
    return out


def rotate(a, degrees, zoom_in=False, zoom_out=False):
    """Rotate a CHW (or NCHW, one angle per image) float32 array by ``degrees``
    counter-clockwise around its centre, as MXNet's ``image.imrotate`` (bilinear, zeros
    outside; ``zoom_in`` scales so no border shows, ``zoom_out`` so the whole image
    stays)."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if a.dtype != _onp.float32:
        raise TypeError("Only `float32` images are supported by this function (call it "
                        "after ToTensor)")
    if a.ndim == 3:
        if not isinstance(degrees, (int, float)):
            raise TypeError("When a single image is passed the rotation angle is required "
                            "to be a scalar.")
        return rotate(a[None], [degrees], zoom_in, zoom_out)[0]
    if a.ndim != 4:
        raise ValueError(f"rotate: expected a CHW image or an NCHW batch, got shape {a.shape}")
    degrees = _onp.broadcast_to(_onp.asarray(degrees, dtype=_onp.float64).reshape(-1),
                                (a.shape[0],))
    _, _, h, w = a.shape
    hs, ws = (h - 1) / 2, (w - 1) / 2
    hm = _onp.arange(h, dtype=_onp.float64)[:, None] - hs + _onp.zeros((1, w))
    wm = _onp.arange(w, dtype=_onp.float64)[None, :] - ws + _onp.zeros((h, 1))
    out = _onp.empty(a.shape, dtype=_onp.float64)
    for n, deg in enumerate(degrees):
        rad = math.pi * deg / 180
        c, s = math.cos(rad), math.sin(rad)
        gx = (wm * c - hm * s) / ws
        gy = (wm * s + hm * c) / hs
        scale = 1.0
        if zoom_in or zoom_out:
            rho, ang = math.sqrt(h * h + w * w), math.atan(h / w)
            mx_x = max(abs(rho * math.cos(ang + abs(rad))), abs(rho * math.cos(ang - abs(rad))))
            mx_y = max(abs(rho * math.sin(ang + abs(rad))), abs(rho * math.sin(ang - abs(rad))))
            scale = max(mx_x / w, mx_y / h) if zoom_out else min(w / mx_x, h / mx_y)
        out[n] = _bilinear(a[n].astype(_onp.float64), gx * scale, gy * scale)
    return out.astype(_onp.float32)
